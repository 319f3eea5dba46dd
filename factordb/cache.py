"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's RedisCacheClient builds a new redis.Redis, with its table of ~170 response
callbacks, for every cache operation: measured at about 0.5 ms of a 3 ms cached API
answer, and each answer makes several (quota, data generation, the answer itself). A
redis.Redis is safe to share between threads over its pool, so one per pool is kept.

It also counts: `count(key, timeout)` increments a counter and sets its expiry in one
round trip (INCR is atomic, so concurrent web processes never lose a count).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def count(self, key: str, timeout: int) -> int:
        pipeline = self.get_client(key, write=True).pipeline()
        pipeline.incr(key)
        pipeline.expire(key, timeout)
        count, _ = pipeline.execute()
        return count


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count(self, key: str, timeout: int, version=None) -> int:
        """One more under `key` (made, with `timeout`, if missing); the new count."""
        return self._cache.count(self.make_and_validate_key(key, version=version), timeout)
