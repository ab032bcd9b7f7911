"""The only module that reads or writes ID-porten's tokens and the login's claims.

The claims live in the session (LOGIN_KEY). The tokens live in one database row per login
(idporten.models.LoginTokens), encrypted (idporten/sealing.py); the session holds only the
row's id, so the tokens never reach a cookie, a template or a log line, and no request that
saves its session can ever write old tokens back.

ID-porten access tokens live 120 seconds, so access_token() refreshes them shortly before they
expire. Refresh tokens rotate, and ID-porten treats a replayed one as theft, so a refresh
happens once however many requests and processes need it: under the row's lock
(select_for_update), the first refreshes and the others, waiting on the lock, find the new
tokens. A process-local lock in front of it keeps a process's own threads from queueing at the
database (and serialises them on SQLite, which has no row locks).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from idporten.discovery import provider_metadata
from idporten.http import post_to_token_endpoint
from idporten.models import LoginTokens
from idporten.sealing import SealBroken, seal, unseal
from idporten.types import LevelOfAssurance, level_of

logger = logging.getLogger(__name__)

TOKENS_KEY = "idporten_tokens"
LOGIN_KEY = "idporten_login"
# When the citizen was last seen (idporten.middleware): a write of it extends the idle expiry.
LAST_SEEN_KEY = "last_seen"
# Refresh this long before the access token expires, so it is still valid when it arrives.
REFRESH_MARGIN = datetime.timedelta(seconds=30)
# ID-porten's access tokens, when a token response does not say.
DEFAULT_ACCESS_SECONDS = 120


class ReauthenticationRequired(Exception):
    """The tokens cannot be renewed; the user has to log in again."""


@dataclass(frozen=True)
class LoginDetails:
    """The login's claims, as the session keeps them (LOGIN_KEY, as a dict of these fields)."""

    pid: str
    acr: str
    amr: tuple[str, ...]
    sid: str | None
    auth_time: int | None
    logged_in_at: float

    @property
    def level(self) -> LevelOfAssurance | None:
        return level_of(self.acr)

    @property
    def eid(self) -> str:
        """The eID used, as ID-porten names it in amr (e.g. "BankID", "Minid-PIN")."""
        return self.amr[0] if self.amr else ""

    def logged_in_within(self, seconds: float) -> bool:
        return time.time() - self.logged_in_at < seconds


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str | None
    id_token: str


def login_details_of(claims: dict[str, Any]) -> LoginDetails:
    """The details of a login whose claims have been checked (idporten.id_token), as of now."""
    amr = claims.get("amr") or []
    return LoginDetails(
        pid=claims.get("pid", ""),
        acr=claims["acr"],
        amr=(amr,) if isinstance(amr, str) else tuple(amr),  # the old platform sent a string
        sid=claims.get("sid"),
        auth_time=claims.get("auth_time"),
        logged_in_at=time.time(),
    )


def store_login(
    session: SessionBase, *, claims: dict[str, Any], token_response: dict[str, Any]
) -> None:
    """At login: the claims into the session, the tokens into a new row (the login's earlier
    row, if a step-up replaces it, goes)."""
    login = login_details_of(claims)
    tokens_forget(session)
    now = timezone.now()
    row = LoginTokens(
        sid=login.sid or "",
        ends_at=now + datetime.timedelta(seconds=settings.IDPORTEN_SESSION_MAX_SECONDS),
    )
    _fill(row, token_response, id_token=token_response["id_token"], now=now)
    row.save(force_insert=True)
    session[LOGIN_KEY] = dataclasses.asdict(login)
    session[TOKENS_KEY] = str(row.pk)
    # Seen now: the first page after the login, saved a moment ago, need not write it again.
    session[LAST_SEEN_KEY] = login.logged_in_at


def _fill(
    row: LoginTokens, token_response: dict[str, Any], *, id_token: str, now: datetime.datetime
) -> None:
    expires_in = token_response.get("expires_in")
    lifetime = expires_in if isinstance(expires_in, int) and expires_in > 0 else None
    refresh_in = token_response.get("refresh_token_expires_in")
    row.sealed = seal(
        {
            "access_token": token_response["access_token"],
            "refresh_token": token_response.get("refresh_token"),
            "id_token": id_token,
        }
    )
    row.access_expires_at = now + datetime.timedelta(seconds=lifetime or DEFAULT_ACCESS_SECONDS)
    # Sliding: each refresh gives the new refresh token a new lifetime (docs/idporten.md 8.4).
    row.refresh_expires_at = (
        now + datetime.timedelta(seconds=refresh_in)
        if isinstance(refresh_in, int) and refresh_in > 0
        else None
    )


