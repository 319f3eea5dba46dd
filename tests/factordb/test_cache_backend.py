"""The Redis cache backend (factordb.cache): Django's, plus atomic counting in one round trip."""

import threading

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set: no Redis cache")


def count(key: str, timeout: int) -> int:
    (number,), _ = cache.count_and_get_many({key: timeout}, [])
    return number


def test_it_still_stores_and_reads_like_djangos_backend():
    cache.set("factordb-test:value", {"a": 1}, 30)
    assert cache.get("factordb-test:value") == {"a": 1}
    found = cache.get_many(["factordb-test:value", "factordb-test:missing"])
    assert found == {"factordb-test:value": {"a": 1}}
    cache.delete("factordb-test:value")


def test_counting_from_many_threads_loses_nothing_and_expires():
    key = "factordb-test:counter"
    cache.delete(key)

    def count_fifty() -> None:
        for _ in range(50):
            count(key, 60)

    threads = [threading.Thread(target=count_fifty) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert count(key, 60) == 401
    ttl = cache.redis.ttl(cache.make_and_validate_key(key))
    assert 0 < ttl <= 60
    cache.delete(key)


def test_a_count_keeps_the_expiry_its_window_started_with():
    key = "factordb-test:window"
    cache.delete(key)
    count(key, 60)
    redis_key = cache.make_and_validate_key(key)
    cache.redis.expire(redis_key, 5)  # as if 55 s of the window had passed

    assert count(key, 60) == 2
    assert cache.redis.ttl(redis_key) <= 5
    cache.delete(key)


def test_counting_goes_on_after_the_server_forgets_its_scripts():
    key = "factordb-test:after-flush"
    cache.delete(key)
    count(key, 60)
    cache.redis.script_flush()  # as after a Redis restart or failover

    assert count(key, 60) == 2
    cache.delete(key)


def test_counting_and_reading_share_one_command():
    cache.set("factordb-test:answer", {"content": b"{}"}, 30)
    cache.delete("factordb-test:quota")

    counts, found = cache.count_and_get_many({"factordb-test:quota": 60},
                                             ["factordb-test:answer", "factordb-test:missing"])

    assert counts == [1]
    assert found == {"factordb-test:answer": {"content": b"{}"}}
    assert cache.count_and_get_many({"factordb-test:quota": 60}, [])[0] == [2]
    cache.delete_many(["factordb-test:answer", "factordb-test:quota"])


def test_counting_goes_on_after_the_server_drops_the_connection():
    key = "factordb-test:after-kill"
    cache.delete(key)
    count(key, 60)
    counting_connection = cache.redis.client_id()  # the pool's one idle connection, which counted
    other = redis.Redis.from_url(settings.REDIS_URL)
    other.client_kill_filter(_id=counting_connection)  # as if Redis had restarted
    other.close()

    assert count(key, 60) == 2
    assert cache.redis.client_id() != counting_connection
    cache.delete(key)
