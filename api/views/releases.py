"""Releases: the citable editions, their differences, and their canonical downloads."""

from django.db.models import Count
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.response_cache import CachedReadMixin
from api.schema import ERRORS
from api.serializers import MomentTextField
from factordb.models import Release
from factordb.services.datapackage import release_datapackage
from factordb.services.exports import release_csv, release_json
from factordb.services.release_contents import ADDED, CHANGED, WITHDRAWN, PinnedFactor, ReleaseDiff
from factordb.services.releases import release_diff


class ReleaseFileSerializer(serializers.Serializer):
    sha256 = serializers.CharField()
    size = serializers.IntegerField()


class ReleaseSerializer(serializers.ModelSerializer):
    published_at = MomentTextField()
    factor_count = serializers.IntegerField(read_only=True)  # annotated by the view
    files = serializers.SerializerMethodField(help_text=(
        "Each download's SHA-256 and size in bytes, fixed when the release was sealed: "
        "download.json, download.csv and datapackage.json (the Frictionless Data Package "
        "describing the other two)."))
    feed_seq = serializers.IntegerField(source="content.feed_seq", read_only=True, help_text=(
        "The change feed's position at the cut: replay changes/?after=<feed_seq> on top of the "
        "release's content to reach the live state."))

    class Meta:
        model = Release
        fields = ("name", "published_at", "notes_zh", "notes_en", "checksum_sha256", "factor_count",
                  "files", "feed_seq")

    @extend_schema_field(serializers.DictField(child=ReleaseFileSerializer()))
    def get_files(self, release: Release) -> dict[str, dict]:
        content = release.content
        return {
            "download.json": {"sha256": content.json_sha256, "size": content.json_size},
            "download.csv": {"sha256": content.csv_sha256, "size": content.csv_size},
            "datapackage.json": {"sha256": release.package.sha256, "size": release.package.size},
        }


class PinnedGasAmountSerializer(serializers.Serializer):
    gas = serializers.CharField(help_text="The gas's code.")
    amount = serializers.CharField(allow_null=True, help_text="Its amount per unit, as plain decimal text.")


class PinnedVersionSerializer(serializers.Serializer):
    """One side of a diff entry: the version a release pinned, as the release showed it."""

    version = serializers.IntegerField(help_text="The version number the release pinned.")
    co2e_total = serializers.CharField(allow_null=True, help_text=(
        "kg CO2e per unit, as plain decimal text."))
    unit = serializers.CharField(help_text="The unit's code.")
    unit_symbol = serializers.CharField()
    gwp_set = serializers.CharField(help_text="The GWP set's code.")
    gas_amounts = PinnedGasAmountSerializer(many=True)


class ReleaseDiffEntrySerializer(serializers.Serializer):
    change = serializers.ChoiceField(choices=[ADDED, CHANGED, WITHDRAWN], help_text=(
        "added: pinned by the newer release only; changed: pinned at another version; "
        "withdrawn: pinned by the older release only."))
    public_id = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    category = serializers.CharField(help_text="The category's code.")
    region = serializers.CharField(help_text="The region's code.")
    year = serializers.IntegerField()
    before = PinnedVersionSerializer(allow_null=True, help_text=(
        "As the older release pinned it; null for an added factor."))
    after = PinnedVersionSerializer(allow_null=True, help_text=(
        "As the newer release pins it; null for a withdrawn factor."))


class ReleaseDiffCountsSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    changed = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ReleaseDiffSerializer(serializers.Serializer):
    release = serializers.CharField()
    compared_with = serializers.CharField(allow_null=True, help_text=(
        "The older release; null when there is none (everything is added)."))
    counts = ReleaseDiffCountsSerializer()
    changes = ReleaseDiffEntrySerializer(many=True, help_text=(
        "Every factor that differs, with its versions and values on each side: added, then "
        "changed, then withdrawn, each by category, newest year first, region and public id."))
    added = serializers.ListField(child=serializers.CharField(), help_text=(
        "Public ids of the added factors, sorted (kept for clients of the earlier shape)."))
    changed = serializers.ListField(child=serializers.CharField(), help_text=(
        "Public ids of the factors pinned at another version, sorted."))
    withdrawn = serializers.ListField(child=serializers.CharField(), help_text=(
        "Public ids of the factors no longer pinned, sorted."))


def _side(factor: PinnedFactor | None) -> dict | None:
    if factor is None:
        return None
    return {"version": factor.version, "co2e_total": factor.co2e_total, "unit": factor.unit,
            "unit_symbol": factor.unit_symbol, "gwp_set": factor.gwp_set,
            "gas_amounts": [{"gas": row.gas, "amount": row.amount} for row in factor.gas_amounts]}


def _entry(change: str, before: PinnedFactor | None, after: PinnedFactor | None) -> dict:
    shown = after or before  # names as the newer side shows them, if it pins the factor
    return {"change": change, "public_id": shown.public_id, "name_zh": shown.name_zh,
            "name_en": shown.name_en, "category": shown.category, "region": shown.region,
            "year": shown.year, "before": _side(before), "after": _side(after)}


