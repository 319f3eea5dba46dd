"""Read answers kept in the cache (Redis in production), so the same question about the
same data is worked out once, not on every request.

A GET answer is kept under its URL, and serves HEAD too (the same answer, whose body the
server drops). A view whose POST is a question too (resolve/, calculate/: the answer
depends only on the body and the public data) lists "POST" in `cached_methods`, and its
answers are kept under the URL and the body: calculators send the same bill of materials
again and again. A request with `Cache-Control: no-cache` is
worked out afresh (and its answer kept), as HTTP has a client ask for.

Kept with the generation of the public data (factordb.generation) it was worked out in,
which every committed write renews: after a publication, a release or an edit of reference
data no cached answer of before is served. Authentication, quotas and content
negotiation still run for every request (DRF's `initial`); only the work after them is
saved. Counting the quotas and reading the answer share one round trip to Redis
(api.throttles.check_quotas). Only 200 JSON answers are kept: errors are cheap and the
browsable API carries the visitor's session.

Answers are kept only in a cache that every process shares (Redis). Django's local-memory
cache, used without REDIS_URL, is each process's own: a publication in one process could
not renew the generation another process keeps its answers under
(docs/adr/0009-etag-only-validator-and-answers-kept-only-in-a-shared-cache.md).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, RawPostDataException
from django.utils.translation import get_language
from rest_framework.request import Request
from rest_framework.response import Response

from api.throttles import check_quotas
from factordb.generation import GENERATION_KEY, cache_is_shared, data_generation


class _CachedAnswer(Exception):
    """Raised from `initial` to skip the handler; handle_exception returns the response."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _answer_key(request: Request, methods: tuple[str, ...]) -> str | None:
    method = "GET" if request.method == "HEAD" else request.method
    if (method not in methods or getattr(request.accepted_renderer, "format", None) != "json"
            or not cache_is_shared()):
        return None
    # Hashed: a URL (and a body) can be longer than a cache key may portably be.
    question = hashlib.sha256(request.get_full_path().encode())
    if method != "GET":
        try:
            body = request._request.body
        except RawPostDataException:  # already read as a stream (a form upload): not kept
            return None
        # The type too: the same bytes as JSON and as a form are different questions.
        question.update(f"\n{request.content_type}\n".encode())
        question.update(body)
    return f"api:answer:{get_language()}:{method}:{question.hexdigest()}"


def _asks_afresh(request: Request) -> bool:
    directives = request.META.get("HTTP_CACHE_CONTROL", "").lower()
    return "no-cache" in (directive.strip() for directive in directives.split(","))


def _current(found: dict, key: str) -> tuple[str, dict | None]:
    """The data generation now, and the answer kept under `key` if it was worked out in this
    generation, from what the quota check read (both in its one round trip to Redis)."""
    generation = found.get(GENERATION_KEY) or data_generation()
    stored = found.get(key)
    return generation, stored if stored is not None and stored["generation"] == generation else None


def _restore(stored: dict) -> HttpResponse:
    response = HttpResponse(stored["content"], status=200)
    for name, value in stored["headers"]:
        response[name] = value
    return response


class CachedReadMixin:
    """For DRF views whose answers depend only on the public data and the request (the URL,
    and for a method other than GET, the body)."""

    cached_methods: tuple[str, ...] = ("GET",)

    def check_throttles(self, request: Request) -> None:
        # The last step of DRF's `initial`: the request is authenticated and its renderer chosen.
        self._answer_key = _answer_key(request, self.cached_methods)
        if self._answer_key is None:
            return super().check_throttles(request)
        # The generation is read before the answer is worked out: if a write lands meanwhile,
        # the answer is kept under the old generation, which no later request will accept.
        if _asks_afresh(request):
            check_quotas(self, request)
            self._generation, self._stored = data_generation(), None
        else:
            self._generation, self._stored = _current(
                check_quotas(self, request, [GENERATION_KEY, self._answer_key]), self._answer_key)

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if getattr(self, "_stored", None) is not None:
            raise _CachedAnswer(_restore(self._stored))

    def handle_exception(self, exc: Exception):
        if isinstance(exc, _CachedAnswer):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(self, "_answer_key", None)
        if key and isinstance(response, Response) and response.status_code == 200:
            response.render()
            # Vary is set again by the middleware on every answer, cached or not.
            headers = [(name, value) for name, value in response.items() if name != "Vary"]
            cache.set(key, {"generation": self._generation, "content": response.content, "headers": headers},
                      settings.API_CACHE_SECONDS)
        return response
