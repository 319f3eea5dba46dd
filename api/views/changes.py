"""changes/: what was published, superseded, withdrawn or corrected, in the order it became visible.

Each change carries `seq`, numbered under the publication lock (factordb/services/
publication.py), so `seq` follows commit order: once a client has seen `seq` n, no change
numbered n or lower can appear later. A client syncs with `?after=<the last seq it applied>`
(a release states its position as `feed_seq`); `?since=<time>` is for a first sync only,
since a change committed late can carry an earlier time than one already served.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination

from api.params import parse_moment
from api.response_cache import CachedReadMixin
from api.schema import ERRORS
from factordb.models import WorkflowEvent
from factordb.workflow import PUBLIC_ACTIONS

AFTER = OpenApiParameter("after", OpenApiTypes.INT, description=(
    "The feed's cursor: changes with a greater `seq` than this, in `seq` order. Pass the `seq` of "
    "the last change you applied, or a release's `feed_seq` to follow on from its download."))
SINCE = OpenApiParameter("since", OpenApiTypes.DATETIME, description=(
    "For a first sync only: changes at or after this time. Continue with `after`, never with a "
    "later `since`: a change committed late may carry an earlier time than one already served."))


class ChangeSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="Position in commit order; the cursor for `after`.")
    at = serializers.DateTimeField()
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
        raise serializers.ValidationError({"after": [f"'{raw}' is not a feed position (an integer ≥ 0)."]})
    return int(raw)


class ChangeList(CachedReadMixin, generics.ListAPIView):
    serializer_class = ChangeSerializer
    pagination_class = ChangePagination
    filter_backends = []

    def get_queryset(self):
        after = parse_after(self.request.query_params.get("after"))
        since = parse_moment(self.request.query_params.get("since"), "since", required=after is None)
        changes = WorkflowEvent.objects.filter(action__in=PUBLIC_ACTIONS, seq__isnull=False)
        if after is not None:
            changes = changes.filter(seq__gt=after)
        if since is not None:
            changes = changes.filter(at__gte=since)
        return changes.select_related("version__factor")

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
