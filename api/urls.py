from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView, DefaultRouter

from api.views import calculation, changes, factors, reference, releases, webhooks

router = DefaultRouter()
# The root below lists every endpoint, not only the router's.
router.include_root_view = False
router.register("factors", factors.FactorViewSet, basename="factor")
router.register("categories", reference.CategoryViewSet, basename="category")
router.register("regions", reference.RegionViewSet, basename="region")
router.register("units", reference.UnitViewSet, basename="unit")
router.register("gases", reference.GasViewSet, basename="gas")
router.register("gwp-sets", reference.GwpSetViewSet, basename="gwp-set")
router.register("sources", reference.SourceViewSet, basename="source")
router.register("releases", releases.ReleaseViewSet, basename="release")

# What the API root answers: each endpoint without a parameter in its address, by URL name.
# The addresses of one object (factors/{public_id}/ …) are in the schema.
ROOT_ENDPOINTS = {
    "factors": "factor-list",
    "factors-export": "factor-export",
    "resolve": "resolve",
    "calculate": "calculate",
    "changes": "changes",
    "webhooks": "webhook-list",
    "releases": "release-list",
    "categories": "category-list",
    "regions": "region-list",
    "units": "unit-list",
    "gases": "gas-list",
    "gwp-sets": "gwp-set-list",
    "sources": "source-list",
    "schema": "schema",
    "docs": "docs",
}

app_name = "api"
urlpatterns = [
    path("", APIRootView.as_view(api_root_dict=ROOT_ENDPOINTS), name="api-root"),
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
    path("releases/<str:name>/datapackage.json",
         releases.ReleaseViewSet.as_view({"get": "datapackage"}), name="release-datapackage"),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    # Swagger UI from our own static files (drf-spectacular-sidecar), its start-up script a
    # file of its own (docs/?script) rather than inline: nothing a CDN or a strict
    # Content-Security-Policy would stop.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
