"""changes/: what was published, superseded, withdrawn or corrected, in the order it became visible.

Each change carries `seq`, numbered under the publication lock (factordb/services/
publication.py), so `seq` follows commit order: once a client has seen `seq` n, no change
numbered n or lower can appear later. A client syncs with `?after=<the last seq it applied>`
(a release states its position as `feed_seq`); `?since=<time>` is for a first sync only,
since a change committed late can carry an earlier time than one already served.

Each change is dated by when it took effect, the time versions/ shows
(factordb/selectors_changes.py): a seeded version published in 2024 is dated 2024.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination

from api.params import MOMENT_HELP, parse_moment
from api.response_cache import CachedReadMixin
from api.schema import ERRORS
from api.serializers import MomentTextField
from factordb.models import WorkflowEvent
from factordb.selectors_changes import public_changes

AFTER = OpenApiParameter("after", OpenApiTypes.INT, description=(
    "The feed's cursor: changes with a greater `seq` than this, in `seq` order. Pass the `seq` of "
    "the last change you applied, or a release's `feed_seq` to follow on from its download."))
SINCE = OpenApiParameter("since", OpenApiTypes.STR, description=(
    "For a first sync only: changes that took effect at or after this time. Continue with `after`, "
    "never with a later `since`: a change committed late may carry an earlier time than one already "
    f"served. {MOMENT_HELP}"))


class ChangeSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="Position in commit order; the cursor for `after`.")
    at = MomentTextField(source="effective_at", help_text=(
        "When the change took effect, in UTC ending in Z: a publication at the version's published_at, "
        "a supersession or withdrawal at its superseded_at (the times versions/ shows), a correction "
        "when it was recorded."))
    change = serializers.SerializerMethodField(
        help_text="published, superseded, withdrawn, or corrected: an approver's recorded correction "
                  "of the factor's names or of a cited source (the version's status is unchanged).")
    action = serializers.CharField(help_text="The workflow step: publish, publish_official, supersede, "
                                             "withdraw or correct.")
    reason = serializers.SerializerMethodField(help_text="Why a correction was made; null for other changes.")
    public_id = serializers.CharField(source="version.factor.public_id")
    version = serializers.IntegerField(source="version.version")

    def get_change(self, event: WorkflowEvent) -> str:
        return "corrected" if event.action == "correct" else event.to_status

    def get_reason(self, event: WorkflowEvent) -> str | None:
        # Only a correction's reason is public: other steps' comments are notes among staff.
        return event.comment if event.action == "correct" else None


class ChangePagination(CursorPagination):
    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 5000
    ordering = ("seq",)


def parse_after(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    if not raw.isdigit() or len(raw) > 18:
        message = _("“%(raw)s”不是变更序号（≥ 0 的整数）。") % {"raw": raw}
        raise serializers.ValidationError({"after": [message]})
    return int(raw)


class ChangeList(CachedReadMixin, generics.ListAPIView):
    serializer_class = ChangeSerializer
    pagination_class = ChangePagination
    filter_backends = []

    def get_queryset(self):
        after = parse_after(self.request.query_params.get("after"))
        since = parse_moment(self.request.query_params.get("since"), "since", required=after is None)
        return public_changes(after=after, since=since)

    @extend_schema(
        summary="Publications, supersessions, withdrawals and corrections, in commit order",
        description=(
            "Each change carries `seq`, its position in commit order: once you have seen `seq` n, no "
            "change numbered n or lower appears later. Sync with `after=<the last seq you applied>`; "
            "start from a release's download with `after=<its feed_seq>`. `since` is for a first sync "
            "only. One of `after` and `since` is required."),
        parameters=[AFTER, SINCE],
        responses={200: ChangeSerializer(many=True), **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
