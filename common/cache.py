"""Dropping a cached copy of something the database has just changed, and reading several
keys in one round trip."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

# How a selector reads the cache: cache_read, or ReadTogether.get.
CacheRead = Callable[[str], Any]


def cache_read(key: str) -> Any:
    """cache.get, as a plain function: a default argument bound to `cache.get` itself would
    keep the cache object of the thread that imported the module (Django's are per thread)."""
    return cache.get(key)


def cache_forget(key: str) -> None:
    """Drop the copy now, and once more after the current transaction commits: a request in
    between may read the row as it was before the commit and cache it again. (Outside a
    transaction the second deletion follows at once.)"""
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


class ReadTogether:
    """The values of some keys, read from the cache in one round trip (`get_many`, one MGET
    in Redis), for code that would otherwise ask for them one at a time. `get` answers for
    those keys from what was read, and asks the cache itself for any other key."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._keys = frozenset(keys)
        self._values: dict[str, Any] = cache.get_many(list(self._keys)) if self._keys else {}

    def get(self, key: str) -> Any:
        return self._values.get(key) if key in self._keys else cache_read(key)
