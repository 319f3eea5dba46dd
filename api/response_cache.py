"""Read answers kept in the cache (Redis in production), so the same question about the
same data is worked out once, not on every request.

A GET answer is kept under its URL, and serves HEAD too (the same answer, whose body the
server drops). A view whose POST is a question too (resolve/, calculate/: the answer
depends only on the body and the public data) lists "POST" in `cached_methods`, and its
answers are kept under the URL and the body: calculators send the same bill of materials
again and again. A request with `Cache-Control: no-cache` is worked out afresh (and its
answer kept), as HTTP has a client ask for.

One layer around the view's work, after DRF's `initial` (authentication, permissions, quotas
and content negotiation run for every request, cached or not): the handler asks the cache for
the answer kept in the current generation of the public data (factordb.generation) and
returns it, or works the answer out and keeps it once rendered. Every committed write that
the public can read renews the generation, so after a publication, a release or an edit of
reference data no answer of before is served (docs/adr/0028-the-data-generation-cache.md).
Only 200 JSON answers are kept: errors are cheap and the browsable API carries the
visitor's session.

Answers are kept only in a cache that every process shares (Redis). Django's local-memory
cache, used without REDIS_URL, is each process's own: a publication in one process could
not renew the generation another process keeps its answers under
(docs/adr/0009-etag-only-validator-and-answers-kept-only-in-a-shared-cache.md).
"""

import hashlib
import random
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, RawPostDataException
from django.utils.translation import get_language
from rest_framework.request import Request
from rest_framework.response import Response

from api.answer_warmup import note_question
from factordb.generation import GENERATION_KEY, cache_is_shared, data_generation
from factordb.replicas import read_only_request


def _answer_key(request: Request, methods: tuple[str, ...]) -> str | None:
    method = "GET" if request.method == "HEAD" else request.method
    if (method not in methods or getattr(request.accepted_renderer, "format", None) != "json"
            or not cache_is_shared()):
        return None
    # Hashed: a URL (and a body) can be longer than a cache key may portably be.
    question = hashlib.sha256(request.get_full_path().encode())
    if method != "GET":
        try:
            body = request.body
        except RawPostDataException:  # already read as a stream (a form upload): not kept
            return None
        # The type too: the same bytes as JSON and as a form are different questions.
        question.update(f"\n{request.content_type}\n".encode())
        question.update(body)
    return f"api:answer:{get_language()}:{method}:{question.hexdigest()}"


def _asks_afresh(request: Request) -> bool:
    directives = request.META.get("HTTP_CACHE_CONTROL", "").lower()
    return "no-cache" in (directive.strip() for directive in directives.split(","))


def _restore(stored: dict) -> HttpResponse:
    response = HttpResponse(stored["content"], status=200)
    for name, value in stored["headers"]:
        response[name] = value
    return response


def _kept_answer(key: str, *, afresh: bool) -> tuple[str | None, HttpResponse | None]:
    """The data generation now (None if the cache does not answer), and the answer kept under
    `key` if it was worked out in this generation; both in one read of the cache."""
    if afresh:
        return data_generation(), None
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY) or data_generation()
    stored = found.get(key)
    if generation is None or stored is None or stored["generation"] != generation:
        return generation, None
    return generation, _restore(stored)


def _keep(key: str, generation: str, response: Response) -> None:
    # Vary is set again by the view and the middleware on every answer, kept or not.
    headers = [(name, value) for name, value in response.items() if name != "Vary"]
    cache.set(key, {"generation": generation, "content": response.content, "headers": headers},
              settings.API_CACHE_SECONDS)


class CachedReadMixin:
    """For DRF views whose answers depend only on the public data and the request (the URL,
    and for a method other than GET, the body)."""

    cached_methods: tuple[str, ...] = ("GET",)

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if request.method in self.cached_methods:
            read_only_request()  # a question, whatever its method: a replica may answer it
        key = _answer_key(request, self.cached_methods)
        if key is not None and request.method == "GET" and settings.API_WARM_ANSWERS > 0:
            note_question(request, chance=random.random())
        if key is not None:
            # DRF's dispatch calls the handler named after the method next (a ViewSet binds
            # its actions under those names the same way): for this request, one that asks
            # the cache first.
            method = request.method.lower()
            setattr(self, method, partial(self._answer_from_cache, getattr(self, method), key))

    def _answer_from_cache(self, work_out: Callable[..., HttpResponse], key: str, request: Request,
                           *args, **kwargs) -> HttpResponse:
        # The generation is read before the answer is worked out: if a write lands meanwhile,
        # the answer is kept under the old generation, which no later request will accept.
        generation, kept = _kept_answer(key, afresh=_asks_afresh(request))
        if kept is not None:
            return kept
        response = work_out(request, *args, **kwargs)
        if generation is not None and isinstance(response, Response) and response.status_code == 200:
            # Kept as the client gets it: rendered by the renderer negotiation chose.
            response.add_post_render_callback(partial(_keep, key, generation))
        return response
