"""Is the platform reachable? Database and cache, checked the way a request uses them."""

import logging
import secrets

from django.core.cache import cache
from django.db import connection

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


def platform_health() -> dict[str, bool]:
    """Only connectivity: the answer must not depend on which database's data is loaded."""
    return {"database": database_is_reachable(), "cache": cache_is_reachable()}
