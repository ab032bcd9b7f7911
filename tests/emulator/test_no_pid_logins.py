"""Logins without a national identity number at the TestID page (docs/idporten.md 8.2, 8.3):
e-mail login and a foreign eID (eIDAS) that ID-porten could not match to a number. Their
tokens and userinfo carry no `pid`, and their `sub` is pairwise and stable per person."""

from __future__ import annotations

import secrets
from typing import Any

import jwt
import pytest
import requests

from tests.emulator.api_support import assert_bearer_refused
from tests.emulator.support import (
    NAV_DEMO_CLIENT,
    PORTAL_CLIENT,
    Emulator,
    RegisteredClient,
    authorization_request,
    authorize,
    code_token_request,
    decode_verified,
    redirect_params,
    submit_login,
)

EMAIL = "Selfregistered-email"
KARI, OLA, ERIKA = "email-kari", "email-ola", "eidas-erika"
EMAIL_ONLY = "selfregistered-email"
EMAIL_OR_SUBSTANTIAL = "selfregistered-email idporten-loa-substantial"


def _login(
    emulator: Emulator,
    *,
    client: RegisteredClient = PORTAL_CLIENT,
    acr_values: str = EMAIL_ONLY,
    scope: str = "openid profile",
    **form: str,
) -> dict[str, Any]:
    """The token response of a login with this TestID form."""
    browser = requests.Session()
    request = authorization_request(client, acr_values=acr_values, scope=scope, ui_locales="en")
    page = authorize(emulator, browser, request)
    response = submit_login(browser, page, **form)
    callback = redirect_params(response)
    token_response = code_token_request(emulator, request, callback["code"])
    assert token_response.status_code == 200, token_response.text
    return token_response.json()


def _id_token(emulator: Emulator, tokens: dict[str, Any], client=PORTAL_CLIENT) -> dict:
    return decode_verified(emulator, tokens["id_token"], audience=client.client_id)


def _access_token(emulator: Emulator, tokens: dict[str, Any]) -> dict:
    return decode_verified(emulator, tokens["access_token"])


