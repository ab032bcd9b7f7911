"""The only module that reads or writes ID-porten's tokens and login claims in the session.

Tokens stay server-side: in the database-backed session, never in a cookie, a template or a
log line. ID-porten access tokens live 120 seconds, so access_token() refreshes them shortly
before they expire and stores the rotated refresh token it gets back.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from importlib import import_module
from typing import Any, TypedDict

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache

from idporten.discovery import provider_metadata
from idporten.http import IdPortenUnavailable, post_to_token_endpoint
from idporten.types import LevelOfAssurance, level_of

logger = logging.getLogger(__name__)

TOKENS_KEY = "idporten_tokens"
LOGIN_KEY = "idporten_login"
# Refresh this long before the access token expires, so it is still valid when it arrives.
REFRESH_MARGIN_SECONDS = 30
REFRESH_LOCK_SECONDS = 10


class ReauthenticationRequired(Exception):
    """The tokens cannot be renewed; the user has to log in again."""


class StoredTokens(TypedDict):
    """The tokens as the session keeps them (TOKENS_KEY)."""

    access_token: str
    access_expires_at: float
    refresh_token: str | None
    id_token: str
    # One more at each login and refresh: which of two copies is newer (keep_newer_tokens).
    generation: int


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


def store_login(
    session: SessionBase, *, claims: dict[str, Any], token_response: dict[str, Any]
) -> None:
    amr = claims.get("amr") or []
    login = LoginDetails(
        pid=claims.get("pid", ""),
        acr=claims["acr"],
        amr=(amr,) if isinstance(amr, str) else tuple(amr),  # the old platform sent a string
        sid=claims.get("sid"),
        auth_time=claims.get("auth_time"),
        logged_in_at=time.time(),
    )
    session[LOGIN_KEY] = dataclasses.asdict(login)
    _store_tokens(
        session,
        token_response,
        id_token=token_response["id_token"],
        generation=_generation(session.get(TOKENS_KEY)) + 1,
    )


def _store_tokens(
    session: SessionBase, token_response: dict[str, Any], *, id_token: str, generation: int
) -> None:
    expires_in = token_response.get("expires_in")
    lifetime = expires_in if isinstance(expires_in, int) and expires_in > 0 else 120
    tokens: StoredTokens = {
        "access_token": token_response["access_token"],
        "access_expires_at": time.time() + lifetime,
        "refresh_token": token_response.get("refresh_token"),
        "id_token": id_token,
        "generation": generation,
    }
    session[TOKENS_KEY] = tokens


def _generation(tokens: StoredTokens | None) -> int:
    # Sessions stored before generations were counted have none: the oldest.
    return tokens.get("generation", 0) if tokens else 0


def login_details(session: SessionBase) -> LoginDetails | None:
    stored: dict[str, Any] | None = session.get(LOGIN_KEY)
    if not stored:
        return None
    # The session's JSON keeps amr as a list.
    return LoginDetails(**{**stored, "amr": tuple(stored["amr"])})


def id_token_hint(session: SessionBase) -> str | None:
    return (session.get(TOKENS_KEY) or {}).get("id_token")


def keep_newer_tokens(session: SessionBase, *, stored: StoredTokens | None) -> None:
    """Before a session is saved: when the store already holds newer tokens than the request
    loaded (another request of the session refreshed them meanwhile), keep those, so that a
    rotated refresh token is never written back."""
    ours: StoredTokens | None = session.get(TOKENS_KEY)
    if ours and _generation(stored) > _generation(ours):
        session[TOKENS_KEY] = stored


def _fresh_copy(session: SessionBase) -> StoredTokens | None:
    """The tokens as another request may just have saved them."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session.session_key)
    tokens: StoredTokens | None = store.get(TOKENS_KEY)
    return tokens


def access_token(session: SessionBase, *, refused: str | None = None) -> str:
    """A valid access token for the logged-in citizen, refreshed first when close to expiry,
    or when it is `refused`: the token an API has just answered 401 to.

    Raises ReauthenticationRequired when that is impossible, IdPortenUnavailable when
    ID-porten does not answer.
    """
    tokens: StoredTokens | None = session.get(TOKENS_KEY)
    if not tokens:
        raise ReauthenticationRequired("no tokens in the session")
    if _usable(tokens, refused):
        return tokens["access_token"]

    # Refresh tokens rotate, and ID-porten treats a replayed one as theft: two requests of
    # the same session must not both refresh. The one that gets the lock refreshes; the
    # other waits and then uses what the first one saved.
    lock = f"idporten:refresh-lock:{session.session_key}"
    deadline = time.monotonic() + REFRESH_LOCK_SECONDS
    while not cache.add(lock, "1", REFRESH_LOCK_SECONDS):
        if time.monotonic() > deadline:
            raise IdPortenUnavailable("timed out waiting for another request's token refresh")
        time.sleep(0.05)
    try:
        tokens = _fresh_copy(session) or tokens
        if not _usable(tokens, refused):
            tokens = _refresh(session, tokens)
        else:
            session[TOKENS_KEY] = tokens
        return tokens["access_token"]
    finally:
        cache.delete(lock)


def _usable(tokens: StoredTokens, refused: str | None) -> bool:
    not_expiring = tokens["access_expires_at"] - REFRESH_MARGIN_SECONDS > time.time()
    return not_expiring and tokens["access_token"] != refused


def _refresh(session: SessionBase, tokens: StoredTokens) -> StoredTokens:
    refresh_token = tokens.get("refresh_token")
    if not refresh_token:
        raise ReauthenticationRequired("no refresh token")
    status, body = post_to_token_endpoint(
        provider_metadata().token_endpoint,
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        auth=(settings.IDPORTEN_CLIENT_ID, settings.IDPORTEN_CLIENT_SECRET),
    )
    if status != 200 or "access_token" not in body:
        # invalid_grant: expired, revoked or past the authorization's lifetime.
        logger.info("event=token_refresh_refused error=%s", body.get("error", "unknown"))
        raise ReauthenticationRequired("refresh refused")
    _store_tokens(session, body, id_token=tokens["id_token"], generation=_generation(tokens) + 1)
    # Saved at once, so a concurrent request of the same session reads the new tokens.
    session.save()
    refreshed: StoredTokens = session[TOKENS_KEY]
    return refreshed
