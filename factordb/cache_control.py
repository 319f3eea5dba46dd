"""What a proxy or CDN may keep, said in every answer to a read that does not already say it.

An anonymous read answered 200 may be kept by anyone for PUBLIC_CACHE_SECONDS: that is its
stated lifetime, so a factor withdrawn now is served by no honest cache longer than that
(then revalidated by its ETag or Last-Modified). Nothing else is kept by a shared cache: a
signed-in visitor's or a key holder's answer is private, and an error (a 404 of a factor about
to be published, a 429 of one client's quota, a 503) is not kept at all. A view that states
its own Cache-Control (the admin's, the probes', the favicon's) keeps it.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

READS = ("GET", "HEAD")
IDENTIFYING_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_X_API_KEY")


def identifies_the_client(request: HttpRequest) -> bool:
    """A session or an API key: the answer may be this client's own."""
    return (settings.SESSION_COOKIE_NAME in request.COOKIES
            or any(request.META.get(header) for header in IDENTIFYING_HEADERS))


def public_lifetime(request: HttpRequest, response: HttpResponse) -> int | None:
    """Seconds a shared cache may keep this answer, or None if it may not keep it."""
    if (request.method not in READS or response.status_code != 200 or response.cookies
            or identifies_the_client(request) or settings.PUBLIC_CACHE_SECONDS <= 0):
        return None
    return settings.PUBLIC_CACHE_SECONDS


class CacheControlMiddleware:
    """Inside the ETag middleware: it sees the 200 that a 304 is made from, and the 304 keeps
    the directives."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in READS or response.has_header("Cache-Control"):
            return response
        lifetime = public_lifetime(request, response)
        if lifetime is not None:
            patch_cache_control(response, public=True, max_age=lifetime)
        elif response.status_code == 200:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, no_store=True)
        return response
