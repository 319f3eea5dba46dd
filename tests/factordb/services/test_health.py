import pytest
from django.db import OperationalError

from factordb.services import health


class UnreachableDatabase:
    def cursor(self):
        raise OperationalError("connection refused")


@pytest.mark.django_db
def test_it_reports_a_reachable_database_cache_and_broker():
    assert health.platform_health() == {"database": True, "cache": True, "broker": True}


def test_it_reports_an_unreachable_database_instead_of_raising(monkeypatch):
    monkeypatch.setattr(health, "connection", UnreachableDatabase())

    assert health.database_is_reachable() is False


def test_it_reports_an_unreachable_cache_instead_of_raising(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    assert health.cache_is_reachable() is False
