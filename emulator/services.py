"""Writes of the emulator: clients, logins and their log, SSO sessions, grants and codes."""

from __future__ import annotations

import datetime
import functools
import json
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import jwt
from django.db import transaction
from django.db.models import QuerySet

from emulator.clock import now
from emulator.jose import verified_claims
from emulator.models import (
    AccessToken,
    AuthorizationCode,
    Client,
    Grant,
    LoginEvent,
    PendingAuthorization,
    Person,
    RefreshToken,
    SsoSession,
)
from emulator.pkce import pkce_s256_matches, pkce_verifier_is_well_formed
from emulator.seeding import GeneratedLogin
from emulator.selectors import token_hash
from emulator.types import Level

# ID-porten's SSO: "30 minutter, men kan forlenges uten brukerinteraksjon inntil maksimalt
# 120 minutter" (docs/idporten.md 3.6).
SSO_IDLE_LIFETIME = datetime.timedelta(minutes=30)
SSO_MAX_LIFETIME = datetime.timedelta(minutes=120)
# RFC 6749 10.5 recommends at most ten minutes; ID-porten's codes are short-lived.
CODE_LIFETIME = datetime.timedelta(seconds=60)
PENDING_AUTHORIZATION_LIFETIME = datetime.timedelta(minutes=30)

CLIENT_FIELDS = (
    "client_secret",
    "redirect_uris",
    "post_logout_redirect_uris",
    "frontchannel_logout_uri",
    "frontchannel_logout_session_required",
    "backchannel_logout_uri",
    "orgno",
    "organisation_name",
    "service_name",
    "scopes",
    "grant_types",
    "token_endpoint_auth_methods",
    "access_token_lifetime",
    "id_token_lifetime",
    "refresh_token_lifetime",
    "authorization_lifetime",
    "jwks",
)
SECRET_AUTH_METHODS = frozenset({"client_secret_basic", "client_secret_post"})


class ClientDefinitionError(ValueError):
    pass


