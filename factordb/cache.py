"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's RedisCacheClient builds a new redis.Redis, with its table of ~170 response
callbacks, for every cache operation: measured at about 0.5 ms of a 3 ms cached API
answer, and each answer makes several (quota, data generation, the answer itself). A
redis.Redis is safe to share between threads over its pool, so one per pool is kept.

It also counts: `count(key, timeout)` increments a counter and sets its expiry in one
command, a server-side script (atomic, so concurrent web processes never lose a count, and a
counter is never left without its expiry). A MULTI/EXEC pipeline did the same in five
replies to parse, on every API request: measured at 0.36 ms against 0.27 ms for the answer
cache's whole MGET.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

# The expiry is set with the first count of a window only: later counts must not extend it.
COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._count_scripts = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def count(self, key: str, timeout: int) -> int:
        client = self.get_client(key, write=True)
        script = self._count_scripts.get(id(client))
        if script is None:
            # Sent by its digest (EVALSHA); redis-py loads it again if the server lost it.
            script = self._count_scripts[id(client)] = client.register_script(COUNT_SCRIPT)
        return script(keys=[key], args=[timeout])


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count(self, key: str, timeout: int, version=None) -> int:
        """One more under `key` (made, with `timeout`, if missing); the new count."""
        return self._cache.count(self.make_and_validate_key(key, version=version), timeout)
