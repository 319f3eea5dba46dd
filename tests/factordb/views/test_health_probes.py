"""/healthz and /readyz: what an orchestrator and a load balancer ask of each process."""

import pytest
from django.db import connection, connections

from factordb.services import health


def test_healthz_answers_without_touching_the_database_or_the_cache(client):
    # No `db` fixture: a query here would fail the test (pytest-django blocks it).
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_200_when_the_database_the_cache_and_the_broker_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "down": [],
                               "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_503_naming_an_unreachable_cache(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["down"] == ["cache"]
    assert response.json()["checks"]["cache"] == "down"
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_readyz_is_503_naming_an_unreachable_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]


@pytest.fixture
def unreachable_database(monkeypatch):
    """A real connection of the database's own driver, to a server that is not there."""
    unreachable = connections.create_connection("default")
    if connection.vendor == "sqlite":
        unreachable.settings_dict = {**unreachable.settings_dict, "NAME": "/nonexistent/factordb.sqlite3"}
    else:
        unreachable.settings_dict = {**unreachable.settings_dict, "HOST": "127.0.0.1", "PORT": 1}
    monkeypatch.setattr(health, "connection", unreachable)
    yield
    unreachable.close()


@pytest.mark.django_db
@pytest.mark.usefixtures("unreachable_database")
def test_readyz_is_503_naming_an_unreachable_database_and_does_not_fail_itself(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "down": ["database"],
                               "checks": {"database": "down", "cache": "ok", "broker": "ok"}}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.django_db
def test_a_probe_only_reads(client, path):
    assert client.post(path).status_code == 405
    assert client.head(path).status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.django_db
def test_a_probe_over_plain_http_is_answered_where_pages_are_sent_to_https(client, settings, path):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/").status_code == 301
    assert client.get(path).status_code == 200
