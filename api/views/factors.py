"""Factors: the list with filters, one factor's version in force, and its published history."""

import json
from datetime import datetime

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import FactorFilter, StrictOrderingFilter
from api.params import AS_OF_HELP, parse_as_of, parse_moment
from api.response_cache import CachedReadMixin
from api.schema import ERRORS
from api.serializers import FactorSerializer, VersionSerializer
from factordb.constants import FROZEN_STATUSES
from factordb.models import FactorVersion, Release, ReleaseFactor
from factordb.selectors_changes import with_withdrawals_since
from factordb.services.factor_documents import (
    in_force_document,
    listed_documents,
    listed_rows,
    version_documents,
)
from factordb.services.list_exports import CONTENT_TYPES, MAX_ROWS, ExportFormat, ExportTooLarge, export_list
from factordb.services.resolution import visible_versions

AS_OF = OpenApiParameter("as_of", OpenApiTypes.STR, description=(
    f"Answer with the version in force then. {AS_OF_HELP}"))

RELEASE = OpenApiParameter("release", OpenApiTypes.STR, description=(
    "Release name (e.g. 2025.1): answer with the version that release pinned, exactly as the "
    "release showed it when it was sealed (names, codes, sources and status of that moment)."))

# The one answer for every factor the public cannot see: unknown, never published, or not
# in force at `as_of` or in the release asked for. It names no id and no reason.
FACTOR_NOT_FOUND = gettext_lazy("没有以此编号发布的因子（在该时间或该版本中）。")


