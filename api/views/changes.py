"""changes/: what was published, superseded or withdrawn since a time, for calculators to sync."""

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
    change = serializers.CharField(source="to_status")
    public_id = serializers.CharField(source="version.factor.public_id")
    version = serializers.IntegerField(source="version.version")


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
        summary="Publications, supersessions and withdrawals since a time (oldest first)",
        parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME, required=True)],
        responses={200: ChangeSerializer(many=True), **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
