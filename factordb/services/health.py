"""Is the platform reachable? Database, cache and broker, checked the way a request uses them."""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu import Connection as BrokerConnection

logger = logging.getLogger(__name__)


def database_is_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        # A health probe reports the failure instead of raising it: the caller wants a verdict.
        logger.exception("Health check: the database is not reachable")
        return False


def cache_is_reachable() -> bool:
    # A fresh key each time, so a stale value from an earlier probe cannot pass for a live cache.
    key = f"health:{secrets.token_hex(8)}"
    try:
        cache.set(key, "ok", timeout=30)
        answered = cache.get(key) == "ok"
        cache.delete(key)
        return answered
    except Exception:
        logger.exception("Health check: the cache is not reachable")
        return False


# A probe answers within seconds, or the orchestrator's own timeout decides for it.
BROKER_CONNECT_TIMEOUT = 2


def broker_is_reachable() -> bool:
    """Can a task be queued? With tasks run eagerly (`make run`, the SQLite tests) there is no
    broker to reach, and nothing a request queues can be lost for want of one."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    try:
        with BrokerConnection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_CONNECT_TIMEOUT) as broker:
            broker.ensure_connection(max_retries=0)  # 0: the first failure is the answer, no retry
        return True
    except Exception:
        logger.exception("Health check: the broker is not reachable")
        return False


def platform_health() -> dict[str, bool]:
    """Only connectivity: the answer must not depend on which database's data is loaded."""
    return {"database": database_is_reachable(), "cache": cache_is_reachable(),
            "broker": broker_is_reachable()}
