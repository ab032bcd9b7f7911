"""Has this person logged in at the high level (level 4)? The authlevel API (seed 000),
called with a server token from the JWT grant."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import date

import requests
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from authlevel.badge import Badge, badge_for
from authlevel.types import AuthlevelLookup, UsedLevel
from idporten.http import IdPortenUnavailable, timeouts
from idporten.server_token import (
    ServerTokenUnavailable,
    forget_server_token,
    server_access_token,
)
from idporten.session import login_details
from idporten.types import LevelOfAssurance

logger = logging.getLogger(__name__)

SCOPE = "global/idporten.authlevel.read"
PATH = "/authlevel/rest/v1/sikkerhetsnivaa"
# The documentation writes the field harbruktnivå4, NAV's production clients read
# harbruktnivaa4 (idporten-facts.md 1.3): both are understood.
ANSWER_FIELDS = ("harbruktnivaa4", "harbruktnivå4")


def _cache_key(pid: str, from_date: date | None) -> str:
    # Never the number itself in a cache key: cache keys show up in Redis tooling.
    digest = hmac.new(settings.SECRET_KEY.encode(), pid.encode(), hashlib.sha256).hexdigest()
    return f"authlevel:{digest}:{from_date or ''}"


def _post(pid: str, from_date: date | None) -> requests.Response:
    body: dict[str, str] = {"personidentifikator": pid}
    if from_date:
        body["fraDato"] = from_date.isoformat()
    token = server_access_token(scope=SCOPE)
    return requests.post(
        settings.IDPORTEN_AUTHLEVEL_BASE_URL.rstrip("/") + PATH,
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=timeouts(),
    )


def _interpret(response: requests.Response) -> AuthlevelLookup:
    if response.status_code == 404:
        return AuthlevelLookup(UsedLevel.NOT_REGISTERED)
    if response.status_code >= 500:
        logger.warning("event=authlevel_unavailable status=%d", response.status_code)
        return AuthlevelLookup(UsedLevel.UNKNOWN, temporary=True)
    if response.status_code != 200:
        # 400 and 403 say our request or our token is wrong: for the operators to fix.
        logger.error("event=authlevel_refused status=%d", response.status_code)
        return AuthlevelLookup(UsedLevel.UNKNOWN)
    try:
        body = response.json()
    except ValueError:
        logger.warning("event=authlevel_unavailable reason=not_json")
        return AuthlevelLookup(UsedLevel.UNKNOWN, temporary=True)
    answer = next(
        (body[field] for field in ANSWER_FIELDS if isinstance(body, dict) and field in body), None
    )
    if not isinstance(answer, bool):
        logger.warning("event=authlevel_unavailable reason=no_answer_field")
        return AuthlevelLookup(UsedLevel.UNKNOWN, temporary=True)
    return AuthlevelLookup(UsedLevel.HIGH if answer else UsedLevel.NOT_HIGH)


def authlevel_lookup(*, pid: str, from_date: date | None = None) -> AuthlevelLookup:
    """Cached for AUTHLEVEL_CACHE_SECONDS; an unknown answer is not cached."""
    if not settings.IDPORTEN_AUTHLEVEL_BASE_URL:
        return AuthlevelLookup(UsedLevel.UNKNOWN)  # the environment has no such API
    key = _cache_key(pid, from_date)
    cached = cache.get(key)
    if cached is not None:
        return AuthlevelLookup(UsedLevel(cached))
    try:
        response = _post(pid, from_date)
        if response.status_code == 401:
            # The cached server token was revoked or has expired early: once more, anew.
            forget_server_token(scope=SCOPE)
            response = _post(pid, from_date)
    except ServerTokenUnavailable:
        return AuthlevelLookup(UsedLevel.UNKNOWN)
    except (IdPortenUnavailable, requests.RequestException) as exc:
        logger.warning("event=authlevel_unavailable reason=%s", type(exc).__name__)
        return AuthlevelLookup(UsedLevel.UNKNOWN, temporary=True)
    lookup = _interpret(response)
    if lookup.used is not UsedLevel.UNKNOWN:
        cache.set(key, lookup.used.value, settings.AUTHLEVEL_CACHE_SECONDS)
    return lookup


def citizen_badge(request: HttpRequest) -> Badge:
    """The logged-in citizen's badge. A login at the high level right now needs no lookup."""
    details = login_details(request)
    if details is None:
        return Badge("unknown")
    if details.level is not None and details.level >= LevelOfAssurance.HIGH:
        return badge_for(lookup=AuthlevelLookup(UsedLevel.UNKNOWN), current_level=details.level)
    return badge_for(lookup=authlevel_lookup(pid=details.pid), current_level=details.level)
