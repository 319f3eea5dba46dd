"""Factors: the list with filters, one factor's version in force, and its published history."""

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import FactorFilter, StrictOrderingFilter
from api.params import MOMENT_HELP, parse_moment
from api.response_cache import CachedReadMixin
from api.schema import ERRORS
from api.serializers import FactorSerializer, FrozenFactorSerializer, VersionSerializer
from factordb.constants import FROZEN_STATUSES
from factordb.models import FactorVersion, Release, ReleaseFactor, VersionSource
from factordb.services.resolution import visible_versions

AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATETIME, description=(
    f"Not in the future: answer with the version in force then. {MOMENT_HELP}"))

RELEASE = OpenApiParameter("release", OpenApiTypes.STR, description=(
    "Release name (e.g. 2025.1): answer with the version that release pinned, exactly as the "
    "release showed it when it was sealed (names, codes, sources and status of that moment)."))

# The one answer for every factor the public cannot see: unknown, never published, or not
# in force at `as_of` or in the release asked for. It names no id and no reason.
FACTOR_NOT_FOUND = "No published factor has this id (at that time, or in that release)."


class FactorPagination(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = ("public_id",)


def parse_as_of(request: Request):
    moment = parse_moment(request.query_params.get("as_of"), "as_of")
    if moment is not None and moment > timezone.now():
        raise drf_serializers.ValidationError({"as_of": ["as_of must not be in the future."]})
    return moment


def parse_release(request: Request) -> str | None:
    name = request.query_params.get("release") or None
    if name is not None and not Release.objects.sealed().filter(name=name).exists():
        raise drf_serializers.ValidationError({"release": [f"unknown release '{name}'"]})
    return name


def with_content(versions: QuerySet) -> QuerySet:
    cited = VersionSource.objects.select_related("source")
    return versions.prefetch_related("gas_amounts__gas", Prefetch("version_sources", queryset=cited))


def with_frozen_document(versions: QuerySet, release: str) -> QuerySet:
    frozen = ReleaseFactor.objects.filter(release__name=release, version=OuterRef("pk"))
    return versions.annotate(frozen_document=Subquery(frozen.values("document")[:1]))


class FactorViewSet(CachedReadMixin, viewsets.ReadOnlyModelViewSet):
    """Published factors only: nothing under review is ever served."""

    serializer_class = FactorSerializer
    filterset_class = FactorFilter
    filter_backends = [*viewsets.ReadOnlyModelViewSet.filter_backends, StrictOrderingFilter]
    ordering_fields = ["public_id", "year", "published_at", "co2e_total"]
    pagination_class = FactorPagination
    lookup_field = "public_id"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet:
        release = parse_release(self.request)
        versions = visible_versions(as_of=parse_as_of(self.request), release=release)
        versions = with_content(versions) if release is None else with_frozen_document(versions, release)
        # Friendly names for ordering and the cursor: ?ordering=-year,public_id
        return versions.annotate(public_id=F("factor__public_id"), year=F("factor__year"))

    def get_serializer_class(self):
        # A release answers with what it showed when it was sealed, never with today's names.
        if self.request.query_params.get("release"):
            return FrozenFactorSerializer
        return super().get_serializer_class()

    def get_object(self) -> FactorVersion:
        # Looked up among the visible versions only: an id that exists but was never
        # published answers exactly as an unknown one, so drafts cannot be discovered.
        version = self.get_queryset().filter(factor__public_id=self.kwargs["public_id"]).first()
        if version is None:
            raise NotFound(FACTOR_NOT_FOUND)
        return version

    @extend_schema(summary="List published factors", parameters=[AS_OF], responses={200: FactorSerializer,
                                                                                    **ERRORS})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One factor with its version in force", parameters=[AS_OF, RELEASE],
                   responses={200: FactorSerializer, **ERRORS})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(summary="A factor's published history, newest first", filters=False,
                   responses={200: VersionSerializer(many=True), **ERRORS})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def versions(self, request: Request, public_id: str) -> Response:
        history = list(with_content(FactorVersion.objects.filter(factor__public_id=public_id,
                                                                 status__in=FROZEN_STATUSES)
                                    .select_related("gwp_set")).order_by("-version"))
        if not history:  # unknown, or never published: the same answer for both
            raise NotFound(FACTOR_NOT_FOUND)
        return Response(VersionSerializer(history, many=True).data)
