"""Cross-origin reads of the API by browser-based calculators (django-cors-headers).

django-cors-headers answers every preflight under /api/ with a 200 and adds the
Access-Control-* headers only for an origin in CORS_ALLOWED_ORIGINS. A browser then refuses
the real request, but the site running the calculator only sees a network error. The API
says why instead: a preflight the library did not allow is answered 403 in the error shape,
naming the origin.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from api.exceptions import error_body, is_api
from api.language import client_language, stating_language

ALLOW_ORIGIN = "Access-Control-Allow-Origin"


def is_preflight(request: HttpRequest) -> bool:
    return request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers


class RefuseForeignPreflightMiddleware:
    """Around corsheaders.middleware.CorsMiddleware: reads its decision from the answer, so the
    one list of allowed origins stays the library's."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_api(request) and is_preflight(request) and not response.has_header(ALLOW_ORIGIN):
            # CorsMiddleware answered the preflight itself: no language was chosen yet.
            language = client_language(request)
            with translation.override(language):
                return _refusal(request.headers.get("Origin"), language)
        return response


def _refusal(origin: str | None, language: str) -> JsonResponse:
    reason = _("来源 %(origin)s 不得从浏览器调用本 API；"
               "本站运营方在 CORS_ALLOWED_ORIGINS 中列出允许的来源。") % {
        "origin": repr(_("（无）") if origin is None else origin)}
    body = error_body(403, _("已拒绝跨源请求：来源不在允许之列。"))
    body["error"]["details"] = {"origin": [reason]}
    answer = JsonResponse(body, status=403)
    answer["Vary"] = "Origin"
    return stating_language(answer, language)
