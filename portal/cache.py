"""Django's Redis cache, with one Redis client object per process instead of one per operation.

Django's RedisCacheClient builds a new `redis.Redis` around its connection pool for every get
and set (django/core/cache/backends/redis.py, get_client). Building one costs about as much as
the round trip to Redis itself, and a history page reads the cache four or five times. A
`redis.Redis` is safe to share between threads (each command takes a connection from the pool),
and the pool is Django's own, so connections, options and failover behave exactly as before.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import ConnectionPool, Redis


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Redis] = {}

    def get_client(
        self, key: str | bytes | memoryview | None = None, *, write: bool = False
    ) -> Redis:
        # The parent's private helpers (not in django-stubs): its pools, as it chooses them.
        pool: ConnectionPool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        # Keyed by the pool: with several servers, reads and writes go to different ones.
        client = self._clients.get(id(pool))
        if client is None:
            made: Redis = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            client = self._clients.setdefault(id(pool), made)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
