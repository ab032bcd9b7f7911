"""The JWT grant at /token, against the running emulator, with certificates from its test PKI.

Good assertions are signed with the PKCS#12 file that `emulator_pki` wrote for the portal's
server client; bad certificates are made here with the same emulator.pki functions, so nothing
test-only ships in the emulator.
"""

from __future__ import annotations

import datetime
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from emulator.pki import (
    Issued,
    ca_create,
    ca_load,
    enterprise_certificate_issue,
    key_usage,
)
from tests.emulator.support import (
    JWT_BEARER,
    PORTAL_CLIENT,
    SERVER_CLIENT_ID,
    Emulator,
    EnterpriseCertificate,
    decode_verified,
    jwt_assertion,
    jwt_grant_request,
    server_credentials,
    server_token,
)

ORGNO = "991825827"
NAME = "DIGITALISERINGSDIREKTORATET"
KEY_ENCIPHERMENT_ONLY = key_usage("key_encipherment")


def _trusted_ca(emulator: Emulator) -> Issued:
    ca = ca_load(emulator.server.pki_dir)
    assert ca is not None
    return ca


def _certificate(issued: Issued, *intermediates: Issued) -> EnterpriseCertificate:
    return EnterpriseCertificate(
        issued.key, [issued.certificate, *(ca.certificate for ca in intermediates)]
    )


def _signed(emulator: Emulator, credentials: EnterpriseCertificate, **claims: Any) -> str:
    return jwt_assertion(emulator, credentials.key, header={"x5c": credentials.x5c}, **claims)


def _assert_refused(response: requests.Response, error: str, phrase: str) -> str:
    assert response.status_code == 400, response.text
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert body["error"] == error, body
    assert phrase in body["error_description"], body
    return body["error_description"]


