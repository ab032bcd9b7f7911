"""The JWT grant's client side: the assertion, the stored token, one fetch under concurrency.
The token endpoint is stubbed at the HTTP session here; test_authlevel_e2e.py uses the emulator.
"""

from __future__ import annotations

import base64
import threading
import time
from unittest import mock

import jwt
import pytest
from cryptography import x509

from idporten import server_token
from idporten.discovery import ProviderMetadata
from idporten.http import IdPortenUnavailable
from idporten.models import ServerToken
from idporten.server_token import (
    ServerTokenUnavailable,
    assertion_for,
    forget_server_token,
    server_access_token,
)
from tests.authlevel.credentials import make_keystore

pytestmark = pytest.mark.django_db(transaction=True)

SCOPE = "global/idporten.authlevel.read"
METADATA = ProviderMetadata(
    issuer="https://idporten.example",
    authorization_endpoint="https://idporten.example/authorize",
    token_endpoint="https://idporten.example/token",
    userinfo_endpoint="https://idporten.example/userinfo",
    jwks_uri="https://idporten.example/jwk",
    end_session_endpoint=None,
)


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    path = tmp_path / "agency.p12"
    key = make_keystore(path, "secret-pw")
    settings.IDPORTEN_ISSUER = METADATA.issuer
    settings.IDPORTEN_SERVER_CLIENT_ID = "agency-server-client"
    settings.IDPORTEN_KEYSTORE_PATH = str(path)
    settings.IDPORTEN_KEYSTORE_PASSWORD = "secret-pw"
    server_token._remembered.clear()
    with mock.patch("idporten.server_token.provider_metadata", return_value=METADATA):
        yield key
    server_token._remembered.clear()


def answer(status: int, body: dict) -> mock.Mock:
    response = mock.Mock(status_code=status)
    response.json.return_value = body
    return response


def test_the_assertion_carries_the_chain_and_the_claims_id_porten_wants(keystore):
    now = time.time()
    assertion = assertion_for(scope=SCOPE, now=now)
    header = jwt.get_unverified_header(assertion)
    assert header["alg"] == "RS256"
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    claims = jwt.decode(
        assertion, leaf.public_key(), algorithms=["RS256"], audience=METADATA.issuer
    )
    assert claims["iss"] == "agency-server-client"
    assert claims["aud"] == METADATA.issuer
    assert claims["scope"] == SCOPE
    assert claims["iat"] == int(now)
    assert claims["exp"] - claims["iat"] == 120
    assert len(claims["jti"]) >= 32
    assert assertion_for(scope=SCOPE, now=now) != assertion  # a fresh jti every time


def test_the_grant_is_posted_and_its_token_cached():
    token_answer = answer(200, {"access_token": "t1", "expires_in": 120})
    with mock.patch("idporten.http.SESSION.post", return_value=token_answer) as post:
        assert server_access_token(scope=SCOPE) == "t1"
        assert server_access_token(scope=SCOPE) == "t1"
    post.assert_called_once()
    sent = post.call_args
    assert sent.args[0] == METADATA.token_endpoint
    assert sent.kwargs["data"]["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert sent.kwargs["timeout"]


def test_another_process_uses_the_stored_token_without_a_grant_of_its_own():
    with mock.patch(
        "idporten.http.SESSION.post", return_value=answer(200, {"access_token": "the-token"})
    ) as post:
        assert server_access_token(scope=SCOPE) == "the-token"
        server_token._remembered.clear()  # what a process that has not asked yet knows
        assert server_access_token(scope=SCOPE) == "the-token"
    post.assert_called_once()
    (row,) = ServerToken.objects.all()
    assert b"the-token" not in bytes(row.sealed)  # encrypted at rest


def test_forgetting_the_token_fetches_a_new_one():
    answers = [answer(200, {"access_token": f"t{n}", "expires_in": 120}) for n in (1, 2)]
    with mock.patch("idporten.http.SESSION.post", side_effect=answers):
        assert server_access_token(scope=SCOPE) == "t1"
        forget_server_token(scope=SCOPE)
        assert server_access_token(scope=SCOPE) == "t2"


def test_concurrent_requests_fetch_one_token_between_them():
    calls = []

    def slow_grant(*args, **kwargs):
        calls.append(1)
        time.sleep(0.3)
        return answer(200, {"access_token": "shared", "expires_in": 120})

    results: list[str] = []
    with mock.patch("idporten.http.SESSION.post", side_effect=slow_grant):
        threads = [
            threading.Thread(target=lambda: results.append(server_access_token(scope=SCOPE)))
            for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(calls) == 1
    assert results == ["shared"] * 8


@pytest.mark.parametrize("error", ["invalid_grant", "invalid_scope"])
def test_a_refused_grant_is_logged_with_its_description(error, caplog):
    refused = answer(400, {"error": error, "error_description": "certificate not trusted"})
    with (
        mock.patch("idporten.http.SESSION.post", return_value=refused),
        pytest.raises(ServerTokenUnavailable),
    ):
        server_access_token(scope=SCOPE)
    assert f"event=server_token_refused error={error} description=certificate not trusted" in (
        caplog.text
    )


def test_an_unreachable_token_endpoint_is_unavailable():
    with (
        mock.patch("idporten.http.SESSION.post", return_value=answer(503, {})),
        pytest.raises(IdPortenUnavailable),
    ):
        server_access_token(scope=SCOPE)


def test_without_a_certificate_there_is_no_token(settings):
    settings.IDPORTEN_KEYSTORE_PATH = ""
    with pytest.raises(ServerTokenUnavailable):
        server_access_token(scope=SCOPE)
