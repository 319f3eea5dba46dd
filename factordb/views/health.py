"""Probes for the orchestrator and the load balancer: is this process alive, may it take traffic.

Plain views, outside the API: no quota, no answer cache, no language prefix, never cached by a
proxy (Cache-Control: no-store), and exempt from the HTTPS redirect (settings), since a probe
speaks plain HTTP to the process itself.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from factordb.services.health import platform_health


@never_cache
@require_safe
def alive(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is asked, so a failing database does not get a healthy
    process restarted."""
    return JsonResponse({"status": "alive"})


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache and the broker all answer; 503 naming those that do not,
    so that the load balancer sends requests elsewhere until they do."""
    checks = platform_health()
    down = [name for name, reachable in checks.items() if not reachable]
    body = {"status": "not ready" if down else "ready", "down": down,
            "checks": {name: "ok" if reachable else "down" for name, reachable in checks.items()}}
    return JsonResponse(body, status=503 if down else 200)
