"""webhooks/: a calculator's endpoints, registered, read and removed with its API key.

A key sees only its own endpoints: another key's answers 404, as one that never existed.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import ApiKey
from api.schema import ERRORS
from api.serializers import ErrorSerializer
from api.serializers_webhooks import RegisteredEndpointSerializer, WebhookEndpointSerializer
from factordb.models import WebhookEndpoint
from factordb.services import webhooks

# Every operation here needs the key: without one 401, signed in without one 403.
KEY_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No API key, or one unknown or revoked."),
    403: OpenApiResponse(ErrorSerializer, description="Signed in, but without an API key."),
    429: ERRORS[429],
}


class HoldsApiKey(permissions.BasePermission):
    message = gettext_lazy("登记 webhook 需要 API 密钥：请发送 `Authorization: Api-Key <key>`。")

    def has_permission(self, request: Request, view) -> bool:
        return isinstance(request.auth, ApiKey)


class WebhookList(generics.GenericAPIView):
    permission_classes = [HoldsApiKey]
    serializer_class = WebhookEndpointSerializer
    pagination_class = None

    def get_queryset(self):
        return webhooks.own_endpoints(self.request.auth)

    @extend_schema(summary="The key's webhook endpoints",
                   responses={200: WebhookEndpointSerializer(many=True), **KEY_ERRORS})
    def get(self, request: Request) -> Response:
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    @extend_schema(summary="Register a webhook endpoint", request=WebhookEndpointSerializer,
                   responses={201: RegisteredEndpointSerializer, **ERRORS, **KEY_ERRORS})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        endpoint, secret = webhooks.webhook_endpoint_register(
            api_key=request.auth, url=data["url"], follows=webhooks.EndpointFilter(
                categories=data.get("categories", []), regions=data.get("regions", []),
                datasets=data.get("datasets", [])))
        endpoint.secret = secret
        return Response(RegisteredEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetail(generics.GenericAPIView):
    permission_classes = [HoldsApiKey]
    serializer_class = WebhookEndpointSerializer

    def get_object(self) -> WebhookEndpoint:
        endpoint = webhooks.own_endpoints(self.request.auth).filter(pk=self.kwargs["pk"]).first()
        if endpoint is None:
            raise NotFound(_("没有这个 webhook 端点。"))
        return endpoint

    @extend_schema(summary="One of the key's webhook endpoints",
                   responses={200: WebhookEndpointSerializer, 404: ERRORS[404], **KEY_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(summary="Remove a webhook endpoint", responses={204: None, 404: ERRORS[404], **KEY_ERRORS})
    def delete(self, request: Request, pk: int) -> Response:
        webhooks.webhook_endpoint_remove(endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
