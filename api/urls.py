from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api.views import calculation, changes, factors, reference, releases, webhooks

router = DefaultRouter()
router.register("factors", factors.FactorViewSet, basename="factor")
router.register("categories", reference.CategoryViewSet, basename="category")
router.register("regions", reference.RegionViewSet, basename="region")
router.register("units", reference.UnitViewSet, basename="unit")
router.register("gases", reference.GasViewSet, basename="gas")
router.register("gwp-sets", reference.GwpSetViewSet, basename="gwp-set")
router.register("sources", reference.SourceViewSet, basename="source")
router.register("releases", releases.ReleaseViewSet, basename="release")

app_name = "api"
urlpatterns = [
    path("", include(router.urls)),
    path("resolve/", calculation.ResolveView.as_view(), name="resolve"),
    path("calculate/", calculation.CalculateView.as_view(), name="calculate"),
    path("changes/", changes.ChangeList.as_view(), name="changes"),
    path("webhooks/", webhooks.WebhookList.as_view(), name="webhook-list"),
    path("webhooks/<int:pk>/", webhooks.WebhookDetail.as_view(), name="webhook-detail"),
    # Files, so no trailing slash: the name ends in the format.
    path("releases/<str:name>/download.json",
         releases.ReleaseViewSet.as_view({"get": "download_json"}), name="release-download-json"),
    path("releases/<str:name>/download.csv",
         releases.ReleaseViewSet.as_view({"get": "download_csv"}), name="release-download-csv"),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
