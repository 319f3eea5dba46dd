"""Celery for tests: run tasks in-process (eager), or on a real worker over Redis.

The real worker runs as a thread of the test process (celery.contrib.testing), so it
shares Django's locmem mail outbox and the test database, while every task still
travels through the Redis broker. It listens on a queue of its own, so the worker
process that CI starts on the default queue never takes these tasks.
"""

import os

import pytest
from django.conf import settings
from django.db import connections

from factordb.celery import app


@pytest.fixture
def eager_celery():
    """Tasks run in the calling process, whatever REDIS_URL says."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture
def redis_celery_worker():
    """A real Celery worker consuming from Redis; skipped (or failed in CI) without Redis."""
    if not settings.REDIS_URL:
        reason = "REDIS_URL is not set: there is no broker for a worker to listen on"
        if os.environ.get("REQUIRE_CELERY_WORKER") == "1":
            pytest.fail(f"REQUIRE_CELERY_WORKER=1 but {reason}")
        pytest.skip(reason)
    from celery.contrib.testing.worker import start_worker

    queue = f"factordb-test-{os.getpid()}"
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    # The worker thread's connection must close after each task, or the test database
    # could not be dropped at the end of the run.
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    try:
        with start_worker(app, pool="solo", concurrency=1, queues=[queue], perform_ping_check=False,
                          loglevel="WARNING", shutdown_timeout=30):
            yield app
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
