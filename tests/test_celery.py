"""Celery wiring. The eager case always runs; the real-worker case needs REDIS_URL and a worker
(`.ci/run` starts one and sets REQUIRE_CELERY_WORKER=1 so a missing worker fails, not skips)."""

import os
import time

import pytest
from django.conf import settings
from django_guid import clear_guid, set_guid

from factordb.celery import app
from factordb.tasks import platform_health

WORKER_WAIT_SECONDS = 30


@pytest.fixture
def real_worker() -> list[dict]:
    if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        reason = "REDIS_URL is not set (or tasks run eagerly): there is no broker for a worker to listen on"
        if os.environ.get("REQUIRE_CELERY_WORKER") == "1":
            pytest.fail(f"REQUIRE_CELERY_WORKER=1 but {reason}")
        pytest.skip(reason)
    replies = wait_for_worker_replies()
    assert replies, f"no Celery worker answered a ping within {WORKER_WAIT_SECONDS}s on {settings.REDIS_URL}"
    return replies


def wait_for_worker_replies() -> list[dict]:
    # A worker started just before the tests may still be connecting: ask again until it answers.
    deadline = time.monotonic() + WORKER_WAIT_SECONDS
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0)
        if replies:
            return replies
    return []


@pytest.mark.django_db
def test_platform_health_reports_database_and_cache_when_run_in_process():
    result = platform_health.apply().get()

    assert result["database"] is True
    assert result["cache"] is True
    assert result["pid"] == os.getpid()


@pytest.mark.celery_worker
def test_a_real_worker_answers_a_ping(real_worker):
    assert all("ok" in reply for answer in real_worker for reply in answer.values())


@pytest.mark.celery_worker
def test_a_task_round_trips_through_the_broker(real_worker):
    result = platform_health.delay().get(timeout=30)

    assert result["pid"] != os.getpid(), "the task ran in this process, not in a worker"
    assert result["database"] is True
    assert result["cache"] is True
    assert result["broker"] is True


@pytest.mark.celery_worker
def test_a_task_queued_by_a_request_logs_under_the_requests_id_in_the_worker(real_worker):
    set_guid("0123456789abcdef0123456789abcdef")  # as the request-id middleware does for a request
    try:
        result = platform_health.delay().get(timeout=30)
    finally:
        clear_guid()

    assert result["pid"] != os.getpid()
    assert result["request_id"] == "0123456789abcdef0123456789abcdef"
