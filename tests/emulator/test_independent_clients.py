"""Well-known OIDC client libraries, written by others, complete the whole code flow against a
live emulator over real HTTP: Authlib (Python) and openid-client (Node). Where the emulator's
own tests could share its misreadings of the specifications, these clients do not."""

from __future__ import annotations

import json
import secrets
import subprocess
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from tests.emulator.api_support import unseeded_pid
from tests.emulator.support import ROOT, TIMEOUT, Emulator, RegisteredClient

# A synthetic person no other test uses; the hint logs them in headlessly. Not a persona: every
# login here adds a row to the person's login log under a test client, and the browser tests,
# which share the emulator, print the personas' newest logins.
PID = unseeded_pid(28)
LOGIN_HINT = f"testid:{PID}_idporten-loa-substantial"
LOGGED_OUT = "http://127.0.0.1:9/logged-out"


def register(emulator: Emulator) -> RegisteredClient:
    """A fresh client per test, so that no test sees another's tokens or sessions."""
    client = RegisteredClient(
        f"indep-{secrets.token_hex(4)}", secrets.token_urlsafe(16), "http://127.0.0.1:9/cb"
    )
    emulator.register(
        client,
        grant_types=["authorization_code", "refresh_token"],
        post_logout_redirect_uris=[LOGGED_OUT],
    )
    return client


def discovery(emulator: Emulator) -> dict[str, Any]:
    url = f"{emulator.issuer}/.well-known/openid-configuration"
    metadata: dict[str, Any] = requests.get(url, timeout=TIMEOUT).json()
    return metadata


@dataclass
class AuthlibLogin:
    session: OAuth2Session
    metadata: dict[str, Any]
    nonce: str
    callback: dict[str, str]
    token: dict[str, Any]


def authlib_login(emulator: Emulator, client: RegisteredClient) -> AuthlibLogin:
    """Authlib's authorization URL, the emulator's headless login, then Authlib's token call."""
    metadata = discovery(emulator)
    session = OAuth2Session(
        client.client_id,
        client.client_secret,
        scope="openid profile",
        redirect_uri=client.redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    nonce = secrets.token_urlsafe(16)
    code_verifier = secrets.token_urlsafe(48)
    url, state = session.create_authorization_url(
        metadata["authorization_endpoint"],
        nonce=nonce,
        code_verifier=code_verifier,
        login_hint=LOGIN_HINT,
    )
    redirect = requests.get(url, allow_redirects=False, timeout=TIMEOUT)
    assert redirect.status_code == 302, redirect.text
    location = redirect.headers["Location"]
    assert location.startswith(client.redirect_uri)
    callback = {k: v for k, (v,) in parse_qs(urlsplit(location).query).items()}
    assert callback["state"] == state
    token = session.fetch_token(
        metadata["token_endpoint"], authorization_response=location, code_verifier=code_verifier
    )
    return AuthlibLogin(session, metadata, nonce, callback, dict(token))


def validated_id_token(login: AuthlibLogin) -> CodeIDToken:
    """The ID token checked as strictly as OIDC Core 3.1.3.7 asks: an RS256 signature by a key
    of jwks_uri, then Authlib's claim checks (iss, aud, exp, iat, nonce, azp, at_hash)."""
    metadata, client_id = login.metadata, login.session.client_id
    keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=TIMEOUT).json())
    decoded = jwt.decode(login.token["id_token"], keys, registry=JWSRegistry(algorithms=["RS256"]))
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        options={
            "iss": {"essential": True, "value": metadata["issuer"]},
            "aud": {"essential": True, "value": client_id},
        },
        params={
            "nonce": login.nonce,
            "client_id": client_id,
            "access_token": login.token["access_token"],
        },
    )
    claims.validate(leeway=0)
    return claims


def active(session: OAuth2Session, metadata: dict[str, Any], token: str) -> bool:
    response = session.introspect_token(metadata["introspection_endpoint"], token=token)
    assert response.status_code == 200, response.text
    is_active: bool = response.json()["active"]
    return is_active


def assert_sent_back_logged_out(logout: requests.Response) -> None:
    """The logout page sends the browser on to the client's post_logout_redirect_uri."""
    assert logout.status_code == 200, logout.text
    assert f'content="0; url={LOGGED_OUT}?state=bye"' in logout.text


