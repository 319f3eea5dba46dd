"""The API answers in the client's language: `Accept-Language: en` or `zh-hans` (the
language cookie of the site first, as on the pages), else the project's default, Chinese.

Django's LocaleMiddleware reads no header for an address outside `i18n_patterns` when the
default language has no prefix: it sets LANGUAGE_CODE for all of them, so the API spoke
Chinese whatever the client asked (its own messages were English literals, its details
Django's and DRF's Chinese). Placed right after LocaleMiddleware, this activates for /api/
what the request asks for; LocaleMiddleware's answer then states it in Content-Language and
varies on Accept-Language, and the answer cache keys by it (api/response_cache.py).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def client_language(request: HttpRequest) -> str:
    """The language an /api/ answer is in: the language cookie, else Accept-Language, else
    the default (never the address's prefix: the API has none)."""
    return translation.get_language_from_request(request, check_path=False)


def stating_language(response: HttpResponse, language: str) -> HttpResponse:
    """An answer given before LocaleMiddleware (a refusal by an outer middleware) states its
    language as LocaleMiddleware states it on the others."""
    response.headers.setdefault("Content-Language", language)
    patch_vary_headers(response, ("Accept-Language",))
    return response


class ApiLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            language = client_language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
