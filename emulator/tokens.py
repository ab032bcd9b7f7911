"""ID tokens and access tokens shaped like ID-porten's (docs/idporten.md 3.4 and 3.5)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from emulator.clock import epoch, now
from emulator.jose import b64url, hs256_signature, rs256_jws, signing_input
from emulator.keys import private_key, signing_key_current
from emulator.models import Grant
from emulator.personas import PersonaWithoutPid, persona_without_pid
from emulator.services import access_token_record
from emulator.types import IdTokenFault, Level, acr_name

WRONG_ISSUER = "https://wrong-issuer.invalid"
ANOTHER_AUDIENCE = "another-client-than-you"
ACR_UNKNOWN = "idporten-loa-unknown"


def pairwise_sub(*, client_id: str, pid: str) -> str:
    """43 characters of base64url, stable per citizen and client, like the new platform's.

    `pid` is what the records hold: a national identity number, or the key of a persona
    without one, whose own identifier (e-mail address, eIDAS PersonIdentifier) the sub is
    made from instead, as ID-porten makes it (docs.digdir.no "oidc_func_emaillogin")."""
    person = persona_without_pid(pid)
    subject = person.subject if person is not None else pid
    digest = hmac.new(
        settings.SECRET_KEY.encode("utf-8"), f"{client_id}\n{subject}".encode(), hashlib.sha256
    ).digest()
    return b64url(digest)


def _jti() -> str:
    return secrets.token_urlsafe(16)


def _citizen_claims(grant: Grant) -> dict[str, Any]:
    """Who logged in, as both tokens name them: sub (pairwise per client), pid and acr. A
    login without a national identity number has no `pid` claim at all (docs/idporten.md
    8.3), not an empty one."""
    claims: dict[str, Any] = {
        "sub": pairwise_sub(client_id=grant.client.client_id, pid=grant.pid),
        # Only a server grant has no level, and it has no citizen either.
        "acr": acr_name(
            Level(cast(int, grant.level)), old_vocabulary=grant.old_acr_vocabulary, amr=grant.amr
        ),
    }
    if persona_without_pid(grant.pid) is None:
        claims["pid"] = grant.pid
    return claims


def _person_claims(person: PersonaWithoutPid, grant: Grant) -> dict[str, Any]:
    """The ID token's claims of a person without a pid. E-mail login: `email`
    (docs.digdir.no "oidc_func_emaillogin"). A foreign eID: `eidas-identitymatch` NOT_FOUND,
    which says why there is no pid, and with the `eidas` scope the four mandatory eIDAS
    attributes (docs.digdir.no "oidc_func_eidas")."""
    if person.is_email:
        return {"email": person.subject}
    claims: dict[str, Any] = {"eidas-identitymatch": "NOT_FOUND"}
    if "eidas" in grant.scope.split():
        claims.update(
            {
                "eidas-personidentifier": person.subject,
                "eidas-firstname": person.first_name,
                "eidas-familyname": person.family_name,
                "eidas-dateofbirth": person.date_of_birth,
            }
        )
    return claims


def access_token_issue(*, grant: Grant, client_amr: str) -> tuple[str, int]:
    """A by-value (JWT) access token and its lifetime in seconds.

    A server grant (the JWT grant) has no citizen, so its token has no sub, pid or acr: the
    APIs tell a server token from a user-bound one by the missing pid (docs/idporten.md 3.5).
    A login without a national identity number has sub and acr, and no pid either.
    """
    client = grant.client
    issued = now()
    lifetime = client.access_token_lifetime
    expires = issued + datetime.timedelta(seconds=lifetime)
    claims = {
        "iss": settings.EMULATOR_ISSUER,
        **(_citizen_claims(grant) if grant.pid else {}),
        "scope": grant.scope,
        "client_id": client.client_id,
        "client_amr": client_amr,
        "consumer": {"authority": "iso6523-actorid-upis", "ID": f"0192:{client.orgno}"},
        "client_orgno": client.orgno,
        "iat": epoch(issued),
        "exp": epoch(expires),
        "jti": _jti(),
    }
    key = signing_key_current()
    token = rs256_jws(claims, key=private_key(key.private_key_pem), kid=key.kid)
    access_token_record(grant=grant, jti=claims["jti"], expires_at=expires)
    return token, lifetime


def id_token_claims(*, grant: Grant) -> dict[str, Any]:
    client = grant.client
    issued = now()
    claims: dict[str, Any] = {
        "iss": settings.EMULATOR_ISSUER,
        "aud": client.client_id,
        **_citizen_claims(grant),
        "amr": [grant.amr],
        "auth_time": epoch(grant.auth_time),
        "iat": epoch(issued),
        "exp": epoch(issued) + client.id_token_lifetime,
        "jti": _jti(),
        "locale": grant.locale,
    }
    person = persona_without_pid(grant.pid)
    if person is not None:
        claims.update(_person_claims(person, grant))
    if grant.nonce:
        claims["nonce"] = grant.nonce
    # In every ID token of a login, as ID-porten does: discovery says the emulator supports
    # front- and back-channel logout by session, whose logout messages name it by this sid.
    if grant.sso_session is not None:
        claims["sid"] = grant.sso_session.sid
    return claims


def _claims_with_fault(claims: dict[str, Any], fault: str, grant: Grant) -> dict[str, Any]:
    claims = dict(claims)
    lifetime = claims["exp"] - claims["iat"]
    match fault:
        case IdTokenFault.WRONG_ISS:
            claims["iss"] = WRONG_ISSUER
        case IdTokenFault.WRONG_AUD:
            claims["aud"] = ANOTHER_AUDIENCE
        case IdTokenFault.MISSING_AUD:
            del claims["aud"]
        case IdTokenFault.MULTIPLE_AUD_WITHOUT_AZP:
            claims["aud"] = [claims["aud"], ANOTHER_AUDIENCE]
        case IdTokenFault.MISSING_SUB:
            del claims["sub"]
        case IdTokenFault.MISSING_IAT:
            del claims["iat"]
        case IdTokenFault.IAT_IN_FUTURE:
            claims["iat"] += 3600
            claims["exp"] = claims["iat"] + lifetime
        case IdTokenFault.EXPIRED:
            claims["iat"] -= 600
            claims["exp"] = claims["iat"] + lifetime
        case IdTokenFault.NONCE_MISMATCH:
            claims["nonce"] = secrets.token_urlsafe(32)
        case IdTokenFault.ACR_UNKNOWN:
            claims["acr"] = ACR_UNKNOWN
        case IdTokenFault.ACR_TOO_LOW:
            # "low" is below every level a client can ask for (substantial and high).
            claims["acr"] = acr_name(Level.LOW, old_vocabulary=grant.old_acr_vocabulary)
    return claims


def _sign_with_fault(claims: dict[str, Any], fault: str | None, grant: Grant) -> str:
    key = signing_key_current()
    rsa_key = private_key(key.private_key_pem)
    match fault:
        case IdTokenFault.ALG_NONE:
            return signing_input({"alg": "none", "typ": "JWT"}, claims) + "."
        case IdTokenFault.ALG_HS256:
            data = signing_input({"alg": "HS256", "typ": "JWT", "kid": key.kid}, claims)
            return f"{data}.{b64url(hs256_signature(grant.client.client_secret, data))}"
        case IdTokenFault.NO_KID:
            return rs256_jws(claims, key=rsa_key, kid=None)
        case IdTokenFault.UNKNOWN_KID:
            unpublished = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return rs256_jws(claims, key=unpublished, kid=f"unpublished-{_jti()}")
        case IdTokenFault.BAD_SIGNATURE:
            token = rs256_jws(claims, key=rsa_key, kid=key.kid)
            data, _, signature = token.rpartition(".")
            # Flip the first signature character to another valid base64url character.
            flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
            return f"{data}.{flipped}"
    return rs256_jws(claims, key=rsa_key, kid=key.kid)


def id_token_issue(*, grant: Grant, fault: str | None = None) -> str:
    claims = id_token_claims(grant=grant)
    if fault is not None:
        claims = _claims_with_fault(claims, fault, grant)
    return _sign_with_fault(claims, fault, grant)
