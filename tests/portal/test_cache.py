"""The Redis cache with one client object per process (portal/cache.py)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal.cache import SharedClientRedisCache, SharedClientRedisCacheClient


def test_every_operation_gets_the_same_client() -> None:
    client = SharedClientRedisCacheClient(["redis://localhost:6379/0"])

    assert client.get_client() is client.get_client(write=True)


def test_reads_and_writes_to_different_servers_get_a_client_each() -> None:
    client = SharedClientRedisCacheClient(["redis://primary:6379/0", "redis://replica:6379/0"])

    writes, reads = client.get_client(write=True), client.get_client()

    assert writes is not reads
    assert writes.connection_pool.connection_kwargs["host"] == "primary"
    assert reads.connection_pool.connection_kwargs["host"] == "replica"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (CI's second run)")
def test_threads_share_the_client_against_real_redis() -> None:
    cache = SharedClientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-shared-client"})
    keys = [f"key-{number}" for number in range(32)]

    def round_trip(key: str) -> object:
        cache.set(key, key, 10)
        return cache.get(key)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(round_trip, keys))

    assert answers == keys
    cache.delete_many(keys)
