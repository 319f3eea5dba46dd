"""Shared pieces of the OpenAPI description."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from api.serializers import ErrorSerializer

ERROR_EXAMPLE = OpenApiExample(
    "Invalid parameter",
    value={"error": {"code": "invalid", "message": "The request has invalid values.",
                     "details": {"category": ["Select a valid choice."]}}},
    response_only=True,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="A parameter or body value is invalid; "
                         "`details` names each one.", examples=[ERROR_EXAMPLE]),
    404: OpenApiResponse(ErrorSerializer, description="No such object."),
    429: OpenApiResponse(ErrorSerializer, description="Quota exceeded; see Retry-After."),
}
