"""Quotas: anonymous clients by address, calculators by key and tier. Counters live in
Django's cache, which is Redis when REDIS_URL is set (shared by every web process)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from accounts.models import ApiKey


def _namespaced(key: str | None) -> str | None:
    # A namespace lets tests (and a staging copy sharing Redis) keep counters apart without
    # flushing a Redis database that also carries the Celery broker.
    return None if key is None else f"{settings.THROTTLE_NAMESPACE}{key}"


class AnonymousThrottle(AnonRateThrottle):
    scope = "anon"

    def get_rate(self) -> str:
        # Read at request time (not import time), so a changed setting applies at once.
        return settings.API_ANON_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return None  # keys have their own quota
        return _namespaced(super().get_cache_key(request, view))


class ApiKeyThrottle(SimpleRateThrottle):
    scope = "api_key"

    def allow_request(self, request, view):
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
