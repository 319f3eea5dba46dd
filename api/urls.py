from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api.views import calculation, factors, reference

router = DefaultRouter()
router.register("factors", factors.FactorViewSet, basename="factor")
router.register("categories", reference.CategoryViewSet, basename="category")
router.register("regions", reference.RegionViewSet, basename="region")
router.register("units", reference.UnitViewSet, basename="unit")
router.register("gases", reference.GasViewSet, basename="gas")
router.register("gwp-sets", reference.GwpSetViewSet, basename="gwp-set")
router.register("sources", reference.SourceViewSet, basename="source")

app_name = "api"
urlpatterns = [
    path("", include(router.urls)),
    path("resolve/", calculation.ResolveView.as_view(), name="resolve"),
    path("calculate/", calculation.CalculateView.as_view(), name="calculate"),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
