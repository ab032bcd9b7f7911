"""Two rules of a careful relying party that the library does not make: an authorization
response without `iss` is refused when ID-porten promises one (RFC 9207 2.4), and the signed ID
token's claims win over userinfo's, which may only add claims."""

from __future__ import annotations

import contextlib
import json
import logging
from unittest import mock

import pytest
import requests
from django.conf import settings
from django.test import Client

from idporten.backend import IdPortenBackend
from idporten.discovery import ProviderMetadata

pytestmark = pytest.mark.django_db


def metadata(*, iss_supported: bool) -> ProviderMetadata:
    issuer = settings.IDPORTEN_ISSUER
    return ProviderMetadata(
        issuer=issuer,
        authorization_endpoint=f"{issuer}/authorize",
        token_endpoint=f"{issuer}/token",
        userinfo_endpoint=f"{issuer}/userinfo",
        jwks_uri=f"{issuer}/jwk",
        end_session_endpoint=None,
        authorization_response_iss_parameter_supported=iss_supported,
    )


def callback_without_iss(caplog: pytest.LogCaptureFixture, *, iss_supported: bool) -> str:
    """The log of a callback with a known state and a code, but no `iss`."""
    client = Client()
    session = client.session
    session["oidc_states"] = {"the-state": {"nonce": "n", "code_verifier": "v" * 43}}
    session.save()
    caplog.set_level(logging.INFO)
    # A RuntimeError means it got past the iss check, to the token exchange.
    with (
        mock.patch(
            "idporten.views.provider_metadata",
            return_value=metadata(iss_supported=iss_supported),
        ),
        mock.patch("idporten.backend.provider_metadata", side_effect=RuntimeError("no further")),
        contextlib.suppress(RuntimeError),
    ):
        client.get("/oidc/callback/", {"state": "the-state", "code": "the-code"})
    return caplog.text


def test_a_response_without_iss_is_refused_when_id_porten_sends_iss(caplog):
    assert "check=iss_param" in callback_without_iss(caplog, iss_supported=True)


def test_a_response_without_iss_goes_on_when_the_provider_never_sends_it(caplog):
    assert "check=iss_param" not in callback_without_iss(caplog, iss_supported=False)


def test_the_id_tokens_claims_win_over_userinfos():
    id_token_claims = {
        "sub": "s",
        "pid": "15878510035",
        "acr": "idporten-loa-substantial",
        "amr": ["MinID"],
        "sid": "sid-1",
        "auth_time": 1,
    }
    userinfo = {
        "sub": "s",
        "pid": "04899220043",
        "acr": "idporten-loa-high",
        "amr": ["BankID"],
        "sid": "sid-2",
        "auth_time": 2,
        "locale": "nb",
    }
    answer = requests.Response()
    answer.status_code = 200
    answer._content = json.dumps(userinfo).encode()
    backend = IdPortenBackend()
    backend.OIDC_OP_USER_ENDPOINT = "https://idporten.example/userinfo"
    with mock.patch("idporten.backend.get", return_value=answer):
        merged = backend.get_userinfo("access", "id", id_token_claims)
    assert {name: merged[name] for name in id_token_claims} == id_token_claims
    assert merged["locale"] == "nb"  # what userinfo adds is kept
