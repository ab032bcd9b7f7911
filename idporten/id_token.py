"""Full verification of ID-porten's ID tokens.

mozilla-django-oidc checks the signature, exp and nonce but not iss, aud, sub or iat, and
crashes on a token without kid (docs/idporten.md section 9). Every check
here has a name, so a refused login can be logged and explained by the check that failed.
OpenID Connect Core 1.0 section 3.1.3.7 lists them.
"""

from __future__ import annotations

import hmac
import time
from typing import Any, TypeGuard

import jwt

from idporten.documents import PublishedDocument
from idporten.http import IdPortenUnavailable, get_json
from idporten.types import LevelOfAssurance, level_of

ALGORITHM = "RS256"
# Clocks drift: allow this much either way on exp and iat.
CLOCK_SKEW_SECONDS = 30
JWKS_CACHE_SECONDS = 60 * 60


class LoginCheckFailed(Exception):
    """A check on ID-porten's answer failed. `check` names it for logs and tests."""

    def __init__(self, check: str, detail: str = "") -> None:
        super().__init__(f"{check}: {detail}" if detail else check)
        self.check = check
        self.detail = detail


def _fetch_keys(jwks_uri: str) -> list[dict[str, Any]]:
    document = get_json(jwks_uri, upstream="jwks")
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise IdPortenUnavailable("JWKS document has no keys")
    return [key for key in document["keys"] if isinstance(key, dict)]


def _signing_keys(keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only RSA signing keys can verify an RS256 signature."""
    return [
        key
        for key in keys
        if key.get("kty") == "RSA"
        and key.get("use", "sig") == "sig"
        and key.get("alg", ALGORITHM) == ALGORITHM
    ]


KEY_SETS = PublishedDocument(
    name="jwks", seconds=JWKS_CACHE_SECONDS, fetch=_fetch_keys, parse=_signing_keys
)


def _signing_key(header: dict[str, Any], jwks_uri: str) -> jwt.PyJWK:
    kid = header.get("kid")
    if kid is None:
        # Allowed by the spec when the choice is unambiguous, and only then.
        keys = KEY_SETS.get(jwks_uri)
        if len(keys) != 1:
            raise LoginCheckFailed("kid", f"no kid, and {len(keys)} keys are published")
        return jwt.PyJWK(keys[0], algorithm=ALGORITHM)
    # An unknown kid usually means ID-porten rotated its keys: fetch them again, once (and
    # once for every login that finds the same copy wanting at the same time).
    keys = KEY_SETS.get(jwks_uri)
    if not any(key.get("kid") == kid for key in keys):
        keys = KEY_SETS.get(jwks_uri, replacing=keys)
    for key in keys:
        if key.get("kid") == kid:
            return jwt.PyJWK(key, algorithm=ALGORITHM)
    raise LoginCheckFailed("kid", "kid not published")


def _audiences(claims: dict[str, Any]) -> list[str]:
    aud = claims.get("aud")
    if isinstance(aud, str):
        return [aud]
    if isinstance(aud, list) and all(isinstance(item, str) for item in aud):
        return aud
    return []


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def signed_claims(token: str, key: Any) -> dict[str, Any]:
    """The payload once the RS256 signature holds, its claims left for the caller to check one
    by one, each by name. Raises PyJWT's errors (InvalidSignatureError for the signature)."""
    claims: dict[str, Any] = jwt.decode(
        token,
        key=key,
        algorithms=[ALGORITHM],
        options={
            "verify_exp": False,
            "verify_iat": False,
            "verify_nbf": False,
            "verify_aud": False,
            "verify_iss": False,
        },
    )
    return claims


def verify_id_token(
    token: str,
    *,
    issuer: str,
    client_id: str,
    jwks_uri: str,
    nonce: str,
    required_level: LevelOfAssurance,
    now: float | None = None,
) -> dict[str, Any]:
    """The token's claims when every check passes; LoginCheckFailed naming the first that fails."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise LoginCheckFailed("malformed") from None
    # Only RS256: never "none", never HMAC with the client secret as the key.
    if header.get("alg") != ALGORITHM:
        raise LoginCheckFailed("alg", f"alg {header.get('alg')!r}")
    key = _signing_key(header, jwks_uri)
    try:
        claims = signed_claims(token, key)
    except jwt.InvalidSignatureError:
        raise LoginCheckFailed("signature") from None
    except jwt.PyJWTError:
        raise LoginCheckFailed("malformed") from None

    now = time.time() if now is None else now
    if claims.get("iss") != issuer:
        raise LoginCheckFailed("iss")
    audiences = _audiences(claims)
    if client_id not in audiences:
        raise LoginCheckFailed("aud")
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise LoginCheckFailed("azp")
    exp = claims.get("exp")
    if not _is_number(exp) or exp + CLOCK_SKEW_SECONDS <= now:
        raise LoginCheckFailed("exp")
    iat = claims.get("iat")
    if not _is_number(iat) or iat - CLOCK_SKEW_SECONDS > now:
        raise LoginCheckFailed("iat")
    token_nonce = claims.get("nonce")
    if not isinstance(token_nonce, str) or not hmac.compare_digest(token_nonce, nonce):
        raise LoginCheckFailed("nonce")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise LoginCheckFailed("sub")
    level = level_of(claims.get("acr"))
    if level is None:
        raise LoginCheckFailed("acr", "unknown acr")
    if level < required_level:
        raise LoginCheckFailed("acr", "below the requested level")
    return claims
