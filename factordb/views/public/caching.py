"""Public pages kept in the cache under the data generation, as the API's answers are.

A page depends only on its address, the language and the public data, and on the day (a
factor page's "cite this" text carries the date accessed). It is kept under the same
generation (factordb.generation) as the API's answers, so a publication, a release or an
edit of reference data reaches both at once, and only in a cache every process shares.
Signed-in staff see their own menu and are never served a kept page; `Cache-Control:
no-cache` in a request has the page worked out afresh (and kept), as for the API.

Last-Modified is the moment the generation began (or midnight, if later), stated only
when that moment lies in an earlier second than the answer: any later write then begins a
new generation in a later second, so If-Modified-Since can never be answered 304 over
changed data, which is what keeps the API's answers to an ETag alone
(docs/adr/0017-public-pages-kept-under-the-data-generation.md).
"""

import hashlib
from collections.abc import Callable
from datetime import datetime, time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import get_language

from factordb.generation import cache_is_shared, data_generation, generation_began

READS = ("GET", "HEAD")


def _page_key(request: HttpRequest) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{get_language()}:{path}"


def _asks_afresh(request: HttpRequest) -> bool:
    directives = request.headers.get("Cache-Control", "").lower().split(",")
    return "no-cache" in (directive.strip() for directive in directives)


def _restore(stored: dict) -> HttpResponse:
    response = HttpResponse(stored["content"], status=200)
    for name, value in stored["headers"]:
        response[name] = value
    return response


def _keep(key: str, response: HttpResponse, generation: str, day: str) -> None:
    # Vary is set again by the middleware on every answer, kept or not.
    headers = [(name, value) for name, value in response.items() if name != "Vary"]
    cache.set(key, {"generation": generation, "day": day, "content": response.content,
                    "headers": headers}, settings.API_CACHE_SECONDS)


def last_modified(generation: str, now: datetime) -> datetime | None:
    """What a page of this generation may state as its Last-Modified at `now`, if anything."""
    began = generation_began(generation)
    if began is None:
        return None
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(now), time()))
    moment = max(began, midnight)
    return moment if int(moment.timestamp()) < int(now.timestamp()) else None


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answers reads only; keeps the view's 200 answers to anonymous reads, and dates them."""

    @wraps(view)
    def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in READS:
            return HttpResponseNotAllowed(READS)
        if request.user.is_authenticated or not cache_is_shared():
            return view(request, *args, **kwargs)
        # Read before the page is worked out: a write meanwhile leaves it under the old one.
        generation, now = data_generation(), timezone.now()
        if generation is None:  # the cache does not answer: the page from the database
            return view(request, *args, **kwargs)
        day, key = timezone.localdate(now).isoformat(), _page_key(request)
        stored = None if _asks_afresh(request) else cache.get(key)
        if stored is not None and stored["generation"] == generation and stored["day"] == day:
            response = _restore(stored)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            if hasattr(response, "render"):  # a TemplateResponse is rendered only later
                response.render()
            _keep(key, response, generation, day)
        moment = last_modified(generation, now)
        if moment is not None:
            response["Last-Modified"] = http_date(moment.timestamp())
        return response

    return page
