"""Validators of reads, so calculators can poll cheaply and are never told stale data is current.

The ETag is the hash of the body itself: any change in what a request would return — a
publication, a release, a renamed unit — changes it, in every process, whatever the cache.
Answers carry no Last-Modified: an answer is built from many tables (factors, versions,
units, regions, sources…), and a time at one-second resolution cannot tell two writes in
the same second apart, so If-Modified-Since could be answered 304 over changed data
(docs/adr/0009-etag-only-validator-and-answers-kept-only-in-a-shared-cache.md).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import parse_http_date_safe

READS = ("GET", "HEAD")


def _may_carry_etag(response: HttpResponse) -> bool:
    directives = response.get("Cache-Control", "").lower().split(",")
    return "no-store" not in (directive.strip() for directive in directives)


class ConditionalGetMiddleware:
    """Django's ConditionalGetMiddleware, for HEAD as for GET. Django leaves HEAD out, taking
    its body to be empty; here a HEAD runs the view's GET handler and the server drops the
    body only after the middleware, so HEAD carries GET's ETag and answers If-None-Match
    with 304 too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in READS:
            return response
        if _may_carry_etag(response) and not response.has_header("ETag"):
            set_response_etag(response)
        etag = response.get("ETag")
        # A view may still state its own (a file that never changes once written).
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if etag or last_modified:
            return get_conditional_response(request, etag=etag, last_modified=last_modified,
                                            response=response)
        return response