def _register_kid_client(
    emulator: Emulator,
    key: rsa.RSAPrivateKey,
    kid: str,
    client_id: str = "test-registered-key-client",
    **fields: Any,
) -> str:
    jwk = {**jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": kid}
    emulator.register_client(
        **{
            "client_id": client_id,
            "orgno": "974760673",
            "organisation_name": "REGISTERENHETEN I BRØNNØYSUND",
            "service_name": "REGISTERENHETEN I BRØNNØYSUND",
            "scopes": ["global/idporten.authlevel.read"],
            "grant_types": [JWT_BEARER],
            "token_endpoint_auth_methods": ["private_key_jwt"],
            "jwks": [jwk],
            **fields,
        }
    )
    return client_id


def test_it_answers_a_pkcs12_signed_assertion_with_a_server_token(emulator: Emulator) -> None:
    credentials = server_credentials(emulator)

    response = jwt_grant_request(emulator, _signed(emulator, credentials))

    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 120
    assert body["scope"] == "global/idporten.authlevel.read"
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    claims = decode_verified(emulator, body["access_token"])
    assert claims["client_id"] == SERVER_CLIENT_ID
    assert claims["scope"] == "global/idporten.authlevel.read"
    assert claims["client_orgno"] == ORGNO
    assert claims["consumer"] == {"authority": "iso6523-actorid-upis", "ID": f"0192:{ORGNO}"}
    assert claims["client_amr"] == "virksomhetssertifikat"
    assert claims["exp"] - claims["iat"] == 120
    assert claims["jti"]
    assert not {"pid", "sub", "acr"} & set(claims)


def test_it_records_the_server_token_like_every_access_token(emulator: Emulator) -> None:
    jti = jwt.decode(server_token(emulator), options={"verify_signature": False})["jti"]

    with closing(sqlite3.connect(emulator.server.database_path)) as connection:
        row = connection.execute(
            "SELECT g.pid, g.level, g.revoked_at FROM emulator_accesstoken t"
            " JOIN emulator_grant g ON g.id = t.grant_id WHERE t.jti = ?",
            (jti,),
        ).fetchone()

    assert row == ("", None, None)


def test_it_accepts_the_leaf_certificate_alone_as_the_old_example_client_sends(
    emulator: Emulator,
) -> None:
    credentials = server_credentials(emulator)
    leaf_only = EnterpriseCertificate(credentials.key, credentials.chain[:1])

    response = jwt_grant_request(emulator, _signed(emulator, leaf_only))

    assert response.status_code == 200, response.text


def test_it_follows_a_chain_through_an_intermediate_ca(emulator: Emulator) -> None:
    intermediate = ca_create(common_name="Intermediate", issuer=_trusted_ca(emulator))
    leaf = enterprise_certificate_issue(issuer=intermediate, orgno=ORGNO, organisation_name=NAME)

    response = jwt_grant_request(emulator, _signed(emulator, _certificate(leaf, intermediate)))

    assert response.status_code == 200, response.text


def test_it_accepts_an_assertion_signed_with_a_registered_key_named_by_kid(
    emulator: Emulator,
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client_id = _register_kid_client(emulator, key, "key-2026")
    assertion = jwt_assertion(emulator, key, header={"kid": "key-2026"}, client_id=client_id)

    response = jwt_grant_request(emulator, assertion)

    assert response.status_code == 200, response.text
    claims = decode_verified(emulator, response.json()["access_token"])
    assert claims["client_id"] == client_id
    assert claims["client_orgno"] == "974760673"
    assert claims["client_amr"] == "private_key_jwt"


def test_a_server_token_is_introspected_revoked_and_expired_like_any_access_token(
    emulator: Emulator,
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    # A client that also has a secret, so that it may call /tokeninfo and /revoke.
    client_id = _register_kid_client(
        emulator,
        key,
        "key-1",
        client_id="test-server-client-with-secret",
        client_secret="introspection-secret",
        token_endpoint_auth_methods=["private_key_jwt", "client_secret_basic"],
    )
    token, later = (
        jwt_grant_request(
            emulator, jwt_assertion(emulator, key, header={"kid": "key-1"}, client_id=client_id)
        ).json()["access_token"]
        for _ in range(2)
    )
    auth = (client_id, "introspection-secret")

    def introspect(access_token: str) -> dict[str, Any]:
        return requests.post(
            f"{emulator.url}/tokeninfo", data={"token": access_token}, auth=auth, timeout=10
        ).json()

    active = introspect(token)
    assert active["active"] is True
    assert active["client_id"] == client_id
    assert active["scope"] == "global/idporten.authlevel.read"
    assert "pid" not in active
    revoked = requests.post(f"{emulator.url}/revoke", data={"token": token}, auth=auth, timeout=10)
    assert revoked.status_code == 200
    assert introspect(token) == {"active": False}
    assert introspect(later)["active"] is True
    emulator.shift_clock(121)
    assert introspect(later) == {"active": False}


def test_it_refuses_a_replayed_jti_even_in_another_assertion(emulator: Emulator) -> None:
    credentials = server_credentials(emulator)
    first = _signed(emulator, credentials, jti="once-only")
    assert jwt_grant_request(emulator, first).status_code == 200

    _assert_refused(jwt_grant_request(emulator, first), "invalid_grant", "Grant is used before")
    again = _signed(emulator, credentials, jti="once-only", lifetime=60)
    _assert_refused(jwt_grant_request(emulator, again), "invalid_grant", "Grant is used before")


def test_it_refuses_a_replayed_assertion_without_jti_by_its_hash(emulator: Emulator) -> None:
    credentials = server_credentials(emulator)
    assertion = _signed(emulator, credentials, jti=None)
    assert jwt_grant_request(emulator, assertion).status_code == 200

    _assert_refused(jwt_grant_request(emulator, assertion), "invalid_grant", "used before")
    other = _signed(emulator, credentials, jti=None, lifetime=90)
    assert jwt_grant_request(emulator, other).status_code == 200


def test_a_clock_a_year_ahead_finds_the_certificate_expired(emulator: Emulator) -> None:
    credentials = server_credentials(emulator)
    emulator.shift_clock(366 * 24 * 3600)

    response = jwt_grant_request(emulator, _signed(emulator, credentials))

    _assert_refused(response, "invalid_grant", "Expired key")


@pytest.fixture
def pki_restored_afterwards(emulator: Emulator, tmp_path: Path) -> Iterator[Path]:
    """The session's PKI directory, put back as it was after the test: other tests (and the
    portal's cached credentials) keep using the certificates made at start."""
    pki = emulator.server.pki_dir
    backup = tmp_path / "pki-backup"
    shutil.copytree(pki, backup)
    yield pki
    shutil.rmtree(pki, ignore_errors=True)
    shutil.copytree(backup, pki)


def test_it_trusts_a_recreated_pki_and_only_that(
    emulator: Emulator, pki_restored_afterwards: Path
) -> None:
    old = server_credentials(emulator)
    shutil.rmtree(pki_restored_afterwards)

    recreated = emulator.server.manage("emulator_pki", "--verbosity=0")

    assert recreated.returncode == 0, recreated.stderr
    new = server_credentials(emulator)
    assert jwt_grant_request(emulator, _signed(emulator, new)).status_code == 200
    _assert_refused(
        jwt_grant_request(emulator, _signed(emulator, old)), "invalid_grant", "trusted CA"
    )


@pytest.mark.parametrize("fault", ["http_503", "malformed_json"])
def test_token_faults_apply_to_the_grant_without_spending_the_assertion(
    emulator: Emulator, fault: str
) -> None:
    assertion = _signed(emulator, server_credentials(emulator))
    emulator.fault("token", fault)

    faulty = jwt_grant_request(emulator, assertion)

    with pytest.raises(ValueError):
        faulty.json()
    assert jwt_grant_request(emulator, assertion).status_code == 200


def test_a_dropped_connection_applies_to_the_grant_too(emulator: Emulator) -> None:
    emulator.fault("token", "drop_connection")

    with pytest.raises(requests.ConnectionError):
        jwt_grant_request(emulator, _signed(emulator, server_credentials(emulator)))


# --- Every refusal, each with a description of its own -----------------------------------


def _another_ca(emulator: Emulator) -> str:
    stranger = enterprise_certificate_issue(
        issuer=ca_create(common_name="Some other CA"), orgno=ORGNO, organisation_name=NAME
    )
    return _signed(emulator, _certificate(stranger))


def _leaf_of_the_trusted_ca(**fields: Any) -> Callable[[Emulator], str]:
    """An assertion signed with a certificate of the emulator's own CA, with these fields."""

    def build(emulator: Emulator) -> str:
        leaf = enterprise_certificate_issue(
            issuer=_trusted_ca(emulator), **{"orgno": ORGNO, "organisation_name": NAME, **fields}
        )
        return _signed(emulator, _certificate(leaf))

    return build


A_YEAR_AND_MORE_AGO = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=400)


def _bad_signature(emulator: Emulator) -> str:
    credentials = server_credentials(emulator)
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt_assertion(emulator, impostor, header={"x5c": credentials.x5c})


def _unknown_kid(emulator: Emulator) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client_id = _register_kid_client(emulator, key, "key-2026")
    return jwt_assertion(emulator, key, header={"kid": "key-1999"}, client_id=client_id)


def _claims(*, header: dict[str, Any] | None = None, **claims: Any) -> Callable[[Emulator], str]:
    """An assertion of the server client with these claims; x5c unless `header` is given."""

    def build(emulator: Emulator) -> str:
        credentials = server_credentials(emulator)
        signed_header = {"x5c": credentials.x5c} if header is None else header
        return jwt_assertion(emulator, credentials.key, header=signed_header, **claims)

    return build


def _hs256(emulator: Emulator) -> str:
    now = emulator.now()
    claims = {"aud": emulator.issuer, "iss": SERVER_CLIENT_ID, "iat": now, "exp": now + 60}
    return jwt.encode(
        {**claims, "scope": "global/idporten.authlevel.read"},
        "a-shared-secret-of-32-bytes-long!",
        algorithm="HS256",
        headers={"kid": "x"},
    )


@dataclass(frozen=True)
class Refusal:
    build: Callable[[Emulator], str]
    error: str
    phrase: str


REFUSALS: dict[str, Refusal] = {
    "bad signature": Refusal(_bad_signature, "invalid_grant", "Invalid JWT signature"),
    "wrong aud": Refusal(_claims(aud="https://another.example"), "invalid_grant", "claim aud"),
    # 1970, with a lifetime of 100 s: expired long ago, and for no other reason.
    "expired": Refusal(_claims(iat=0, exp=100), "invalid_grant", "JWT is expired"),
    "lifetime too long": Refusal(_claims(lifetime=121), "invalid_grant", "at most 120 seconds"),
    "iat in the future": Refusal(
        _claims(iat=4_000_000_000, exp=4_000_000_060), "invalid_grant", "in the future"
    ),
    "untrusted chain": Refusal(_another_ca, "invalid_grant", "does not lead to a trusted CA"),
    "expired certificate": Refusal(
        _leaf_of_the_trusted_ca(not_before=A_YEAR_AND_MORE_AGO), "invalid_grant", "Expired key"
    ),
    "wrong key usage": Refusal(
        _leaf_of_the_trusted_ca(usage=KEY_ENCIPHERMENT_ONLY), "invalid_grant", "digitalSignature"
    ),
    "wrong organisation": Refusal(
        _leaf_of_the_trusted_ca(orgno="889640782", organisation_name="NAV"),
        "invalid_grant",
        "Invalid organization number for client",
    ),
    "unknown client": Refusal(_claims(iss="nobody-knows-me"), "invalid_grant", "Unknown client"),
    "unknown kid": Refusal(_unknown_kid, "invalid_grant", "Unknown kid"),
    "scope not allowed": Refusal(
        _claims(scope="idporten:user.log.all.read"), "invalid_scope", "invalid scopes for client"
    ),
    "login scope": Refusal(
        _claims(scope="openid global/idporten.authlevel.read"),
        "invalid_scope",
        "not allowed for the JWT grant: openid",
    ),
    "empty scope": Refusal(_claims(scope=" "), "invalid_scope", "no scope"),
    "malformed assertion": Refusal(lambda _: "not.a-jwt", "invalid_request", "not a well-formed"),
    "missing claims": Refusal(
        _claims(aud=None, exp=None), "invalid_request", "Missing claims: aud, exp"
    ),
    "claims of the wrong type": Refusal(
        _claims(iat="yesterday"), "invalid_request", "must be numbers"
    ),
    "not RS256": Refusal(_hs256, "invalid_request", "Only RS256"),
    "neither kid nor x5c": Refusal(_claims(header={}), "invalid_request", "Either 'kid' or 'x5c'"),
    "x5c not base64 DER": Refusal(
        _claims(header={"x5c": ["%%%"]}), "invalid_grant", "Invalid JWT header x5c"
    ),
    "a client of other grants": Refusal(
        _claims(iss=PORTAL_CLIENT.client_id), "unauthorized_client", "may not use"
    ),
}


@pytest.mark.parametrize("cause", REFUSALS)
def test_it_refuses_each_bad_assertion_with_the_reason(emulator: Emulator, cause: str) -> None:
    refusal = REFUSALS[cause]

    response = jwt_grant_request(emulator, refusal.build(emulator))

    _assert_refused(response, refusal.error, refusal.phrase)


def test_every_refusal_has_a_description_of_its_own(emulator: Emulator) -> None:
    descriptions = {
        jwt_grant_request(emulator, refusal.build(emulator)).json()["error_description"]
        for refusal in REFUSALS.values()
    }

    assert len(descriptions) == len(REFUSALS)


def test_it_asks_for_the_assertion(emulator: Emulator) -> None:
    response = requests.post(f"{emulator.url}/token", data={"grant_type": JWT_BEARER}, timeout=10)

    _assert_refused(response, "invalid_request", "assertion is required")


def test_it_takes_the_issuer_exactly_not_with_a_trailing_slash(emulator: Emulator) -> None:
    assertion = _signed(emulator, server_credentials(emulator), aud=emulator.issuer + "/")

    _assert_refused(jwt_grant_request(emulator, assertion), "invalid_grant", "claim aud")


@pytest.mark.parametrize(
    "aud",
    ["token endpoint", "token endpoint in a list", "issuer with a slash in a list"],
)
def test_it_refuses_every_audience_but_the_issuer(emulator: Emulator, aud: str) -> None:
    """The token endpoint's URL is no audience either (docs/idporten.md 8.4)."""
    token_endpoint = f"{emulator.issuer}/token"
    value = {
        "token endpoint": token_endpoint,
        "token endpoint in a list": [token_endpoint],
        "issuer with a slash in a list": [emulator.issuer + "/", token_endpoint],
    }[aud]
    assertion = _signed(emulator, server_credentials(emulator), aud=value)

    _assert_refused(jwt_grant_request(emulator, assertion), "invalid_grant", "claim aud")


def test_the_grant_answer_has_no_refresh_token(emulator: Emulator) -> None:
    assertion = _signed(emulator, server_credentials(emulator))

    body = jwt_grant_request(emulator, assertion).json()

    assert "refresh_token" not in body and "refresh_token_expires_in" not in body
