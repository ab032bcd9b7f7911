"""Server-to-server access tokens from ID-porten's JWT grant (RFC 7523), signed with the
agency's enterprise certificate (docs/idporten.md section 4).

One token per scope serves every process until shortly before it expires: it is kept in the
database (idporten.models.ServerToken, encrypted), and fetched under that row's lock, so that
when none is valid the first request fetches one and the others, waiting on the lock, use it.
Each process also remembers the token it last read, so a valid one costs no query.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
import uuid

import jwt
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from idporten.credentials import CredentialsError, enterprise_credentials
from idporten.discovery import provider_metadata
from idporten.http import post_to_token_endpoint
from idporten.models import ServerToken
from idporten.sealing import SealBroken, seal, unseal

logger = logging.getLogger(__name__)

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_LIFETIME_SECONDS = 120  # the most ID-porten accepts
# Stop using a cached token this long before it expires, so it is still valid on arrival.
EXPIRY_MARGIN = datetime.timedelta(seconds=20)


class ServerTokenUnavailable(Exception):
    """No server token can be had: not configured, refused by ID-porten, or ID-porten down."""


def _row_key(scope: str) -> str:
    return f"{settings.IDPORTEN_SERVER_CLIENT_ID} {scope}"


# What this process last read or fetched, by row key: (token, usable until).
_remembered: dict[str, tuple[str, datetime.datetime]] = {}
_remembered_lock = threading.Lock()
# This process's threads take turns at the row, as other processes do at its lock (and as
# SQLite, without row locks, needs).
_fetch_lock = threading.Lock()


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
    key = _row_key(scope)
    with _remembered_lock:
        remembered = _remembered.get(key)
    if remembered and remembered[1] > timezone.now():
        return remembered[0]
    with _fetch_lock, transaction.atomic():
        ServerToken.objects.get_or_create(scope=key)
        row = ServerToken.objects.select_for_update().get(scope=key)
        token = _valid(row)
        if token is None or row.expires_at is None:
            token, expires_in = _fetch(scope)
            row.sealed = seal({"access_token": token})
            row.expires_at = timezone.now() + datetime.timedelta(seconds=expires_in)
            row.save(update_fields=["sealed", "expires_at"])
        usable_until: datetime.datetime = row.expires_at - EXPIRY_MARGIN
    with _remembered_lock:
        _remembered[key] = (token, usable_until)
    return token


def _valid(row: ServerToken) -> str | None:
    if row.sealed is None or row.expires_at is None:
        return None
    if row.expires_at - EXPIRY_MARGIN <= timezone.now():
        return None
    try:
        token: str = unseal(row.sealed)["access_token"]
    except SealBroken:
        return None
    return token


def forget_server_token(*, scope: str) -> None:
    """After a 401 from an API: the stored token is no good, fetch a new one next time."""
    key = _row_key(scope)
    with _remembered_lock:
        _remembered.pop(key, None)
    ServerToken.objects.filter(scope=key).update(sealed=None, expires_at=None)
