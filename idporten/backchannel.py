"""Validation of OpenID Connect Back-Channel Logout 1.0 logout tokens (docs/idporten.md 8.1).

https://openid.net/specs/openid-connect-backchannel-1_0.html section 2.6 lists the checks;
ID-porten's page adds what it sends: `typ` `logout+jwt`, RS256 with a `kid` from its JWKS,
`exp` (`iat` + 300) and always a `sid`. Every check has a short code, for the 400 answer, the
log line and the tests. Nothing here writes: the view spends the `jti`
(idporten.services.logout_token_spend) and ends the sessions once every check has passed.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass
from typing import Any

import jwt

from idporten.id_token import (
    ALGORITHM,
    LoginCheckFailed,
    _audiences,
    _is_number,
    _signing_key,
    signed_claims,
)

BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# RFC 8725 3.11 and RFC 7515 4.1.9: the media type, compared without case, with or without its
# "application/" prefix. ID-porten sends "logout+jwt".
LOGOUT_TOKEN_TYPES = frozenset({"logout+jwt", "application/logout+jwt"})
# Clocks drift: allow this much either way on iat and exp.
CLOCK_SKEW_SECONDS = 60
# A "reasonable iat" (docs/idporten.md 8.1): ID-porten's tokens live 300 s, and it sends them
# at once, with one attempt; an older token is a replay or a very late delivery.
MAX_AGE_SECONDS = 5 * 60
# The column of idporten.models.UsedLogoutToken.
MAX_JTI_LENGTH = 255


class LogoutCheck(enum.StrEnum):
    """Why a back-channel logout was refused: the `error_description` of the 400 answer."""

    METHOD = "method"
    CONTENT_TYPE = "content_type"
    LOGOUT_TOKEN = "logout_token"  # noqa: S105 (a check's name, not a secret)
    MALFORMED = "malformed"
    ALG = "alg"
    TYP = "typ"
    KID = "kid"
    SIGNATURE = "signature"
    ISS = "iss"
    AUD = "aud"
    IAT = "iat"
    IAT_IN_FUTURE = "iat_in_future"
    IAT_TOO_OLD = "iat_too_old"
    EXP = "exp"
    EXPIRED = "expired"
    JTI = "jti"
    EVENTS = "events"
    SID = "sid"
    NONCE = "nonce"
    REPLAY = "replay"
    # Not the token's fault: the keys, or the database, could not be reached (see the view).
    KEYS_UNAVAILABLE = "keys_unavailable"
    LOGOUT_FAILED = "logout_failed"


class LogoutRefused(Exception):
    """A back-channel logout request that must be answered with 400; `check` says why."""

    def __init__(self, check: LogoutCheck) -> None:
        super().__init__(check.value)
        self.check = check


@dataclass(frozen=True)
class LogoutToken:
    """What a valid logout token says, and how long its jti must be remembered."""

    sid: str
    jti: str
    sub: str | None
    # Epoch seconds: until then the token would pass every check above, so until then a
    # second use of its jti must be refused; after it, the token is refused as too old or
    # expired anyway.
    replay_window_ends: float


def logout_token_parse(
    token: str, *, issuer: str, client_id: str, jwks_uri: str, now: float | None = None
) -> LogoutToken:
    """The token's content when every check passes; LogoutRefused naming the first that
    fails. The jti is not checked for replay here (that needs the database). Raises
    idporten.http.IdPortenUnavailable when the JWKS cannot be fetched."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise LogoutRefused(LogoutCheck.MALFORMED) from None
    # Only RS256: never "none", never HMAC with a key anyone can guess.
    if header.get("alg") != ALGORITHM:
        raise LogoutRefused(LogoutCheck.ALG)
    typ = header.get("typ")
    if not isinstance(typ, str) or typ.lower() not in LOGOUT_TOKEN_TYPES:
        # Explicit typing keeps an ID token (typ JWT) from passing for a logout token.
        raise LogoutRefused(LogoutCheck.TYP)
    try:
        # The ID token's lookup: the kid in the cached JWKS, fetched again once if unknown.
        key = _signing_key(header, jwks_uri)
    except LoginCheckFailed:
        raise LogoutRefused(LogoutCheck.KID) from None
    try:
        claims = signed_claims(token, key)
    except jwt.InvalidSignatureError:
        raise LogoutRefused(LogoutCheck.SIGNATURE) from None
    except jwt.PyJWTError:
        raise LogoutRefused(LogoutCheck.MALFORMED) from None
    return _checked(claims, issuer=issuer, client_id=client_id, now=now)


def _checked(
    claims: dict[str, Any], *, issuer: str, client_id: str, now: float | None
) -> LogoutToken:
    now = time.time() if now is None else now
    if claims.get("iss") != issuer:
        raise LogoutRefused(LogoutCheck.ISS)
    if client_id not in _audiences(claims):
        raise LogoutRefused(LogoutCheck.AUD)
    iat = claims.get("iat")
    if not _is_number(iat):
        raise LogoutRefused(LogoutCheck.IAT)
    if iat - CLOCK_SKEW_SECONDS > now:
        raise LogoutRefused(LogoutCheck.IAT_IN_FUTURE)
    if iat + MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS < now:
        raise LogoutRefused(LogoutCheck.IAT_TOO_OLD)
    # REQUIRED in Back-Channel Logout 1.0 (final), and ID-porten sends it (iat + 300).
    exp = claims.get("exp")
    if not _is_number(exp):
        raise LogoutRefused(LogoutCheck.EXP)
    if exp + CLOCK_SKEW_SECONDS <= now:
        raise LogoutRefused(LogoutCheck.EXPIRED)
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI_LENGTH:
        raise LogoutRefused(LogoutCheck.JTI)
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_LOGOUT_EVENT), dict):
        raise LogoutRefused(LogoutCheck.EVENTS)
    # The spec allows sub alone; ID-porten always sends sid, and the portal's sessions are
    # found by sid (docs/idporten.md 8.1), so a token without one names nothing to end.
    sid = claims.get("sid")
    if not isinstance(sid, str) or not sid:
        raise LogoutRefused(LogoutCheck.SID)
    # Section 2.4: a nonce is prohibited, so that an ID token cannot pass for a logout token.
    if "nonce" in claims:
        raise LogoutRefused(LogoutCheck.NONCE)
    sub = claims.get("sub")
    return LogoutToken(
        sid=sid,
        jti=jti,
        sub=sub if isinstance(sub, str) else None,
        replay_window_ends=min(exp, iat + MAX_AGE_SECONDS) + CLOCK_SKEW_SECONDS,
    )
