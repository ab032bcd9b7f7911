"""The authlevel API (docs/idporten.md section 1): has a person logged in at the high level
(level 4) within the last 18 months, or since a date? Called with a server token from the JWT
grant (server_token.py), never with a citizen's own token."""

from __future__ import annotations

import contextlib
import enum
import logging
from dataclasses import dataclass
from datetime import date

import requests
from django.conf import settings

from idporten import http
from idporten.server_token import (
    ServerTokenUnavailable,
    forget_server_token,
    server_access_token,
)

logger = logging.getLogger(__name__)

SCOPE = "global/idporten.authlevel.read"
PATH = "/authlevel/rest/v1/sikkerhetsnivaa"
# The documentation writes the field harbruktnivå4, NAV's production clients read
# harbruktnivaa4 (docs/idporten.md 1.3): both are understood.
ANSWER_FIELDS = ("harbruktnivaa4", "harbruktnivå4")


class UsedLevel(enum.Enum):
    """What the authlevel API says of a person."""

    HIGH = "high"  # harbruktnivaa4: true
    NOT_HIGH = "not_high"  # harbruktnivaa4: false
    NOT_REGISTERED = "not_registered"  # 404: unknown to ID-porten
    UNKNOWN = "unknown"  # no answer to be had: configuration, ID-porten down, ...


@dataclass(frozen=True)
class AuthlevelLookup:
    used: UsedLevel
    # Set for UNKNOWN when trying again later may help (ID-porten did not answer).
    temporary: bool = False


def server_token_ready() -> None:
    """The API's server token, fetched now in the calling thread unless this process holds a
    valid one: for a lookup about to run in a thread that should not touch the database (the
    token's row), such as one started while a login is still writing its own rows."""
    if settings.IDPORTEN_AUTHLEVEL_BASE_URL:
        with contextlib.suppress(ServerTokenUnavailable, http.IdPortenUnavailable):
            server_access_token(scope=SCOPE)  # the lookup itself reports what went wrong


def used_level(*, pid: str, from_date: date | None = None) -> AuthlevelLookup:
    """The API's answer for one person. Never raises: every failure is an UNKNOWN answer,
    temporary when ID-porten did not answer, and a log line for the operators."""
    if not settings.IDPORTEN_AUTHLEVEL_BASE_URL:
        return AuthlevelLookup(UsedLevel.UNKNOWN)  # the environment has no such API
    try:
        response = _post(pid, from_date)
        if response.status_code == 401:
            # The cached server token was revoked or has expired early: once more, anew.
            forget_server_token(scope=SCOPE)
            response = _post(pid, from_date)
    except ServerTokenUnavailable:
        return AuthlevelLookup(UsedLevel.UNKNOWN)
    except http.IdPortenUnavailable as exc:
        reason = type(exc.__cause__).__name__ if exc.__cause__ else "no_answer"
        logger.warning("event=authlevel_unavailable reason=%s", reason)
        return AuthlevelLookup(UsedLevel.UNKNOWN, temporary=True)
    return _interpret(response)


def _post(pid: str, from_date: date | None) -> requests.Response:
    body: dict[str, str] = {"personidentifikator": pid}
    if from_date:
        body["fraDato"] = from_date.isoformat()
    token = server_access_token(scope=SCOPE)
    return http.post(
        settings.IDPORTEN_AUTHLEVEL_BASE_URL.rstrip("/") + PATH,
        upstream="authlevel API",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
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
