"""Changing what the portal keeps of the citizen's login history."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache

from loginhistory.selectors import history_cache_key


def login_history_forget(session: SessionBase) -> None:
    """Drop the cached copy, so that the next page view fetches the history afresh."""
    key = history_cache_key(session)
    if key:
        cache.delete(key)
