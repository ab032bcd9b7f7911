"""The server-to-server JWT grant (RFC 7523) of ID-porten's old OIDC provider (docs/idporten.md 4).

A client posts `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and an `assertion`:
a JWT it signed (RS256 only) with its enterprise certificate, sent in the `x5c` header, or
with a key registered beforehand, named by `kid`. The assertion is the client's whole
authentication; no client secret is sent. Errors follow Maskinporten's, the old provider's
successor (docs/idporten.md 4): HTTP 400 with `invalid_request`, `invalid_grant` or
`invalid_scope` and a description that names the one check that failed.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import IntegrityError, transaction

from emulator.clock import epoch, now
from emulator.models import Client, Grant, UsedAssertion
from emulator.pki import (
    EXPIRED,
    ChainError,
    Subscriber,
    certificate_orgno,
    chain_verify,
    has_digital_signature_usage,
    trusted_ca_load,
)
from emulator.selectors import client_get, token_hash
from emulator.services import GrantError, grant_type_check

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# "ID-porten godtar kun maks levetid på jwt'en til 120 sekunder (exp - iat <= 120)"
# (docs/idporten.md 4).
MAX_ASSERTION_LIFETIME = 120
# Clients' clocks drift; a few seconds either way is tolerated for iat and exp.
CLOCK_SKEW = 10
# Maskinporten refuses login scopes in the JWT grant (MP-201): a server token has no citizen.
SCOPES_NOT_FOR_SERVERS = frozenset({"openid", "profile"})
REQUIRED_CLAIMS = ("aud", "iss", "scope", "iat", "exp")
# An x5c chain longer than this is not an enterprise certificate's.
MAX_CHAIN_LENGTH = 5

# client_amr of the issued token (docs/idporten.md 3.5): how the client proved who it is.
AMR_ENTERPRISE_CERTIFICATE = "virksomhetssertifikat"
AMR_REGISTERED_KEY = "private_key_jwt"

INVALID = "Invalid assertion."
AUTHENTICATION_FAILED = "Invalid assertion. Client authentication failed."


def _request_error(description: str) -> GrantError:
    return GrantError("invalid_request", f"{INVALID} {description}")


def _grant_error(description: str) -> GrantError:
    return GrantError("invalid_grant", f"{AUTHENTICATION_FAILED} {description}")


@dataclass(frozen=True)
class ServerAuthorization:
    """What a valid assertion proves: this client, authenticated this way, asks for scope."""

    client: Client
    client_amr: str
    scope: str


def jwt_bearer_clients() -> list[Subscriber]:
    """The registered clients of the JWT grant: the test PKI issues each a certificate."""
    # JSONField `contains` does not work on SQLite, so the grant types are filtered here.
    return [
        Subscriber(client.client_id, client.orgno, client.organisation_name)
        for client in Client.objects.all()
        if JWT_BEARER in client.grant_types
    ]


def _header(assertion: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise _request_error("The assertion is not a well-formed JWT.") from None
    if header.get("alg") != "RS256":
        # "RS256 - Vi støtter kun RSA-SHA256" (docs/idporten.md 4).
        raise _request_error(f"Only RS256 is supported, not alg {header.get('alg')!r}.")
    if "x5c" not in header and "kid" not in header:
        raise _request_error("Either 'kid' or 'x5c' must be present in the JWT header.")
    return header


def _unverified_claims(assertion: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise _request_error("The assertion is not a well-formed JWT.") from None
    missing = [name for name in REQUIRED_CLAIMS if name not in claims]
    if missing:
        raise _request_error(f"Missing claims: {', '.join(missing)}.")
    numeric = all(
        isinstance(claims[name], int | float) and not isinstance(claims[name], bool)
        for name in ("iat", "exp")
    )
    if not numeric or not isinstance(claims["iss"], str) or not isinstance(claims["scope"], str):
        raise _request_error(
            "Invalid parameter value: iat and exp must be numbers, iss and scope strings."
        )
    return claims


def _x5c_chain(header: dict[str, Any]) -> list[x509.Certificate]:
    """The x5c certificates, leaf first: base64 (not base64url) DER, RFC 7515 4.1.6."""
    entries = header["x5c"]
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_CHAIN_LENGTH:
        raise _grant_error("Invalid JWT header x5c: a list of 1 to 5 certificates is expected.")
    try:
        return [
            x509.load_der_x509_certificate(base64.b64decode(entry, validate=True))
            for entry in entries
        ]
    except (TypeError, ValueError, binascii.Error):
        raise _grant_error("Invalid JWT header x5c: not base64 DER certificates.") from None


def _registered_key(client: Client, kid: object) -> rsa.RSAPublicKey:
    jwk = next((key for key in client.jwks if key.get("kid") == kid), None)
    if jwk is None:
        raise _grant_error(f"Unknown kid {kid!r}: no such key is registered for the client.")
    key = jwt.PyJWK(jwk, algorithm="RS256").key
    if not isinstance(key, rsa.RSAPublicKey):
        raise _grant_error(f"The key {kid!r} registered for the client is not an RSA key.")
    return key


def _signature_verify(assertion: str, key: rsa.RSAPublicKey) -> None:
    try:
        jwt.PyJWS().decode(assertion, key=key, algorithms=["RS256"])
    except jwt.InvalidSignatureError:
        raise GrantError("invalid_grant", f"{INVALID} Invalid JWT signature.") from None
    except jwt.PyJWTError:
        raise _request_error("The assertion is not a well-formed JWT.") from None


def _audience_check(aud: object) -> None:
    # The issuer exactly, as the old provider had it (the provider's issuer, docs/idporten.md 4);
    # ID-porten's documentation does not say it took other spellings, so neither does the
    # emulator.
    issuer = settings.EMULATOR_ISSUER
    if aud != issuer and not (isinstance(aud, list) and issuer in aud):
        raise _grant_error(f"Invalid JWT claim aud: it must be the issuer {issuer}.")


def _lifetime_check(claims: dict[str, Any], moment: int) -> None:
    iat, exp = claims["iat"], claims["exp"]
    if not 0 < exp - iat <= MAX_ASSERTION_LIFETIME:
        raise GrantError(
            "invalid_grant",
            f"{INVALID} The JWT lifetime exp - iat must be more than 0 and at most "
            f"{MAX_ASSERTION_LIFETIME} seconds.",
        )
    if exp + CLOCK_SKEW <= moment:
        raise GrantError("invalid_grant", f"{INVALID} JWT is expired.")
    if iat - CLOCK_SKEW > moment:
        raise GrantError("invalid_grant", f"{INVALID} JWT iat is in the future.")


def _certificate_check(chain: list[x509.Certificate], client: Client) -> None:
    trusted = trusted_ca_load(settings.EMULATOR_PKI_DIR)
    if trusted is None:
        raise _grant_error(
            "The JWT is signed with an invalid certificate: the emulator has no test CA "
            "(run emulator_prepare)."
        )
    try:
        leaf = chain_verify(chain, trusted=trusted, at=now())
    except ChainError as error:
        if error.reason == EXPIRED:
            raise _grant_error(f"Expired key: {error.description}.") from None
        raise _grant_error(
            f"The JWT is signed with an invalid certificate: {error.description}."
        ) from None
    if not has_digital_signature_usage(leaf):
        raise _grant_error(
            "The JWT is signed with an invalid certificate: its key usage does not include "
            "digitalSignature."
        )
    orgno = certificate_orgno(leaf)
    if orgno != client.orgno:
        raise GrantError(
            "invalid_grant",
            "Invalid organization number for client. Does not match certificate orgno "
            f"(certificate {orgno or 'none'}, client {client.orgno}).",
        )


def _scope_check(scope: str, client: Client) -> None:
    requested = scope.split()
    if not requested:
        raise GrantError("invalid_scope", "Token request contains no scope.")
    not_for_servers = sorted(SCOPES_NOT_FOR_SERVERS.intersection(requested))
    if not_for_servers:
        raise GrantError(
            "invalid_scope",
            f"Token request contains scopes not allowed for the JWT grant: "
            f"{' '.join(not_for_servers)}.",
        )
    invalid = [name for name in requested if name not in client.scopes]
    if invalid:
        raise GrantError(
            "invalid_scope",
            f"Token request contains invalid scopes for client: {' '.join(invalid)}.",
        )


def _replay_key(claims: dict[str, Any], assertion: str) -> str:
    # Without a jti, "sammenligne en hash-verdi av jwt'en" (docs/idporten.md 4): the whole
    # assertion.
    jti = claims.get("jti")
    material = f"jti:{jti}" if isinstance(jti, str) and jti else f"assertion:{assertion}"
    return token_hash(material)


def assertion_spend(*, client: Client, replay_key: str, expires_at: datetime.datetime) -> None:
    """Record a used assertion; a second use within its lifetime is a replay."""
    UsedAssertion.objects.filter(expires_at__lte=now()).delete()
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(
                client=client, replay_key=replay_key, expires_at=expires_at
            )
    except IntegrityError:
        raise GrantError(
            "invalid_grant", f"{INVALID} Grant is used before: the assertion (jti) was replayed."
        ) from None


def assertion_verify(*, assertion: str) -> ServerAuthorization:
    """Every check of the JWT grant, in the order that gives the most precise error."""
    if not assertion:
        raise GrantError("invalid_request", "assertion is required.")
    header = _header(assertion)
    claims = _unverified_claims(assertion)
    client = client_get(client_id=claims["iss"])
    if client is None:
        raise _grant_error(f"Unknown client {claims['iss']!r} (the iss claim).")
    grant_type_check(client, JWT_BEARER)
    chain: list[x509.Certificate] = []
    if "x5c" in header:
        chain = _x5c_chain(header)
        key = chain[0].public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise _grant_error("Invalid JWT header x5c: the certificate's key is not an RSA key.")
    else:
        key = _registered_key(client, header["kid"])
    _signature_verify(assertion, key)
    _audience_check(claims["aud"])
    current = now()
    moment = epoch(current)
    _lifetime_check(claims, moment)
    if chain:
        _certificate_check(chain, client)
    _scope_check(claims["scope"], client)
    assertion_spend(
        client=client,
        replay_key=_replay_key(claims, assertion),
        expires_at=current + datetime.timedelta(seconds=claims["exp"] + CLOCK_SKEW - moment),
    )
    return ServerAuthorization(
        client, AMR_ENTERPRISE_CERTIFICATE if chain else AMR_REGISTERED_KEY, claims["scope"]
    )


def server_grant_create(*, authorization: ServerAuthorization) -> Grant:
    """A grant without a citizen, living as long as the one access token issued for it."""
    moment = now()
    client = authorization.client
    return Grant.objects.create(
        client=client,
        pid="",
        scope=authorization.scope,
        level=None,
        amr=authorization.client_amr,
        auth_time=moment,
        locale="",
        created_at=moment,
        expires_at=moment + datetime.timedelta(seconds=client.access_token_lifetime),
    )
