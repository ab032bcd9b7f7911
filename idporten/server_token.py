"""Server-to-server access tokens from ID-porten's JWT grant (RFC 7523), signed with the
agency's enterprise certificate (docs/idporten.md section 4).

Tokens are cached in the Django cache, so every process (on every machine, with Redis) shares
one, until shortly before they expire. When none is cached, concurrent requests fetch one
between them, not one each: the first takes a lock, the others wait for its token.
"""

from __future__ import annotations

import logging
import time
import uuid

import jwt
from django.conf import settings
from django.core.cache import cache

from idporten.credentials import CredentialsError, enterprise_credentials
from idporten.discovery import provider_metadata
from idporten.http import IdPortenUnavailable, post_to_token_endpoint

logger = logging.getLogger(__name__)

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_LIFETIME_SECONDS = 120  # the most ID-porten accepts
# Stop using a cached token this long before it expires, so it is still valid on arrival.
EXPIRY_MARGIN_SECONDS = 20
LOCK_SECONDS = 10


class ServerTokenUnavailable(Exception):
    """No server token can be had: not configured, refused by ID-porten, or ID-porten down."""


def _cache_key(scope: str) -> str:
    return f"idporten:server-token:{settings.IDPORTEN_SERVER_CLIENT_ID}:{scope}"


def assertion_for(*, scope: str, now: float | None = None) -> str:
    """The signed JWT that asks for a token: the certificate chain in x5c, a fresh jti."""
    credentials = enterprise_credentials()
    if credentials is None:
        raise ServerTokenUnavailable("no enterprise certificate is configured")
    issued_at = int(time.time() if now is None else now)
    claims = {
        "aud": settings.IDPORTEN_ISSUER,
        "iss": settings.IDPORTEN_SERVER_CLIENT_ID,
        "scope": scope,
        "iat": issued_at,
        "exp": issued_at + ASSERTION_LIFETIME_SECONDS,
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(
        claims, credentials.private_key, algorithm="RS256", headers={"x5c": list(credentials.x5c)}
    )


def _fetch(scope: str) -> tuple[str, int]:
    try:
        assertion = assertion_for(scope=scope)
    except CredentialsError as exc:
        raise ServerTokenUnavailable(str(exc)) from exc
    status, body = post_to_token_endpoint(
        provider_metadata().token_endpoint, {"grant_type": GRANT_TYPE, "assertion": assertion}
    )
    if status != 200 or not isinstance(body.get("access_token"), str):
        # invalid_grant, invalid_scope ...: our configuration or certificate, not the citizen.
        logger.error(
            "event=server_token_refused error=%s description=%s",
            body.get("error", "unknown"),
            body.get("error_description", ""),
        )
        raise ServerTokenUnavailable(body.get("error", "refused"))
    expires_in = body.get("expires_in")
    return body["access_token"], expires_in if isinstance(expires_in, int) else 120


def server_access_token(*, scope: str) -> str:
    """A valid server token for `scope`. Raises ServerTokenUnavailable or IdPortenUnavailable."""
    key = _cache_key(scope)
    token: str | None = cache.get(key)
    if token:
        return token
    lock = f"{key}:lock"
    deadline = time.monotonic() + LOCK_SECONDS
    while not cache.add(lock, "1", LOCK_SECONDS):
        time.sleep(0.05)
        token = cache.get(key)
        if token:
            return token
        if time.monotonic() > deadline:
            raise IdPortenUnavailable("timed out waiting for another request's server token")
    try:
        token = cache.get(key)  # fetched while we waited for the lock
        if token:
            return token
        token, expires_in = _fetch(scope)
        cache.set(key, token, max(1, expires_in - EXPIRY_MARGIN_SECONDS))
        return token
    finally:
        cache.delete(lock)


def forget_server_token(*, scope: str) -> None:
    """After a 401 from an API: the cached token is no good, fetch a new one next time."""
    cache.delete(_cache_key(scope))
