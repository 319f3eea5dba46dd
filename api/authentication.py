"""`Authorization: Api-Key <key>` for calculators; reads stay open to anonymous clients."""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.services import ApiKeyGuessing, ApiKeyRefused, api_key_authenticate
from factordb.client_address import client_address

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        # META, not request.headers: building the headers mapping costs more than the lookup.
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.startswith(f"{KEYWORD} "):
            raw = header[len(KEYWORD) + 1:]
        else:
            raw = request.META.get("HTTP_X_API_KEY")
        if not raw:
            return None
        try:
            key = api_key_authenticate(raw, address=client_address(request))
        except ApiKeyGuessing as exc:
            raise exceptions.Throttled(wait=exc.retry_after, detail=str(exc)) from exc
        except ApiKeyRefused as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from exc
        return AnonymousUser(), key

    def authenticate_header(self, request) -> str:
        return KEYWORD


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Describes the key in the OpenAPI schema (drf-spectacular finds it by target class)."""

    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema) -> dict:
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Api-Key <key>`, issued by platform staff; higher quotas than anonymous use."}
