"""Refusal of NUL characters in addresses, cookies and key headers, before any view or query
sees them.

A NUL can be typed into any URL (`%00`), and PostgreSQL refuses text that holds one ("text
fields cannot contain NUL"), so a lookup with it failed as a server error. No name, code or
search of ours contains one: the request is a 400 naming where the NUL was. Form fields
refuse NUL themselves (Django's and DRF's CharField); JSON bodies are checked by the API's
parser (api/parsers.py).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from api.language import client_language, stating_language

NUL = "\x00"
MESSAGE = gettext_lazy("含有 NUL 字符（\\u0000），本平台的任何值都不含此字符。")


# Headers whose values reach a query: the API key is looked up by its prefix.
QUERIED_HEADERS = {"HTTP_AUTHORIZATION": "Authorization", "HTTP_X_API_KEY": "X-Api-Key"}


def nul_places(request: HttpRequest) -> list[str]:
    """Where a NUL stands in what the request's handling may query with: "path", a query
    parameter's name, a cookie (the session is looked up by it), or a key header."""
    places = ["path"] if NUL in request.path else []
    places += [name for name, values in request.GET.lists()
               if NUL in name or any(NUL in value for value in values)]
    places += [f"cookie {name}" for name, value in request.COOKIES.items() if NUL in name + value]
    places += [header for key, header in QUERIED_HEADERS.items() if NUL in request.META.get(key, "")]
    return places


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        places = nul_places(request)
        if not places:
            return self.get_response(request)
        # Refused before LocaleMiddleware has chosen a language: chosen here by the same rules.
        if request.path.startswith("/api/"):
            language = client_language(request)
            with translation.override(language):
                body = {"error": {"code": "invalid", "message": _("请求中有无效的值。"),
                                  "details": {place: [str(MESSAGE)] for place in places}}}
            return stating_language(JsonResponse(body, status=400), language)
        with translation.override(translation.get_language_from_path(request.path) or settings.LANGUAGE_CODE):
            return HttpResponseBadRequest(f"{', '.join(places)}: {MESSAGE}", content_type="text/plain")
