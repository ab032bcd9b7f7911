"""Changing what the portal keeps of the citizen's login history."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from loginhistory.selectors import history_cache_key


def login_history_forget(*, request: HttpRequest) -> None:
    """Drop the cached copy, so that the next page view fetches the history afresh."""
    key = history_cache_key(request)
    if key:
        cache.delete(key)
