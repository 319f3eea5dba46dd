"""Django's Redis cache, which can also count: `count_and_get_many(counters, keys)`
increments counters, sets their expiry and reads keys in one command, a server-side
script. It is atomic, so concurrent web processes never lose a count and a counter is
never left without its expiry; and it is one round trip: an API request counts its quota
and reads the data generation and its kept answer, and each round trip to Redis costs as
much as the rest of a cached answer (bench/RESULTS.md).

Only public APIs: Django's cache API for everything Django's backend does, and for the
script a redis-py client of its own, of the server Django writes to, running it through
`register_script` (which loads the script again if the server has forgotten it). That
client reads everything from the URL (database number, password): OPTIONS in CACHES go to
Django's own connection pool only, and our settings set none.
"""

import re

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisSerializer
from django.utils.functional import cached_property

# KEYS: the counters, then the keys to read; ARGV: how many counters, then their timeouts.
# The expiry is set with the first count of a window only: later counts must not extend it.
COUNT_AND_GET_SCRIPT = """
local counters = tonumber(ARGV[1])
local counts = {}
for i = 1, counters do
  counts[i] = redis.call('INCR', KEYS[i])
  if counts[i] == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i + 1]) end
end
local values = {}
if #KEYS > counters then values = redis.call('MGET', unpack(KEYS, counters + 1)) end
return {counts, values}
"""


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str | list[str], params: dict) -> None:
        super().__init__(server, params)
        # Django writes to the first server of LOCATION (a list, or split at ; and ,).
        self._primary_url = re.split("[;,]", server)[0] if isinstance(server, str) else server[0]
        # How Django's backend stores values (integers as they are, the rest pickled).
        self._value_format = RedisSerializer()

    @cached_property
    def redis(self) -> redis.Redis:
        """A redis-py client of the server Django writes to, for what Django's cache API cannot say."""
        return redis.Redis.from_url(self._primary_url)

    @cached_property
    def _count_and_get(self):
        return self.redis.register_script(COUNT_AND_GET_SCRIPT)

    def count_and_get_many(self, counters: dict[str, int], keys: list[str], version=None,
                           ) -> tuple[list[int], dict]:
        """One more under each counter key (made, with its timeout in seconds, if missing), and
        the values of `keys` that are found: the new counts in order, and {key: value}."""
        made = {self.make_and_validate_key(key, version=version): key for key in keys}
        counter_keys = [self.make_and_validate_key(key, version=version) for key in counters]
        counts, values = self._count_and_get(keys=[*counter_keys, *made],
                                             args=[len(counters), *counters.values()])
        return counts, {key: self._value_format.loads(value)
                        for key, value in zip(made.values(), values, strict=True) if value is not None}
