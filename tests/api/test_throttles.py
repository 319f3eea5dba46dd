"""Quota counters (api.throttles): every request counted once, from any number of threads or
processes, in windows whose expiry is set when they open and never moved."""

import datetime as dt
import multiprocessing
import threading
import uuid

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache

from api.throttles import count_request

pytestmark = pytest.mark.django_db

on_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set: no Redis cache")


@pytest.fixture
def counter() -> str:
    key = f"test-quota:{uuid.uuid4().hex}"
    yield key
    cache.delete(key)


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def _count_from_threads(counter: str, threads: int, each: int) -> None:
    # All start at once, on a window nobody has opened: several find it missing together.
    barrier = threading.Barrier(threads)

    def count() -> None:
        barrier.wait(timeout=10)
        for _ in range(each):
            count_request(counter, 60)

    workers = [threading.Thread(target=count) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)


def test_counting_from_many_threads_loses_nothing(counter):
    _count_from_threads(counter, threads=8, each=50)

    assert count_request(counter, 60) == 401


def _count_in_a_process(counter: str, start: multiprocessing.Event, times: int) -> None:
    start.wait(timeout=10)
    for _ in range(times):
        count_request(counter, 60)


@on_redis
def test_counting_from_several_processes_loses_nothing(counter):
    # Forked web processes of their own, each with its own connections to Redis.
    context = multiprocessing.get_context("fork")
    start = context.Event()
    processes = [context.Process(target=_count_in_a_process, args=(counter, start, 100)) for _ in range(4)]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(timeout=60)

    assert [process.exitcode for process in processes] == [0] * 4
    assert count_request(counter, 60) == 401


@on_redis
def test_a_window_opens_with_its_expiry(counter):
    count_request(counter, 60)

    assert 0 < _redis().ttl(cache.make_and_validate_key(counter)) <= 60


@on_redis
def test_a_count_keeps_the_expiry_its_window_opened_with(counter):
    count_request(counter, 60)
    redis_key = cache.make_and_validate_key(counter)
    _redis().expire(redis_key, 5)  # as if 55 s of the window had passed

    assert count_request(counter, 60) == 2
    assert 0 < _redis().ttl(redis_key) <= 5


def test_a_window_ends_when_its_first_count_said_however_many_follow(counter, settings):
    # The local-memory cache's expiry runs on the clock that time-machine moves.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": counter}}
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 30, 0, tzinfo=dt.UTC), tick=False) as clock:
        count_request(counter, 60)
        for _ in range(5):
            clock.shift(dt.timedelta(seconds=11))
            count_request(counter, 60)
        assert count_request(counter, 60) == 7  # 55 s in

        clock.shift(dt.timedelta(seconds=6))

        assert count_request(counter, 60) == 1


@on_redis
def test_each_request_counts_once_in_its_window(api, settings):
    settings.API_ANON_RATE = "100/min"
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 30, 20, tzinfo=dt.UTC), tick=False):
        for _ in range(3):
            api.get("/api/v1/units/")
        window = int(dt.datetime(2026, 3, 2, 9, 30, 20, tzinfo=dt.UTC).timestamp() // 60)

    counters = _redis().keys(f"*{settings.THROTTLE_NAMESPACE}throttle_anon_*:{window}")
    assert len(counters) == 1
    assert int(_redis().get(counters[0])) == 3
    assert 60 < _redis().ttl(counters[0]) <= 120  # a whole window past its end