def test_authlib_completes_the_code_flow_refresh_introspection_revocation_and_logout(
    emulator: Emulator,
):
    client = register(emulator)
    login = authlib_login(emulator, client)
    metadata, session = login.metadata, login.session

    # RFC 9207: Authlib does not check the callback's iss, so the test does.
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert login.callback["iss"] == metadata["issuer"] == emulator.issuer

    claims = validated_id_token(login)
    assert (claims["pid"], claims["acr"]) == (PID, "idporten-loa-substantial")

    userinfo = session.get(metadata["userinfo_endpoint"], timeout=TIMEOUT)
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["sub"] == claims["sub"]

    old_refresh_token = login.token["refresh_token"]
    refreshed = session.refresh_token(metadata["token_endpoint"], refresh_token=old_refresh_token)
    assert refreshed["access_token"] != login.token["access_token"]
    assert refreshed["refresh_token"] != old_refresh_token

    access_token = refreshed["access_token"]
    introspection = session.introspect_token(
        metadata["introspection_endpoint"], token=access_token, token_type_hint="access_token"
    )
    assert introspection.status_code == 200, introspection.text
    assert introspection.json()["active"] is True
    assert (introspection.json()["sub"], introspection.json()["pid"]) == (claims["sub"], PID)

    revocation = session.revoke_token(
        metadata["revocation_endpoint"], token=access_token, token_type_hint="access_token"
    )
    assert revocation.status_code == 200, revocation.text
    assert not active(session, metadata, access_token)

    # Rotation: the spent refresh token is refused, and its reuse ends the whole login's
    # tokens (RFC 9700 4.14.2), the rotated refresh token too.
    assert active(session, metadata, refreshed["refresh_token"])
    with pytest.raises(OAuthError) as refused:
        session.refresh_token(metadata["token_endpoint"], refresh_token=old_refresh_token)
    assert refused.value.error == "invalid_grant"
    assert not active(session, metadata, refreshed["refresh_token"])

    logout = requests.get(
        metadata["end_session_endpoint"],
        params={
            "id_token_hint": login.token["id_token"],
            "post_logout_redirect_uri": LOGGED_OUT,
            "state": "bye",
        },
        timeout=TIMEOUT,
    )
    assert_sent_back_logged_out(logout)


@pytest.mark.parametrize(
    "fault",
    [
        "wrong_iss",
        "wrong_aud",
        "missing_aud",
        "multiple_aud_without_azp",
        "missing_sub",
        "missing_iat",
        "iat_in_future",
        "expired",
        "bad_signature",
        "alg_none",
        "alg_hs256",
        "unknown_kid",
        "nonce_mismatch",
    ],
)
def test_authlib_validation_refuses_a_faulty_id_token(emulator: Emulator, fault: str):
    """Proof that the validation above is strict: each lying ID token is refused."""
    emulator.fault("token", fault)
    login = authlib_login(emulator, register(emulator))

    with pytest.raises(JoseError):
        validated_id_token(login)


def openid_client_flow(
    emulator: Emulator, client: RegisteredClient
) -> subprocess.CompletedProcess[str]:
    script = ROOT / "tests" / "emulator" / "openid_client_flow.mjs"
    args = [emulator.issuer, client.client_id, client.client_secret, client.redirect_uri]
    return subprocess.run(
        ["node", str(script), *args, PID, LOGGED_OUT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_openid_client_completes_the_code_flow_refresh_introspection_revocation_and_logout(
    emulator: Emulator,
):
    run = openid_client_flow(emulator, register(emulator))
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)

    assert summary["callback_iss"] == emulator.issuer
    assert (summary["pid"], summary["acr"]) == (PID, "idporten-loa-substantial")
    assert summary["userinfo_sub"] == summary["sub"]
    assert summary["refreshed_differs"] is True
    assert (summary["introspection_active"], summary["introspection_sub"]) == (True, summary["sub"])
    assert summary["active_after_revocation"] is False

    assert summary["end_session_url"].startswith(discovery(emulator)["end_session_endpoint"] + "?")
    assert_sent_back_logged_out(requests.get(summary["end_session_url"], timeout=TIMEOUT))


@pytest.mark.parametrize(
    ("endpoint", "fault", "reason"),
    [
        # RFC 9207: the callback names another issuer, or none though discovery promises it.
        ("authorize", "wrong_iss_param", 'unexpected "iss" (issuer) response parameter value'),
        ("authorize", "no_iss_param", 'response parameter "iss" (issuer) missing'),
        ("token", "bad_signature", "JWT signature verification failed"),
        ("token", "wrong_aud", 'unexpected JWT "aud" (audience) claim value'),
        ("token", "nonce_mismatch", 'unexpected ID Token "nonce" claim value'),
    ],
)
def test_openid_client_refuses_a_lying_emulator(
    emulator: Emulator, endpoint: str, fault: str, reason: str
):
    emulator.fault(endpoint, fault)
    run = openid_client_flow(emulator, register(emulator))
    assert run.returncode == 1, run.stderr
    assert json.loads(run.stdout)["reason"] == reason
