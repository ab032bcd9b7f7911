"""Changing what the portal keeps of the citizen's login history."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache

from loginhistory.selectors import history_cache_key, history_version_key


def login_history_forget(session: SessionBase) -> None:
    """Drop the cached copy, so that the next page view fetches the history afresh. Without
    its version in the shared cache, no process uses the copy it keeps itself either."""
    key = history_cache_key(session)
    if key:
        cache.delete_many([history_version_key(key), key])


def login_history_forget_for_session_key(session_key: str) -> None:
    """Drop the cached copy of a session that has already ended elsewhere (front- or
    back-channel logout): only its key is left, and the cache key derives from nothing else.
    The bare SessionBase is never loaded or saved."""
    login_history_forget(SessionBase(session_key=session_key))
