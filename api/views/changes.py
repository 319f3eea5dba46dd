"""changes/: what was published, superseded, withdrawn or corrected since a time, for calculators to sync."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination

from api.params import parse_moment
from api.response_cache import CachedReadMixin
from api.schema import ERRORS
from factordb.models import WorkflowEvent
from factordb.workflow import PUBLIC_ACTIONS


class ChangeSerializer(serializers.Serializer):
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
    ordering = ("at", "pk")


class ChangeList(CachedReadMixin, generics.ListAPIView):
    serializer_class = ChangeSerializer
    pagination_class = ChangePagination
    filter_backends = []

    def get_queryset(self):
        since = parse_moment(self.request.query_params.get("since"), "since", required=True)
        return (WorkflowEvent.objects.filter(action__in=PUBLIC_ACTIONS, at__gte=since)
                .select_related("version__factor"))

    @extend_schema(
        summary="Publications, supersessions, withdrawals and corrections since a time (oldest first)",
        parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME, required=True)],
        responses={200: ChangeSerializer(many=True), **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
