"""Quotas: anonymous clients by address, calculators by key and tier. Counters live in
Django's cache, which is Redis when REDIS_URL is set (shared by every web process).

Each quota is counted in fixed windows (a minute for `…/min`), one counter per window, through
the cache's public API: `cache.add` makes a window's counter with its expiry, once, and
`cache.incr` counts and leaves the expiry alone. On Redis the backend is django-redis, whose
`incr` checks that the counter exists and increments it in one atomic step (one round trip):
a counter that expired meanwhile is reported missing, never made anew without an expiry. DRF's own
throttles keep every request's time in one cached list that they read, extend and write back:
a request between the read and the write of another process is lost from the count, and the
list (and its cost per request) grows with the quota. These are DRF throttle classes all the
same, checked by DRF's own `check_throttles` through `allow_request` and `wait`.
"""

import logging
import math

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from accounts.models import ApiKey
from factordb.client_address import client_address

logger = logging.getLogger(__name__)


def _namespaced(key: str | None) -> str | None:
    # A namespace lets tests (and a staging copy sharing Redis) keep counters apart without
    # flushing a Redis database that also carries the Celery broker.
    return None if key is None else f"{settings.THROTTLE_NAMESPACE}{key}"


def count_request(counter: str, timeout: int) -> int | None:
    """This request's number under `counter`, which is made with `timeout` seconds to live by
    the first request that finds it missing; None when the cache does not answer (Redis down:
    its operations read as misses). Atomic wherever the cache's incr is (django-redis on Redis;
    the local-memory cache within its process)."""
    try:
        # Most requests find their window open: one call.
        return cache.incr(counter)
    except ValueError:  # the window's first request
        if cache.add(counter, 1, timeout):
            return 1
        return cache.incr(counter)  # another process opened the window meanwhile


class FixedWindowThrottle(SimpleRateThrottle):
    """A SimpleRateThrottle that counts in windows of the rate's duration, one counter each."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        # The window's number in the key: a new window starts from zero, whatever expiry did.
        # It lives a whole window past its end: a request that read the clock just before the
        # end and counts a moment later must find it, not make it anew without an expiry.
        count = count_request(f"{self.key}:{window}", 2 * self.duration)
        if count is None:
            # Without the cache no quota can be counted: the request is let through rather
            # than every client refused while Redis is down.
            logger.warning("quota %s not counted: the cache does not answer; request let through", self.scope)
            return True
        return count <= self.num_requests

    def wait(self) -> float:
        return max(1, math.ceil(self.window_ends - self.now))


class AnonymousThrottle(FixedWindowThrottle, AnonRateThrottle):
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


class ApiKeyThrottle(FixedWindowThrottle):
    scope = "api_key"

    def allow_request(self, request, view) -> bool:
        if isinstance(request.auth, ApiKey):
            self.rate = settings.API_KEY_RATES[request.auth.tier]
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self) -> str:
        return settings.API_KEY_RATES["standard"]

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return None
        return _namespaced(self.cache_format % {"scope": self.scope, "ident": request.auth.pk})