def login_details(session: SessionBase) -> LoginDetails | None:
    stored: dict[str, Any] | None = session.get(LOGIN_KEY)
    if not stored:
        return None
    # The session's JSON keeps amr as a list.
    return LoginDetails(**{**stored, "amr": tuple(stored["amr"])})


def _row(session: SessionBase) -> LoginTokens | None:
    key = session.get(TOKENS_KEY)
    if not isinstance(key, str):
        return None  # no login, or a session stored before the token rows existed
    try:
        return LoginTokens.objects.filter(pk=key).first()
    except ValueError:  # django's UUID field refuses a malformed id
        return None


def _tokens(row: LoginTokens) -> Tokens:
    try:
        return Tokens(**unseal(row.sealed))
    except SealBroken as exc:
        logger.warning("event=tokens_unreadable reason=key_not_configured")
        raise ReauthenticationRequired("the tokens cannot be read") from exc


def id_token_hint(session: SessionBase) -> str | None:
    row = _row(session)
    if row is None:
        return None
    try:
        return _tokens(row).id_token
    except ReauthenticationRequired:
        return None


def tokens_forget(session: SessionBase) -> None:
    """At logout: the tokens go with the login."""
    key = session.pop(TOKENS_KEY, None)
    if isinstance(key, str):
        with contextlib.suppress(ValueError):  # a malformed id names no row
            LoginTokens.objects.filter(pk=key).delete()


def tokens_forget_for_sid(sid: str) -> int:
    """Back- and front-channel logout: every login of ID-porten's session `sid`."""
    deleted, _ = LoginTokens.objects.filter(sid=sid).delete() if sid else (0, {})
    return deleted


# For the threads of this process: a fixed set of locks, each token row always taken to the
# same one, so the set never grows; two logins that share one wait for each other's refresh.
_PROCESS_LOCKS = tuple(threading.Lock() for _ in range(64))


def _process_lock(key: str) -> threading.Lock:
    return _PROCESS_LOCKS[hash(key) % len(_PROCESS_LOCKS)]


def access_token(session: SessionBase, *, refused: str | None = None) -> str:
    """A valid access token for the logged-in citizen, refreshed first when close to expiry,
    or when it is `refused`: the token an API has just answered 401 to.

    Raises ReauthenticationRequired when that is impossible, IdPortenUnavailable when
    ID-porten does not answer.
    """
    row = _row(session)
    if row is None:
        raise ReauthenticationRequired("no tokens for the session")
    tokens = _tokens(row)
    if _usable(row, tokens, refused):
        return tokens.access_token
    with _process_lock(str(row.pk)), transaction.atomic():
        # Another request (of this process or another) may have refreshed while we waited.
        locked = LoginTokens.objects.select_for_update().filter(pk=row.pk).first()
        if locked is None:
            raise ReauthenticationRequired("the login ended meanwhile")
        tokens = _tokens(locked)
        if not _usable(locked, tokens, refused):
            tokens = _refresh(locked, tokens)
        return tokens.access_token


def _usable(row: LoginTokens, tokens: Tokens, refused: str | None) -> bool:
    not_expiring = row.access_expires_at - REFRESH_MARGIN > timezone.now()
    return not_expiring and tokens.access_token != refused


def _refresh(row: LoginTokens, tokens: Tokens) -> Tokens:
    """With the row locked: one refresh, and the rotated tokens stored before the lock goes."""
    now = timezone.now()
    if not tokens.refresh_token or (row.refresh_expires_at and row.refresh_expires_at <= now):
        raise ReauthenticationRequired("no usable refresh token")
    status, body = post_to_token_endpoint(
        provider_metadata().token_endpoint,
        {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token},
        auth=(settings.IDPORTEN_CLIENT_ID, settings.IDPORTEN_CLIENT_SECRET),
    )
    if status != 200 or not isinstance(body.get("access_token"), str):
        # invalid_grant: expired, revoked or past the authorization's lifetime.
        logger.info("event=token_refresh_refused error=%s", body.get("error", "unknown"))
        raise ReauthenticationRequired("refresh refused")
    # A provider that does not rotate keeps the old refresh token valid.
    body.setdefault("refresh_token", tokens.refresh_token)
    _fill(row, body, id_token=tokens.id_token, now=now)
    row.save(update_fields=["sealed", "access_expires_at", "refresh_expires_at", "updated_at"])
    return _tokens(row)
