"""Dropping a cached copy of something the database has just changed."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction


def cache_forget(key: str) -> None:
    """Drop the copy now, and once more after the current transaction commits: a request in
    between may read the row as it was before the commit and cache it again. (Outside a
    transaction the second deletion follows at once.)"""
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
