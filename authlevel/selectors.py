"""Has this person logged in at the high level (level 4)? The authlevel API's answer
(idporten.authlevel_api), remembered for a while, and the logged-in citizen's badge."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from django.conf import settings
from django.core.cache import cache

from authlevel.badge import Badge, BadgeKind, badge_for
from idporten.authlevel_api import AuthlevelLookup, UsedLevel, used_level
from idporten.session import LoginDetails
from idporten.types import LevelOfAssurance


def _cache_key(pid: str, from_date: date | None) -> str:
    # Never the number itself in a cache key: cache keys show up in Redis tooling.
    digest = hmac.new(settings.SECRET_KEY.encode(), pid.encode(), hashlib.sha256).hexdigest()
    return f"authlevel:{digest}:{from_date or ''}"


def authlevel_lookup(*, pid: str, from_date: date | None = None) -> AuthlevelLookup:
    """Cached for AUTHLEVEL_CACHE_SECONDS; an unknown answer is not cached. An empty number is
    never looked up: nobody has a level under it."""
    if not pid:
        return AuthlevelLookup(UsedLevel.UNKNOWN)
    key = _cache_key(pid, from_date)
    cached = cache.get(key)
    if cached is not None:
        return AuthlevelLookup(UsedLevel(cached))
    lookup = used_level(pid=pid, from_date=from_date)
    if lookup.used is not UsedLevel.UNKNOWN:
        cache.set(key, lookup.used.value, settings.AUTHLEVEL_CACHE_SECONDS)
    return lookup


def citizen_badge(details: LoginDetails | None) -> Badge:
    """The logged-in citizen's badge. A login at the high level right now needs no lookup, and
    a login without a national identity number gets none: the API is asked by that number.

    Takes the login's details, not the request: it runs beside the history's fetch in a
    worker thread (loginhistory.views), which must not touch the session or the database.
    """
    if details is None:
        return Badge(BadgeKind.UNKNOWN)
    if details.level is not None and details.level >= LevelOfAssurance.HIGH:
        return badge_for(lookup=AuthlevelLookup(UsedLevel.UNKNOWN), current_level=details.level)
    if not details.pid:
        return Badge(BadgeKind.NO_NATIONAL_ID)
    return badge_for(lookup=authlevel_lookup(pid=details.pid), current_level=details.level)
