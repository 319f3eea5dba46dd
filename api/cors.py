"""Cross-origin reads of the API by browser-based calculators (django-cors-headers).

django-cors-headers answers every preflight under /api/ with a 200 and adds the
Access-Control-* headers only for an origin in CORS_ALLOWED_ORIGINS. A browser then refuses
the real request, but the site running the calculator only sees a network error. The API
says why instead: a preflight the library did not allow is answered 403 in the error shape,
naming the origin.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse

from api.exceptions import error_body, is_api

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
            return _refusal(request.headers.get("Origin", "(none)"))
        return response


def _refusal(origin: str) -> JsonResponse:
    reason = (f"The origin {origin!r} may not call this API from a browser; "
              "the site's operator lists the allowed origins in CORS_ALLOWED_ORIGINS.")
    body = error_body(403, "Cross-origin request refused: origin not allowed.")
    body["error"]["details"] = {"origin": [reason]}
    answer = JsonResponse(body, status=403)
    answer["Vary"] = "Origin"
    return answer