class GrantError(Exception):
    """An RFC 6749 section 5.2 error of the token endpoint (and of revocation, RFC 7009 2.2.1)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def grant_type_check(client: Client, grant_type: str) -> None:
    """Raises GrantError unless the client is registered for the grant type."""
    if grant_type not in client.grant_types:
        raise GrantError("unauthorized_client", f"The client may not use the {grant_type} grant.")


class ReplayDetected(Exception):
    def __init__(self, grant: Grant, description: str) -> None:
        super().__init__(description)
        self.grant = grant
        self.description = description


def client_upsert(*, definition: dict[str, Any]) -> Client:
    client_id = definition.get("client_id")
    if not isinstance(client_id, str) or not client_id:
        raise ClientDefinitionError("client_id is required")
    unknown = set(definition) - {"client_id", *CLIENT_FIELDS}
    if unknown:
        raise ClientDefinitionError(f"unknown fields: {', '.join(sorted(unknown))}")
    client = Client.objects.filter(client_id=client_id).first() or Client(client_id=client_id)
    for field in CLIENT_FIELDS:
        if field in definition:
            setattr(client, field, definition[field])
    if not client.orgno:
        raise ClientDefinitionError("orgno is required")
    if SECRET_AUTH_METHODS & set(client.token_endpoint_auth_methods) and not client.client_secret:
        raise ClientDefinitionError("client_secret is required for client_secret_* methods")
    if "authorization_code" in client.grant_types and not client.redirect_uris:
        raise ClientDefinitionError("redirect_uris are required for the authorization_code grant")
    client_jwks_check(client.jwks)
    client.full_clean(validate_unique=False)
    client.save()
    return client


def client_jwks_check(jwks: object) -> None:
    """Registered keys must be RSA public JWKs, each with its own kid (RS256 only,
    docs/idporten.md 4)."""
    if not isinstance(jwks, list):
        raise ClientDefinitionError("jwks must be a list of JWKs")
    kids = [key.get("kid") if isinstance(key, dict) else None for key in jwks]
    if any(not isinstance(kid, str) or not kid for kid in kids) or len(set(kids)) != len(kids):
        raise ClientDefinitionError("every JWK in jwks needs a kid of its own")
    for key in jwks:
        if key.get("kty") != "RSA" or "d" in key:
            raise ClientDefinitionError(f"JWK {key['kid']!r} must be an RSA public key")
        try:
            jwt.PyJWK(key, algorithm="RS256")
        except jwt.PyJWTError as error:
            raise ClientDefinitionError(f"JWK {key['kid']!r} is not usable: {error}") from None


def clients_load_file(*, path: Path) -> list[Client]:
    definitions = json.loads(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        return [client_upsert(definition=definition) for definition in definitions]


# Rows per INSERT when a generated history is written (10,000 logins for the heaviest persona).
HISTORY_BATCH_SIZE = 2000


def person_history_write(*, pid: str, history: Iterable[GeneratedLogin]) -> None:
    """A new person with a generated history (emulator/seeding.py) in the login log."""
    person = Person.objects.create(pid=pid)
    LoginEvent.objects.bulk_create(
        (
            LoginEvent(
                person=person,
                timestamp=login.timestamp,
                service_name=login.service.name,
                eid=login.eid,
                integration_id=login.service.integration_id,
                orgno=login.service.orgno,
            )
            for login in history
        ),
        batch_size=HISTORY_BATCH_SIZE,
    )


def login_event_record(
    *, pid: str, client: Client, eid: str, timestamp: datetime.datetime
) -> LoginEvent:
    person, _ = Person.objects.get_or_create(pid=pid)
    return LoginEvent.objects.create(
        person=person,
        timestamp=timestamp,
        service_name=client.service_name,
        eid=eid,
        integration_id=client.client_id,
        orgno=client.orgno,
    )


def sso_session_start(*, pid: str, level: Level, amr: str) -> SsoSession:
    moment = now()
    return SsoSession.objects.create(
        key=secrets.token_urlsafe(32),
        sid=secrets.token_urlsafe(32),
        pid=pid,
        level=level,
        amr=amr,
        auth_time=moment,
        expires_at=moment + SSO_IDLE_LIFETIME,
    )


def sso_session_end(*, sso: SsoSession) -> list[Client]:
    """End the session and revoke what only it justified; returns the clients to notify.

    ID-porten's logout invalidates tokens that have only openid/profile (docs/idporten.md 3.7):
    grants with API scopes outlive the session.
    """
    moment = now()
    with transaction.atomic():
        sso.ended_at = moment
        sso.save(update_fields=["ended_at"])
        for grant in Grant.objects.filter(sso_session=sso, revoked_at__isnull=True):
            if set(grant.scope.split()) <= {"openid", "profile"}:
                grant_revoke(grant=grant)
        return list(sso.clients.all())


def pending_authorization_create(**fields: Any) -> PendingAuthorization:
    return PendingAuthorization.objects.create(
        key=secrets.token_urlsafe(32),
        expires_at=now() + PENDING_AUTHORIZATION_LIFETIME,
        **fields,
    )


def authorization_complete(*, pending: PendingAuthorization, sso: SsoSession, eid: str) -> str:
    """Grant the pending request from an SSO session, log the login, and return a code."""
    moment = now()
    client = pending.client
    with transaction.atomic():
        grant = Grant.objects.create(
            client=client,
            sso_session=sso,
            pid=sso.pid,
            scope=pending.scope,
            level=sso.level,
            old_acr_vocabulary=pending.old_acr_vocabulary,
            amr=sso.amr,
            auth_time=sso.auth_time,
            locale=pending.locale,
            nonce=pending.nonce,
            created_at=moment,
            expires_at=moment + datetime.timedelta(seconds=client.authorization_lifetime),
        )
        code = secrets.token_urlsafe(32)
        AuthorizationCode.objects.create(
            code_hash=token_hash(code),
            grant=grant,
            redirect_uri=pending.redirect_uri,
            code_challenge=pending.code_challenge,
            expires_at=moment + CODE_LIFETIME,
        )
        sso.clients.add(client)
        # Activity extends the session, never beyond the maximum counted from the login.
        sso.expires_at = min(moment + SSO_IDLE_LIFETIME, sso.auth_time + SSO_MAX_LIFETIME)
        sso.save(update_fields=["expires_at"])
        login_event_record(pid=sso.pid, client=client, eid=eid, timestamp=moment)
        pending.delete()
    return code


def grant_revoke(*, grant: Grant) -> None:
    moment = now()
    grant.revoked_at = moment
    grant.save(update_fields=["revoked_at"])
    grant.access_tokens.filter(revoked_at__isnull=True).update(revoked_at=moment)


_Redeemable = TypeVar("_Redeemable", AuthorizationCode, RefreshToken)


def _issued_to(client: Client, matching: QuerySet[_Redeemable], *, unknown: str) -> _Redeemable:
    """The code or refresh token that `matching` finds, if it was issued to `client`: another
    client's is as unknown as one never issued."""
    stored = matching.select_related("grant", "grant__client").first()
    if stored is None or stored.grant.client_id != client.pk:
        raise GrantError("invalid_grant", unknown)
    return stored


