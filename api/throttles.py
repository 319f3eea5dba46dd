"""Quotas: anonymous clients by address, calculators by key and tier. Counters live in
Django's cache, which is Redis when REDIS_URL is set (shared by every web process).

Each quota is counted in fixed windows (a minute for `…/min`): one atomic increment per
request. DRF's own throttles keep every request's time in one cached list that they read,
extend and write back: a request between the read and the write of another process is
lost from the count, and the list (and its cost per request) grows with the quota.
"""

import math
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from accounts.models import ApiKey
from factordb.client_address import client_address


def _namespaced(key: str | None) -> str | None:
    # A namespace lets tests (and a staging copy sharing Redis) keep counters apart without
    # flushing a Redis database that also carries the Celery broker.
    return None if key is None else f"{settings.THROTTLE_NAMESPACE}{key}"


def count_requests(counters: dict[str, int], read: Sequence[str] = ()) -> tuple[list[int], dict]:
    """This request's number in each window ({counter key: timeout}), and the cached values of
    `read` that exist: in one round trip and atomic on Redis (factordb.cache), and under the
    local-memory cache's lock in a single process."""
    if hasattr(cache, "count_and_get_many"):
        return cache.count_and_get_many(counters, list(read))
    counts = [1 if cache.add(key, 1, timeout) else cache.incr(key) for key, timeout in counters.items()]
    return counts, cache.get_many(list(read))


def check_quotas(view, request, read: Sequence[str] = ()) -> dict:
    """DRF's check_throttles, counting every fixed-window quota of the view and reading the
    cache keys `read` in one round trip: {key: value} of those found. Raises Throttled."""
    throttles = view.get_throttles()
    counted = {}
    durations = [throttle.wait() for throttle in throttles
                 if not isinstance(throttle, FixedWindowMixin) and not throttle.allow_request(request, view)]
    for throttle in throttles:
        if isinstance(throttle, FixedWindowMixin) and (window := throttle.open_window(request, view)):
            counted[window] = throttle
    timeouts = {window: throttle.duration + 1 for window, throttle in counted.items()}
    counts, found = count_requests(timeouts, read)
    durations += [throttle.wait() for throttle, count in zip(counted.values(), counts, strict=True)
                  if count > throttle.num_requests]
    if durations:
        view.throttled(request, max(durations))
    return found


class FixedWindowMixin:
    """For SimpleRateThrottle subclasses: count in windows of the rate's duration."""

    def open_window(self, request, view) -> str | None:
        """The counter of this request's window, or None when this quota does not apply."""
        if self.rate is None:
            return None
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return None
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        # The window's number in the key: a new window starts from zero, whatever expiry did.
        return f"{self.key}:{window}"

    def allow_request(self, request, view) -> bool:
        window = self.open_window(request, view)
        if window is None:
            return True
        (count,), _ = count_requests({window: self.duration + 1})
        return count <= self.num_requests

    def wait(self) -> float:
        return max(1, math.ceil(self.window_ends - self.now))


class AnonymousThrottle(FixedWindowMixin, AnonRateThrottle):
    scope = "anon"

    def get_rate(self) -> str:
        # Read at request time (not import time), so a changed setting applies at once.
        return settings.API_ANON_RATE

    def get_ident(self, request) -> str:
        # DRF's own reading believes X-Forwarded-For as sent: a new forged value, a new quota.
        return client_address(request)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return None  # keys have their own quota
        return _namespaced(super().get_cache_key(request, view))


class ApiKeyThrottle(FixedWindowMixin, SimpleRateThrottle):
    scope = "api_key"

    def open_window(self, request, view) -> str | None:
        if isinstance(request.auth, ApiKey):
            self.rate = settings.API_KEY_RATES[request.auth.tier]
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().open_window(request, view)

    def get_rate(self) -> str:
        return settings.API_KEY_RATES["standard"]

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return None
        return _namespaced(self.cache_format % {"scope": self.scope, "ident": request.auth.pk})
