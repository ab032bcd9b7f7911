"""A complete authorization code flow against the running emulator, checked as a relying
party checks it."""

from __future__ import annotations

import requests

from tests.emulator.support import (
    PORTAL_CLIENT,
    Emulator,
    authorization_request,
    authorize,
    code_token_request,
    decode_verified,
    redirect_params,
    submit_login,
)


def test_it_issues_id_porten_shaped_tokens_for_a_testid_login(emulator: Emulator) -> None:
    result = emulator.code_flow(pid="04899220043", eid="MinID", ui_locales="nn")

    tokens = result.tokens
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 120
    assert tokens["scope"] == "openid profile"
    assert tokens["refresh_token"]
    claims = decode_verified(emulator, tokens["id_token"], audience=PORTAL_CLIENT.client_id)
    assert claims["pid"] == "04899220043"
    assert claims["acr"] == "idporten-loa-substantial"
    assert claims["amr"] == ["Minid-PIN"]
    assert claims["nonce"] == result.request.nonce
    assert claims["locale"] == "nn"
    assert claims["exp"] - claims["iat"] == 120
    assert len(claims["sub"]) == 43 and claims["sub"] != claims["pid"]
    assert claims["sid"] and claims["jti"] and claims["auth_time"] <= claims["iat"]
    assert result.callback["iss"] == emulator.issuer


def test_its_access_token_names_the_citizen_the_client_and_its_organisation(
    emulator: Emulator,
) -> None:
    tokens = emulator.code_flow(pid="15878510035", eid="BankID").tokens

    claims = decode_verified(emulator, tokens["access_token"])
    assert claims["pid"] == "15878510035"
    assert claims["client_id"] == PORTAL_CLIENT.client_id
    assert claims["client_amr"] == "client_secret_basic"
    assert claims["consumer"] == {"authority": "iso6523-actorid-upis", "ID": "0192:991825827"}
    assert claims["client_orgno"] == "991825827"
    assert claims["scope"] == "openid profile"
    assert claims["acr"] == "idporten-loa-high"
    assert claims["exp"] - claims["iat"] == 120


def test_it_answers_the_code_with_state_and_iss(emulator: Emulator) -> None:
    browser = requests.Session()
    request = authorization_request()
    page = authorize(emulator, browser, request)
    assert page.status_code == 200
    response = submit_login(browser, page, pid="15878510035", eid="TestID")
    callback = redirect_params(response)
    assert response.headers["Location"].startswith(PORTAL_CLIENT.redirect_uri)
    assert callback["state"] == request.state
    assert callback["iss"] == emulator.issuer
    assert code_token_request(emulator, request, callback["code"]).status_code == 200