def _revoking_replays(redeem: Callable[..., Grant]) -> Callable[..., Grant]:
    """Revoke the grant of a replayed code or token outside the redeeming transaction, which
    the error rolls back."""

    @functools.wraps(redeem)
    def wrapper(**kwargs: Any) -> Grant:
        try:
            return redeem(**kwargs)
        except ReplayDetected as replay:
            grant_revoke(grant=replay.grant)
            raise GrantError("invalid_grant", replay.description) from None

    return wrapper


@_revoking_replays
def code_redeem(*, client: Client, code: str, redirect_uri: str, code_verifier: str) -> Grant:
    moment = now()
    with transaction.atomic():
        stored = _issued_to(
            client,
            AuthorizationCode.objects.filter(code_hash=token_hash(code)),
            unknown="Unknown authorization code.",
        )
        if stored.used_at is not None:
            # RFC 6749 4.1.2: a reused code revokes the tokens already issued for it.
            raise ReplayDetected(stored.grant, "The authorization code has already been used.")
        if stored.expires_at <= moment:
            raise GrantError("invalid_grant", "The authorization code has expired.")
        if stored.redirect_uri != redirect_uri:
            raise GrantError("invalid_grant", "redirect_uri does not match the authorization.")
        if not code_verifier:
            raise GrantError("invalid_request", "code_verifier is required (PKCE).")
        if not pkce_verifier_is_well_formed(code_verifier) or not pkce_s256_matches(
            verifier=code_verifier, challenge=stored.code_challenge
        ):
            raise GrantError("invalid_grant", "code_verifier does not match code_challenge.")
        stored.used_at = moment
        stored.save(update_fields=["used_at"])
        return stored.grant


def refresh_token_issue(*, grant: Grant) -> tuple[str, int]:
    """A new refresh token and the whole seconds until it expires: the token response's
    refresh_token_expires_in (docs/idporten.md 8.4). Each refresh issues a new one with the
    full lifetime again, so the expiry slides with use, up to the authorization's end."""
    token = secrets.token_urlsafe(32)
    moment = now()
    inactivity_end = moment + datetime.timedelta(seconds=grant.client.refresh_token_lifetime)
    # Inactivity limit, bounded by the authorization's lifetime (docs/idporten.md 3.6).
    expires_at = min(inactivity_end, grant.expires_at)
    RefreshToken.objects.create(token_hash=token_hash(token), grant=grant, expires_at=expires_at)
    return token, max(0, int((expires_at - moment).total_seconds()))


@_revoking_replays
def refresh_token_rotate(*, client: Client, token: str) -> Grant:
    """Spend a refresh token; the caller issues its successor. Reuse revokes the chain."""
    moment = now()
    with transaction.atomic():
        stored = _issued_to(
            client,
            RefreshToken.objects.filter(token_hash=token_hash(token)),
            unknown="Unknown refresh token.",
        )
        grant = stored.grant
        if stored.rotated_at is not None:
            # A rotated token used again means two holders: revoke everything from this login.
            raise ReplayDetected(grant, "The refresh token has already been used.")
        if grant.revoked_at is not None:
            raise GrantError("invalid_grant", "The authorization has been revoked.")
        if stored.expires_at <= moment:
            raise GrantError("invalid_grant", "The refresh token has expired.")
        stored.rotated_at = moment
        stored.save(update_fields=["rotated_at"])
        return grant


def access_token_record(*, grant: Grant, jti: str, expires_at: datetime.datetime) -> None:
    AccessToken.objects.create(grant=grant, jti=jti, expires_at=expires_at)


def _issued_to_another_client() -> GrantError:
    # RFC 7009 2.1: the request is refused, in RFC 6749 5.2's terms (2.2.1), whose invalid_grant
    # names "issued to another client".
    return GrantError("invalid_grant", "The token was issued to another client.")


def token_revoke(*, client: Client, token: str) -> None:
    """RFC 7009: revoke an access or refresh token of this client. Unknown tokens are ignored
    (2.2); another client's are left alone and refused with GrantError (2.1)."""
    refresh = (
        RefreshToken.objects.select_related("grant").filter(token_hash=token_hash(token)).first()
    )
    if refresh is not None:
        if refresh.grant.client_id != client.pk:
            raise _issued_to_another_client()
        grant_revoke(grant=refresh.grant)
        return
    claims = verified_claims(token)
    if not claims or "client_id" not in claims:  # not an access token the emulator signed
        return
    if claims["client_id"] != client.client_id:
        raise _issued_to_another_client()
    AccessToken.objects.filter(jti=claims.get("jti"), revoked_at__isnull=True).update(
        revoked_at=now()
    )