class FactorPagination(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = ("public_id",)


def parse_release(request: Request) -> str | None:
    name = request.query_params.get("release") or None
    if name is not None and not Release.objects.sealed().filter(name=name).exists():
        raise drf_serializers.ValidationError({"release": [_("未知的发布版本“%(name)s”") % {"name": name}]})
    return name


# --- The list as a file ---------------------------------------------------------------------

FILE_FORMAT = OpenApiParameter("file_format", OpenApiTypes.STR, required=True,
                               enum=[choice.value for choice in ExportFormat], description=(
    "csv: UTF-8; csv-excel: the same with a UTF-8 byte order mark, which Excel needs to read "
    "Chinese; xlsx: one sheet named factors; json: {columns, filters, count, factors}. The "
    "columns are the import template's (an export imports again with no change), decimals "
    "exact, texts a spreadsheet would run as a formula prefixed with an apostrophe."))
EXPORT_ORDERING = OpenApiParameter("ordering", OpenApiTypes.STR, description=(
    "As for the list: public_id (default), year, published_at, co2e_total; '-' for descending."))
# What `release` lists is frozen at the cut; its files are the release's own downloads.
EXPORT_RELEASE_REFUSED = gettext_lazy("发布版本的因子按封存时的样子导出："
                                      "GET /api/v1/releases/{name}/download.csv 或 download.json")


class ExportDocumentSerializer(drf_serializers.Serializer):
    """The JSON file (for the schema: the file is written by factordb.services.list_exports)."""

    columns = drf_serializers.ListField(child=drf_serializers.CharField(), help_text=(
        "The import template's columns, in its order: the keys of every factor."))
    filters = drf_serializers.DictField(child=drf_serializers.CharField(), help_text=(
        "The parameters the list was asked with."))
    count = drf_serializers.IntegerField()
    factors = drf_serializers.ListField(child=drf_serializers.DictField(), help_text=(
        "One object per factor, keyed by column: decimals as exact strings, absent values null."))


class ErrorsAsJson(BaseContentNegotiation):
    """A file whatever the client accepts; and when there is no file, the JSON error, never a
    406 for an Accept header that names the file's type."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


def export_parameters(request: Request) -> tuple[ExportFormat, dict[str, str]]:
    """The file format and the list's filters, or a 400 naming every parameter that is
    unknown, repeated or refused (closed input, docs/adr/0013)."""
    filters = sorted(set(FactorFilter.base_filters) - {"release"})
    allowed = {*filters, "release", "ordering", "file_format"}
    problems: dict[str, list[str]] = {}
    for name, values in request.query_params.lists():
        if name not in allowed:
            problems[name] = [_("未知参数；请使用 file_format、ordering 或列表的筛选条件（%(filters)s）")
                              % {"filters": ", ".join(filters)}]
        elif len(values) > 1:
            problems[name] = [_("重复给出")]
    if "release" in request.query_params:
        problems["release"] = [str(EXPORT_RELEASE_REFUSED)]
    raw = request.query_params.get("file_format", "")
    choices = ", ".join(choice.value for choice in ExportFormat)
    if raw not in set(ExportFormat):
        problems.setdefault("file_format", [
            _("必填：%(choices)s 之一") % {"choices": choices} if not raw else
            _("“%(raw)s”不是 %(choices)s 之一") % {"raw": raw, "choices": choices}])
    if problems:
        raise drf_serializers.ValidationError(problems)
    filters = {name: value for name, value in request.query_params.items() if name != "file_format"}
    return ExportFormat(raw), filters


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

    def _parameters(self) -> tuple[str | None, datetime | None, datetime | None]:
        """`release`, `as_of` and `updated_since`, each checked (a 400 names what is wrong)."""
        return (parse_release(self.request), parse_as_of(self.request.query_params.get("as_of")),
                parse_moment(self.request.query_params.get("updated_since"), "updated_since"))

    def get_queryset(self) -> QuerySet:
        release, as_of, since = self._parameters()
        versions = visible_versions(as_of=as_of, release=release)
        if since is not None and release is None and self.action == "list":
            # What changed since then includes what left force: a withdrawn factor, marked withdrawn.
            versions = with_withdrawals_since(versions, since, as_of=as_of)
        if release is not None:
            versions = with_frozen_document(versions, release)
        # Friendly names for ordering and the cursor: ?ordering=-year,public_id
        return versions.annotate(public_id=F("factor__public_id"), year=F("factor__year"))

    def _rows(self, versions: QuerySet) -> QuerySet:
        """The versions as plain rows, with what the cursor orders by: answers are built from
        rows, never from model instances and nested serializers (factordb/services/factor_documents.py)."""
        if self.request.query_params.get("release"):
            return versions.values("frozen_document", "public_id", "year", "published_at", "co2e_total")
        return listed_rows(versions, "public_id", "year", "published_at", "co2e_total")

    def _documents(self, rows: list[dict]) -> list[dict]:
        # A release answers with what it showed when it was sealed, never with today's names.
        if self.request.query_params.get("release"):
            return [json.loads(row["frozen_document"]) for row in rows]
        return listed_documents(rows)

    @extend_schema(summary="List published factors", parameters=[AS_OF], responses={200: FactorSerializer,
                                                                                    **ERRORS})
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self._rows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(self._documents(page))

    @extend_schema(summary="One factor with its version in force", parameters=[AS_OF, RELEASE],
                   responses={200: FactorSerializer, **ERRORS})
    def retrieve(self, request, *args, **kwargs):
        # Looked up among the visible versions only: an id that exists but was never
        # published answers exactly as an unknown one, so drafts cannot be discovered.
        release, as_of, _ = self._parameters()
        if release is None and as_of is None:  # the version in force: the question most asked
            document = in_force_document(self.kwargs["public_id"])
        else:
            versions = self.get_queryset().filter(factor__public_id=self.kwargs["public_id"])
            rows = list(self._rows(versions.order_by("-version"))[:1])
            document = self._documents(rows)[0] if rows else None
        if document is None:
            raise NotFound(FACTOR_NOT_FOUND)
        return Response(document)

    @extend_schema(
        summary="The filtered list as one file: CSV, CSV for Excel, XLSX or JSON",
        description=(
            "The same versions as the list with the same filters and `as_of` (all of them, not a "
            f"page), in the import template's columns. At most {MAX_ROWS} factors: a longer list is "
            "a 400 with the count, never a shorter file. Unknown or repeated parameters are a 400; "
            "`release` is refused (a release's downloads are its own files)."),
        filters=True,
        parameters=[FILE_FORMAT, AS_OF, EXPORT_ORDERING, OpenApiParameter("release", exclude=True)],
        responses={**{(200, content_type.split(";")[0]): OpenApiResponse(OpenApiTypes.BINARY)
                      for content_type in CONTENT_TYPES.values()},
                   (200, "application/json"): ExportDocumentSerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"], url_path="export", pagination_class=None,
            content_negotiation_class=ErrorsAsJson)
    def export(self, request: Request) -> FileResponse:
        file_format, filters = export_parameters(request)
        versions = self.filter_queryset(self.get_queryset().order_by("factor__public_id"))
        try:
            exported = export_list(versions, file_format, filters=filters)
        except ExportTooLarge as exc:
            raise drf_serializers.ValidationError({"non_field_errors": [
                _("列表有 %(count)d 个因子；一个文件至多 %(limit)d 个。"
                  "请缩小筛选范围（类别、地区、年份、数据集……）。")
                % {"count": exc.count, "limit": exc.limit}]}) from exc
        response = FileResponse(exported.file, as_attachment=True, filename=exported.filename,
                                content_type=exported.content_type)
        response["ETag"] = exported.etag
        return response

    @extend_schema(summary="A factor's published history, newest first", filters=False,
                   responses={200: VersionSerializer(many=True), **ERRORS})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def versions(self, request: Request, public_id: str) -> Response:
        history = version_documents(FactorVersion.objects.filter(factor__public_id=public_id,
                                                                 status__in=FROZEN_STATUSES).order_by("-version"))
        if not history:  # unknown, or never published: the same answer for both
            raise NotFound(FACTOR_NOT_FOUND)
        return Response(history)
