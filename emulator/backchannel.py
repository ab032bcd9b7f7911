"""Back-channel logout, as ID-porten sends it (docs/idporten.md 8.1; OpenID Connect
Back-Channel Logout 1.0, https://openid.net/specs/openid-connect-backchannel-1_0.html).

When an SSO session ends at /endsession, every client of it registered with a
`backchannel_logout_uri` gets a POST, `application/x-www-form-urlencoded`, with one
`logout_token`: an RS256 JWT with `typ` `logout+jwt`. Like ID-porten: one attempt per client,
2 s to connect and 5 s to read, any 2xx accepted, anything else logged and not retried. The
clients are called in parallel and a failure never fails the logout, so /endsession waits at
most about one connect and one read timeout, however many clients there are.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

from emulator.clock import epoch, now
from emulator.faults import LogoutTokenFault, fault_take
from emulator.jose import b64url, rs256_signature, signing_input
from emulator.keys import private_key, signing_key_current
from emulator.models import Client, SsoSession
from emulator.tokens import ANOTHER_AUDIENCE, pairwise_sub
from emulator.types import Endpoint

logger = logging.getLogger(__name__)

BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_TYPE = "logout+jwt"  # noqa: S105 (a media type, not a secret)
# ID-porten's example has exp = iat + 300; the emulator's tokens are short-lived throughout.
LOGOUT_TOKEN_LIFETIME = datetime.timedelta(seconds=120)
CONNECT_TIMEOUT_SECONDS = 2.0
READ_TIMEOUT_SECONDS = 5.0
MAX_PARALLEL_SENDS = 8

# The last jti sent to each client, for the replayed_jti fault. In memory: the emulator runs
# as one process, and a restart forgetting it is harmless.
_last_jti: dict[str, str] = {}
_last_jti_lock = threading.Lock()


@dataclass(frozen=True)
class Delivery:
    """The logout tokens for one client, POSTed one after the other (two only with
    replayed_jti when the client has had no token before)."""

    client_id: str
    uri: str
    tokens: tuple[str, ...]


def logout_token_claims(*, client: Client, sso: SsoSession) -> dict[str, Any]:
    issued = now()
    return {
        "iss": settings.EMULATOR_ISSUER,
        "aud": client.client_id,
        "sub": pairwise_sub(client_id=client.client_id, pid=sso.pid),
        "iat": epoch(issued),
        "exp": epoch(issued + LOGOUT_TOKEN_LIFETIME),
        "jti": secrets.token_urlsafe(24),
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
        "sid": sso.sid,
    }


def _claims_with_fault(
    claims: dict[str, Any], fault: str | None, previous_jti: str | None
) -> dict[str, Any]:
    claims = dict(claims)
    match fault:
        case LogoutTokenFault.WRONG_AUD:
            claims["aud"] = ANOTHER_AUDIENCE
        case LogoutTokenFault.NO_EVENTS:
            del claims["events"]
        case LogoutTokenFault.REPLAYED_JTI if previous_jti is not None:
            claims["jti"] = previous_jti
        case LogoutTokenFault.NONCE:
            claims["nonce"] = secrets.token_urlsafe(16)
        case LogoutTokenFault.NO_SID:
            del claims["sid"]
    return claims


def logout_token_sign(claims: dict[str, Any], *, bad_signature: bool = False) -> str:
    key = signing_key_current()
    header = {"alg": "RS256", "typ": LOGOUT_TOKEN_TYPE, "kid": key.kid}
    data = signing_input(header, claims)
    signature = b64url(rs256_signature(private_key(key.private_key_pem), data))
    if bad_signature:
        # Flip the first signature character to another valid base64url character.
        signature = ("B" if signature[0] == "A" else "A") + signature[1:]
    return f"{data}.{signature}"


def _delivery(client: Client, sso: SsoSession) -> Delivery:
    """The client's logout token, with the oldest queued logout-token fault applied."""
    taken = fault_take(endpoint=Endpoint.ENDSESSION, among=tuple(LogoutTokenFault))
    fault = taken.fault if taken is not None else None
    with _last_jti_lock:
        previous_jti = _last_jti.get(client.client_id)
        claims = _claims_with_fault(
            logout_token_claims(client=client, sso=sso), fault, previous_jti
        )
        _last_jti[client.client_id] = claims["jti"]
    token = logout_token_sign(claims, bad_signature=fault == LogoutTokenFault.BAD_SIGNATURE)
    replay_now = fault == LogoutTokenFault.REPLAYED_JTI and previous_jti is None
    return Delivery(
        client.client_id, client.backchannel_logout_uri, (token, token) if replay_now else (token,)
    )


def _post(delivery: Delivery) -> None:
    for token in delivery.tokens:
        try:
            response = requests.post(
                delivery.uri,
                data={"logout_token": token},
                timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
                allow_redirects=False,
            )
        except Exception as error:  # a timeout, a refused connection, a bad URI: all logged
            logger.warning(
                "event=backchannel_logout_failed client_id=%s reason=%s",
                delivery.client_id,
                type(error).__name__,
            )
            continue
        if 200 <= response.status_code < 300:
            logger.info(
                "event=backchannel_logout_sent client_id=%s status=%d",
                delivery.client_id,
                response.status_code,
            )
        else:
            logger.warning(
                "event=backchannel_logout_refused client_id=%s status=%d",
                delivery.client_id,
                response.status_code,
            )


def backchannel_logouts_send(*, sso: SsoSession, clients: Sequence[Client]) -> None:
    """POST a logout token to every client with a backchannel_logout_uri; returns when every
    attempt has been answered or has timed out. Never raises for a client's failure."""
    deliveries = [
        _delivery(client, sso)
        for client in sorted(clients, key=lambda client: client.client_id)
        if client.backchannel_logout_uri
    ]
    if not deliveries:
        return
    with ThreadPoolExecutor(max_workers=min(len(deliveries), MAX_PARALLEL_SENDS)) as pool:
        # list(): wait for all; _post catches every failure of its own.
        list(pool.map(_post, deliveries))
