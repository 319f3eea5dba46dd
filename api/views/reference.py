"""Reference lists: what the codes a calculator sends mean."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from api import serializers
from api.response_cache import CachedReadMixin
from api.schema import ERRORS
from factordb.models import Category, Gas, GwpSet, GwpValue, Region, Source, Unit


def reference_viewset(model_queryset, serializer, *, lookup: str = "code", doc: str):
    @extend_schema_view(list=extend_schema(summary=doc, responses={200: serializer, **ERRORS}),
                        retrieve=extend_schema(summary=doc, responses={200: serializer, **ERRORS}))
    class ReferenceViewSet(CachedReadMixin, viewsets.ReadOnlyModelViewSet):
        queryset = model_queryset
        serializer_class = serializer
        lookup_field = lookup
        lookup_value_regex = "[^/]+"
        pagination_class = None  # small, complete lists

    ReferenceViewSet.__name__ = f"{model_queryset.model.__name__}ViewSet"
    return ReferenceViewSet


CategoryViewSet = reference_viewset(Category.objects.select_related("parent").order_by("path"),
                                    serializers.CategorySerializer, doc="Categories (a tree by path)")
RegionViewSet = reference_viewset(Region.objects.select_related("parent").order_by("path"),
                                  serializers.RegionSerializer,
                                  doc="Regions (province → grid → national → global)")
UnitViewSet = reference_viewset(Unit.objects.prefetch_related("aliases").order_by("dimension", "code"),
                                serializers.UnitSerializer,
                                doc="Activity units, their dimension and the names they are accepted by")
GasViewSet = reference_viewset(Gas.objects.order_by("code"), serializers.GasSerializer, doc="Gases")
GwpSetViewSet = reference_viewset(
    GwpSet.objects.select_related("source").prefetch_related(
        Prefetch("values", queryset=GwpValue.objects.select_related("gas"))).order_by("code"),
    serializers.GwpSetSerializer, doc="GWP sets (100-year) with their values")
SourceViewSet = reference_viewset(Source.objects.order_by("-year", "title"), serializers.SourceSerializer,
                                  lookup="pk", doc="Sources that factor values cite")
