"""After a publication, the answers calculators ask for most are worked out again in the
background, before they ask (docs/adr/0031-the-cold-path-and-answers-worked-out-again.md).

A publication renews the data generation, so every kept answer is of no use at once and
every client's next request would be worked out (api/response_cache.py). Instead:

- **What is asked** is counted in the shared cache, one GET in `API_ASKED_SAMPLE` of those the
  answer cache could serve, by language, scheme, host and full path (the host and scheme
  too: a list's links to its next page carry them): a counter per question, counted with
  `cache.incr` (one round trip) and living a day from its first count, and a roster of the
  questions counted, written when a question is new (read, added to, written back: a write
  another process loses is made good at the question's 2nd, 4th, 8th… count). The roster holds
  at most four times `API_WARM_ANSWERS` questions; past that it keeps the half most asked of
  those still counted, so what was popular last month gives way to what is popular now.
- **After the commit** of a write that renewed the generation (factordb.generation's
  `public_data_committed`), one Celery task is queued unless one is already waiting: a
  transaction of many writes, or a burst of publications, is worked out again once.
- **The task** asks each of the `API_WARM_ANSWERS` most asked questions of its view, as a
  request would, without the quotas (no client asked it) and without being noted itself; the
  view keeps each 200 answer in the current generation as for any request. A question the
  roster holds that is not a cached GET of the API (a forged entry, an address since
  removed) is skipped.

Nothing is warmed where answers are not kept (no shared cache), or with API_WARM_ANSWERS=0.
"""

import hashlib
import io
from typing import NamedTuple
from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.urls import Resolver404, resolve
from django.utils import translation
from rest_framework.request import Request

from api.throttles import count_request
from factordb.generation import cache_is_shared

ROSTER_KEY = "api:asked"
# A question's count lives a day from its first: the roster ranks what was asked lately.
ASKED_SECONDS = 24 * 3600
QUEUED_KEY = "api:warm-up-queued"
# A queued task that never ran (its worker lost) blocks the next one at most this long.
QUEUED_SECONDS = 60
# Set on the requests the warm-up makes, where no HTTP header can reach (WSGI's environ).
WARM_UP_MARK = "factordb.warm_up"


class Question(NamedTuple):
    language: str
    scheme: str
    host: str
    path: str  # with the query string, as request.get_full_path() gives it


def warming_is_on() -> bool:
    return settings.API_WARM_ANSWERS > 0 and cache_is_shared()


def _namespaced(key: str) -> str:
    # The quotas' namespace: tests (and a staging copy sharing Redis) keep theirs apart.
    return f"{settings.THROTTLE_NAMESPACE}{key}"


def note_question(request: Request, *, chance: float) -> None:
    """Note a GET the answer cache could serve, if `chance` (uniform in [0, 1)) falls within
    the sample: one count, one round trip to the cache once the question is on the roster."""
    if request.META.get(WARM_UP_MARK) or chance * settings.API_ASKED_SAMPLE >= 1:
        return
    question = Question(translation.get_language(), request.scheme, request.get_host(),
                        request.get_full_path())
    counter = _namespaced(f"api:asked:{hashlib.sha256(repr(question).encode()).hexdigest()}")
    count = count_request(counter, ASKED_SECONDS)
    # On the roster at the first count; checked again at the 2nd, 4th, 8th…, so a roster
    # write lost to another process's (read, add, write back) is made good. Nothing is noted
    # while the cache does not answer (None).
    if count is not None and count & (count - 1) == 0:
        _enrol(counter, question)


def _enrol(counter: str, question: Question) -> None:
    roster: dict[str, tuple] = cache.get(_namespaced(ROSTER_KEY)) or {}
    if counter in roster:
        return
    roster[counter] = tuple(question)
    limit = 4 * settings.API_WARM_ANSWERS
    if len(roster) > limit:  # the questions still counted, the most asked first, half the bound
        counts = cache.get_many(list(roster))
        ranked = sorted((asked for asked in roster if asked in counts), key=counts.__getitem__, reverse=True)
        roster = {asked: roster[asked] for asked in ranked[:limit // 2]}
    cache.set(_namespaced(ROSTER_KEY), roster, timeout=None)


def most_asked(limit: int) -> list[Question]:
    roster: dict[str, tuple] = cache.get(_namespaced(ROSTER_KEY)) or {}
    counts = cache.get_many(list(roster))
    ranked = sorted((asked for asked in roster if asked in counts), key=counts.__getitem__, reverse=True)
    return [Question(*roster[asked]) for asked in ranked[:limit]]


def warm_up_soon(**kwargs) -> None:
    """Queue the warm-up, unless one is queued and has not started yet."""
    if warming_is_on() and cache.add(_namespaced(QUEUED_KEY), 1, timeout=QUEUED_SECONDS):
        from api.tasks import warm_answers

        # A second's wait: the other writes of the same commit renew the generation meanwhile.
        warm_answers.apply_async(countdown=1)


def warm_answers() -> int:
    """Work the most asked answers out again in the current generation; how many were kept."""
    # First: a write committed from now on queues a warm-up of its own generation.
    cache.delete(_namespaced(QUEUED_KEY))
    if not warming_is_on():
        return 0
    return sum(_work_out(question) for question in most_asked(settings.API_WARM_ANSWERS))


def _request(question: Question) -> WSGIRequest:
    path, _, query = question.path.partition("?")
    return WSGIRequest({
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "QUERY_STRING": query,
        # WSGI's PATH_INFO: the path's bytes, percent-decoded, as latin-1 text.
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "HTTP_HOST": question.host, "SERVER_NAME": urlsplit(f"//{question.host}").hostname or "",
        "SERVER_PORT": "443" if question.scheme == "https" else "80", "wsgi.url_scheme": question.scheme,
        "wsgi.input": io.BytesIO(), "REMOTE_ADDR": "127.0.0.1", WARM_UP_MARK: True,
    })


def _work_out(question: Question) -> bool:
    from api.response_cache import CachedReadMixin

    request = _request(question)
    try:
        request.get_host()  # one of ALLOWED_HOSTS, as for any request
        match = resolve(request.path_info)
    except (DisallowedHost, Resolver404):
        return False
    if request.get_full_path() != question.path:
        return False
    view = match.func
    cls = getattr(view, "cls", None)
    if cls is None or not issubclass(cls, CachedReadMixin) or "GET" not in cls.cached_methods:
        return False
    # The view as routed, without quotas: no client asked this.
    initkwargs = {**view.initkwargs, "throttle_classes": ()}
    actions = getattr(view, "actions", None)
    handler = cls.as_view(actions, **initkwargs) if actions else cls.as_view(**initkwargs)
    with translation.override(question.language):
        request.LANGUAGE_CODE = question.language
        response = handler(request, *match.args, **match.kwargs)
        if hasattr(response, "render"):
            response.render()  # keeps the answer (the view's post-render callback)
    return response.status_code == 200