def diff_body(diff: ReleaseDiff, *, release: str) -> dict:
    return {
        "release": release, "compared_with": diff.compared_with.name if diff.compared_with else None,
        "counts": {ADDED: len(diff.added), CHANGED: len(diff.changed), WITHDRAWN: len(diff.withdrawn),
                   "unchanged": diff.unchanged},
        "changes": ([_entry(ADDED, None, f) for f in diff.added]
                    + [_entry(CHANGED, c.before, c.after) for c in diff.changed]
                    + [_entry(WITHDRAWN, f, None) for f in diff.withdrawn]),
        ADDED: diff.added_ids, CHANGED: diff.changed_ids, WITHDRAWN: diff.withdrawn_ids,
    }


def _download(body: bytes, *, sha256: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The digest sealed with the bytes, never one recomputed from what is being sent: a
    # client comparing it with the release metadata checks what the release promised.
    response["X-Checksum-SHA256"] = sha256
    # The bytes never change, so their digest is a strong validator; no need to hash them again.
    response["ETag"] = f'"{sha256}"'
    return response


@extend_schema_view(
    list=extend_schema(summary="Releases, newest first", responses={200: ReleaseSerializer, **ERRORS}),
    retrieve=extend_schema(summary="One release", responses={200: ReleaseSerializer, **ERRORS}),
)
class ReleaseViewSet(CachedReadMixin, viewsets.ReadOnlyModelViewSet):
    # The count in the query: one COUNT per release made the list N+1.
    queryset = (Release.objects.sealed().newest_first().annotate(factor_count=Count("entries"))
                .select_related("content", "package")
                .defer("content__json_bytes", "content__csv_bytes", "package__body"))
    serializer_class = ReleaseSerializer
    lookup_field = "name"
    lookup_value_regex = "[^/]+"
    pagination_class = None

    def get_object(self) -> Release:
        # Django's own 404 message ("No Release matches …") is English whatever the client asked.
        release = self.filter_queryset(self.get_queryset()).filter(name=self.kwargs["name"]).first()
        if release is None:
            raise NotFound(_("没有名为“%(name)s”的已发布版本。") % {"name": self.kwargs["name"]})
        self.check_object_permissions(self.request, release)
        return release

    @extend_schema(
        summary="What changed between two releases: factors with their versions and values",
        parameters=[OpenApiParameter("from", OpenApiTypes.STR, description=(
            "The older release's name; default: the release before this one."))],
        description=(
            "Each factor that differs is listed in `changes` with its public id, names, and on "
            "each side the version the release pinned, its CO2e total, unit, GWP set and gas "
            "amounts, as each release showed them when sealed; `added`, `changed` and "
            "`withdrawn` list the same factors' public ids only."),
        responses={200: ReleaseDiffSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, name: str) -> Response:
        new = self.get_object()
        older = request.query_params.get("from")
        if older:
            old = Release.objects.sealed().filter(name=older).first()
            if old is None:
                raise serializers.ValidationError({"from": [_("未知的发布版本“%(name)s”") % {"name": older}]})
        else:
            old = self.get_queryset().filter(published_at__lt=new.published_at).first()
        diff = release_diff(old=old, new=new)
        return Response(ReleaseDiffSerializer(diff_body(diff, release=new.name)).data)

    @extend_schema(summary="The canonical JSON export; its SHA-256 is the release's checksum",
                   responses={(200, "application/json"): OpenApiResponse(OpenApiTypes.BINARY), **ERRORS})
    def download_json(self, request: Request, name: str) -> HttpResponse:
        release = self.get_object()
        return _download(release_json(release), sha256=release.content.json_sha256,
                         filename=f"factordb-{release.name}.json",
                         content_type="application/json; charset=utf-8")

    @extend_schema(summary="The canonical CSV export, with its SHA-256 in X-Checksum-SHA256",
                   responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY), **ERRORS})
    def download_csv(self, request: Request, name: str) -> HttpResponse:
        release = self.get_object()
        return _download(release_csv(release), sha256=release.content.csv_sha256,
                         filename=f"factordb-{release.name}.csv",
                         content_type="text/csv; charset=utf-8")

    @extend_schema(
        summary="The release's files as a Frictionless Data Package, with its SHA-256 in X-Checksum-SHA256",
        description=(
            "datapackage.json (Data Package v2): the CSV and JSON downloads as resources, by the "
            "paths `download.csv` and `download.json` (relative to this URL; save the three files "
            "under these names side by side to use them offline), each with its SHA-256, size, "
            "format and encoding; the CSV's Table Schema (every column's type, description and "
            "constraints, primary key `public_id`); the licence statement; the cited sources. "
            "Frozen when the release was sealed."),
        responses={(200, "application/json"): OpenApiResponse(OpenApiTypes.BINARY), **ERRORS})
    def datapackage(self, request: Request, name: str) -> HttpResponse:
        release = self.get_object()
        return _download(release_datapackage(release), sha256=release.package.sha256,
                         filename="datapackage.json", content_type="application/json; charset=utf-8")


