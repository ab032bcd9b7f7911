"""Has this person logged in at the high level (level 4)? The authlevel API's answer
(idporten.authlevel_api), remembered for a while, and the logged-in citizen's badge.

The API is slow next to everything else on the first page after a login, so the lookup starts
at the login itself (authlevel_lookup_ahead, from authlevel.receivers), and the page joins it
while it is under way instead of asking again.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connections

from authlevel.badge import Badge, BadgeKind, badge_for
from common.cache import CacheRead, cache_read
from idporten.authlevel_api import AuthlevelLookup, UsedLevel, server_token_ready, used_level
from idporten.session import LoginDetails
from idporten.types import LevelOfAssurance


def _cache_key(pid: str, from_date: date | None) -> str:
    # Never the number itself in a cache key: cache keys show up in Redis tooling.
    digest = hmac.new(settings.SECRET_KEY.encode(), pid.encode(), hashlib.sha256).hexdigest()
    return f"authlevel:{digest}:{from_date or ''}"


def badge_cache_key(pid: str) -> str:
    """The key citizen_badge_known reads for a login with this number, unless the login
    itself tells the badge."""
    return _cache_key(pid, None)


def _cached_lookup(
    *, pid: str, from_date: date | None, read: CacheRead = cache_read
) -> AuthlevelLookup | None:
    cached = read(_cache_key(pid, from_date))
    return None if cached is None else AuthlevelLookup(UsedLevel(cached))


# This process's lookups under way, by cache key: whoever asks for the same person meanwhile
# (the first page, while the login's lookup is under way) waits for that answer.
_under_way: dict[str, Future[AuthlevelLookup]] = {}
_under_way_lock = threading.Lock()
# The lookups started at login. Long-lived threads, so each keeps its connection to the cache.
_ahead = ThreadPoolExecutor(max_workers=2, thread_name_prefix="authlevel-ahead")


def authlevel_lookup(*, pid: str, from_date: date | None = None) -> AuthlevelLookup:
    """Cached for AUTHLEVEL_CACHE_SECONDS; an unknown answer is not cached. An empty number is
    never looked up: nobody has a level under it. One lookup per person at a time."""
    if not pid:
        return AuthlevelLookup(UsedLevel.UNKNOWN)
    cached = _cached_lookup(pid=pid, from_date=from_date)
    if cached is not None:
        return cached
    key = _cache_key(pid, from_date)
    with _under_way_lock:
        under_way = _under_way.get(key)
        if under_way is None:
            _under_way[key] = mine = Future[AuthlevelLookup]()
    if under_way is not None:
        return under_way.result()
    try:
        lookup = used_level(pid=pid, from_date=from_date)
        if lookup.used is not UsedLevel.UNKNOWN:
            cache.set(key, lookup.used.value, settings.AUTHLEVEL_CACHE_SECONDS)
        mine.set_result(lookup)
    except Exception as exc:  # the server token's database error: whoever waits gets it too
        mine.set_exception(exc)
        raise
    finally:
        with _under_way_lock:
            del _under_way[key]
    return lookup


def authlevel_lookup_ahead(details: LoginDetails) -> None:
    """At login: the badge's lookup starts in the background, so that the first page finds it
    under way or cached. The server token first, in this thread, if none is valid: the lookup's
    thread then needs no database while the login writes its rows (SQLite would refuse)."""
    if citizen_badge_known(details) is None:
        server_token_ready()
        _ahead.submit(_looked_up_ahead, details.pid)


def _looked_up_ahead(pid: str) -> None:
    try:
        authlevel_lookup(pid=pid)
    finally:
        # A 401 makes the lookup forget the server token (its row) and fetch another, and this
        # thread outlives the request whose end would have closed that connection.
        connections.close_all()


def citizen_badge_known(
    details: LoginDetails | None, *, read: CacheRead = cache_read
) -> Badge | None:
    """The logged-in citizen's badge if it takes no call to the authlevel API (a login at the
    high level right now, one without a national identity number, or an answer in the cache,
    read with `read`); None if it does. Most page views end here, and need no thread to wait
    beside the history (loginhistory.views)."""
    if details is None:
        return Badge(BadgeKind.UNKNOWN)
    if details.level is not None and details.level >= LevelOfAssurance.HIGH:
        return badge_for(lookup=AuthlevelLookup(UsedLevel.UNKNOWN), current_level=details.level)
    if not details.pid:
        return Badge(BadgeKind.NO_NATIONAL_ID)
    cached = _cached_lookup(pid=details.pid, from_date=None, read=read)
    return None if cached is None else badge_for(lookup=cached, current_level=details.level)


def citizen_badge(details: LoginDetails | None) -> Badge:
    """The logged-in citizen's badge. A login at the high level right now needs no lookup, and
    a login without a national identity number gets none: the API is asked by that number.

    Takes the login's details, not the request: it runs beside the history's fetch in a
    worker thread (loginhistory.views), which must not touch the session or the database.
    """
    known = citizen_badge_known(details)
    if known is None and details is not None:
        return badge_for(lookup=authlevel_lookup(pid=details.pid), current_level=details.level)
    return known if known is not None else Badge(BadgeKind.UNKNOWN)