def _userinfo(emulator: Emulator, tokens: dict[str, Any]) -> requests.Response:
    return requests.get(
        f"{emulator.url}/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    )


def test_an_email_login_carries_acr_amr_and_email_and_no_pid_anywhere(emulator: Emulator):
    tokens = _login(emulator, eid=EMAIL, person=KARI)

    id_token = _id_token(emulator, tokens)
    assert id_token["acr"] == "selfregistered-email"
    assert id_token["amr"] == ["Selfregistered-email"]
    assert id_token["email"] == "kari.nordmann@example.com"
    assert "pid" not in id_token
    access = _access_token(emulator, tokens)
    assert "pid" not in access
    assert (access["sub"], access["acr"]) == (id_token["sub"], "selfregistered-email")
    userinfo = _userinfo(emulator, tokens)
    assert userinfo.status_code == 200
    assert userinfo.json() == {
        "sub": id_token["sub"],
        "locale": "en",
        "email": "kari.nordmann@example.com",
    }


def test_the_sub_is_stable_per_person_and_pairwise_per_client(emulator: Emulator):
    kari = _id_token(emulator, _login(emulator, eid=EMAIL, person=KARI))["sub"]
    again = _id_token(emulator, _login(emulator, eid=EMAIL, person=KARI))["sub"]
    ola = _id_token(emulator, _login(emulator, eid=EMAIL, person=OLA))["sub"]
    nav_tokens = _login(emulator, client=NAV_DEMO_CLIENT, eid=EMAIL, person=KARI)
    at_nav = _id_token(emulator, nav_tokens, NAV_DEMO_CLIENT)["sub"]

    assert kari == again
    assert len({kari, ola, at_nav}) == 3


def test_email_login_needs_the_service_to_ask_for_it(emulator: Emulator):
    browser = requests.Session()
    page = authorize(emulator, browser, authorization_request(ui_locales="en"))

    response = submit_login(browser, page, eid=EMAIL, person=KARI)

    assert response.status_code == 400
    assert "asks for security level substantial (level 3)" in response.text
    assert "Selfregistered-email gives no level of assurance (e-mail)" in response.text
    assert 'href="#id_eid_0"' in response.text


def test_asked_for_with_substantial_both_kinds_of_login_work(emulator: Emulator):
    email = _login(emulator, acr_values=EMAIL_OR_SUBSTANTIAL, eid=EMAIL, person=KARI)
    minid = _login(emulator, acr_values=EMAIL_OR_SUBSTANTIAL, eid="MinID", pid="04899220043")

    assert _id_token(emulator, email)["acr"] == "selfregistered-email"
    minid_claims = _id_token(emulator, minid)
    assert (minid_claims["acr"], minid_claims["pid"]) == ("idporten-loa-substantial", "04899220043")


def test_the_page_says_the_service_accepts_email_login(emulator: Emulator):
    page = authorize(
        emulator, requests.Session(), authorization_request(acr_values=EMAIL_ONLY, ui_locales="en")
    )

    assert "accepts e-mail login, which has no security level" in page.text
    assert "kari.nordmann@example.com (e-mail login)" in page.text
    assert 'value="Selfregistered-email"' in page.text and 'value="eIDAS"' in page.text


@pytest.mark.parametrize(("level", "acr"), [("substantial", "eidas"), ("high", "eidas-high")])
def test_a_foreign_eid_without_a_number_gets_its_eidas_acr_and_no_pid(
    emulator: Emulator, level: str, acr: str
):
    tokens = _login(
        emulator, acr_values="idporten-loa-substantial", eid="eIDAS", person=ERIKA, level=level
    )

    claims = _id_token(emulator, tokens)
    assert claims["acr"] == {"eidas": "eidas-loa-substantial", "eidas-high": "eidas-loa-high"}[acr]
    assert claims["amr"] == ["eIDAS"]
    assert claims["eidas-identitymatch"] == "NOT_FOUND"
    assert "pid" not in claims and "pid" not in _access_token(emulator, tokens)
    # The eIDAS attributes come only with the eidas scope (docs.digdir.no "oidc_func_eidas").
    assert "eidas-personidentifier" not in claims
    assert "pid" not in _userinfo(emulator, tokens).json()


def test_with_the_eidas_scope_the_mandatory_attributes_come_too(emulator: Emulator):
    client = RegisteredClient(
        f"eidas-client-{secrets.token_hex(4)}", "eidas-secret", "http://127.0.0.1:5599/cb"
    )
    emulator.register(client, scopes=["openid", "profile", "eidas"])
    browser = requests.Session()
    request = authorization_request(client, scope="openid eidas")
    page = authorize(emulator, browser, request)
    callback = redirect_params(submit_login(browser, page, eid="eIDAS", person=ERIKA))
    tokens = code_token_request(emulator, request, callback["code"]).json()

    claims = _id_token(emulator, tokens, client)
    assert {name: claims[name] for name in claims if name.startswith("eidas-")} == {
        "eidas-identitymatch": "NOT_FOUND",
        "eidas-personidentifier": "DE/NO/EM19640812",
        "eidas-firstname": "Erika",
        "eidas-familyname": "Mustermann",
        "eidas-dateofbirth": "1964-08-12",
    }
    assert "refresh_token" not in tokens


def test_in_the_old_vocabulary_a_foreign_eid_is_level3(emulator: Emulator):
    tokens = _login(emulator, acr_values="Level3", eid="eIDAS", person=ERIKA)

    assert _id_token(emulator, tokens)["acr"] == "Level3"


def test_a_button_logs_in_as_a_person_without_a_number_with_their_eid(emulator: Emulator):
    email = _login(emulator, persona=OLA, eid="BankID")
    eidas = _login(emulator, acr_values="idporten-loa-high", persona=ERIKA, level="high")

    assert _id_token(emulator, email)["email"] == "ola.nordmann@example.org"
    assert _id_token(emulator, eidas)["acr"] == "eidas-loa-high"


@pytest.mark.parametrize(
    "form",
    [
        {"eid": EMAIL},
        {"eid": EMAIL, "person": ERIKA},
        {"eid": "eIDAS", "person": KARI},
        {"eid": EMAIL, "person": "nobody"},
    ],
    ids=["no person", "eidas person for e-mail", "e-mail person for eidas", "unknown"],
)
def test_it_asks_for_a_person_of_the_right_kind(emulator: Emulator, form: dict[str, str]):
    browser = requests.Session()
    page = authorize(emulator, browser, authorization_request(acr_values=EMAIL_ONLY))

    response = submit_login(browser, page, **form)

    assert response.status_code == 400
    assert 'href="#id_person_0"' in response.text


def test_the_pid_field_is_not_needed_for_them_but_still_is_for_national_eids(emulator: Emulator):
    browser = requests.Session()
    page = authorize(emulator, browser, authorization_request(ui_locales="en"))

    response = submit_login(browser, page, eid="MinID", person=KARI)

    assert response.status_code == 400
    assert "Enter a national identity number" in response.text


def test_the_login_log_keeps_them_apart_and_the_history_api_refuses_their_token(
    emulator: Emulator,
):
    before = len(emulator.login_events(KARI))
    tokens = _login(
        emulator, eid=EMAIL, person=KARI, scope="openid profile idporten:user.log.all.read"
    )

    events = emulator.login_events(KARI)
    assert len(events) == before + 1
    assert events[0]["eid"] == "Selfregistered-email"
    # The API serves a citizen by the token's pid (emulator/bearer.py): none, none served.
    response = requests.get(
        f"{emulator.url}/innlogginger/logg/idporten/all",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    )
    assert_bearer_refused(response, 403, "insufficient_scope")
    assert "it has no pid" in response.json()["error_description"]
    assert "pid" not in jwt.decode(tokens["access_token"], options={"verify_signature": False})
