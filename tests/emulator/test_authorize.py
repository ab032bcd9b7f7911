"""/authorize and the TestID page: what a client may ask, and what it hears back."""

from __future__ import annotations

import pytest
import requests

from tests.emulator.support import (
    NAV_DEMO_CLIENT,
    PORTAL_CLIENT,
    Emulator,
    authorization_request,
    authorize,
    code_token_request,
    decode_verified,
    redirect_params,
    submit_login,
)


def _authorize(emulator: Emulator, **params: str | None) -> requests.Response:
    return authorize(emulator, requests.Session(), authorization_request(**params))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"client_id": "no-such-client"}, "Unknown client_id"),
        ({"client_id": None}, "Unknown client_id"),
        ({"redirect_uri": "http://localhost:8000/evil/"}, "redirect_uri is not registered"),
        ({"redirect_uri": None}, "redirect_uri is not registered"),
    ],
)
def test_it_shows_an_error_page_instead_of_redirecting_to_an_untrusted_uri(
    emulator: Emulator, params: dict[str, str | None], message: str
) -> None:
    response = _authorize(emulator, ui_locales="en", **params)

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert message in response.text


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"response_type": None}, "unsupported_response_type"),
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge": "too-short"}, "invalid_request"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"scope": "openid admin:everything"}, "invalid_scope"),
        ({"acr_values": "idporten-loa-extreme"}, "invalid_request"),
        ({"prompt": "consent"}, "invalid_request"),
        ({"response_mode": "form_post"}, "invalid_request"),
    ],
)
def test_it_sends_bad_requests_back_to_the_client_with_error_state_and_iss(
    emulator: Emulator, params: dict[str, str | None], error: str
) -> None:
    request = authorization_request(**params)
    response = authorize(emulator, requests.Session(), request)

    callback = redirect_params(response)
    assert response.headers["Location"].startswith(PORTAL_CLIENT.redirect_uri)
    assert callback["error"] == error
    assert callback["error_description"]
    assert callback["state"] == request.state
    assert callback["iss"] == emulator.issuer


def test_it_answers_prompt_none_without_a_session_with_login_required(
    emulator: Emulator,
) -> None:
    callback = redirect_params(_authorize(emulator, prompt="none"))

    assert callback["error"] == "login_required"


def test_cancel_returns_access_denied_with_state(emulator: Emulator) -> None:
    browser = requests.Session()
    request = authorization_request()
    page = authorize(emulator, browser, request)

    callback = redirect_params(submit_login(browser, page, cancel="1"))

    assert callback["error"] == "access_denied"
    assert callback["state"] == request.state


@pytest.mark.parametrize(
    ("pid", "message"),
    [
        ("1234", "exactly 11 digits"),
        ("15878510036", "check digits do not match"),
        ("", "Enter a national identity number"),
    ],
)
def test_it_refuses_a_bad_national_identity_number_with_a_clear_message(
    emulator: Emulator, pid: str, message: str
) -> None:
    browser = requests.Session()
    page = authorize(emulator, browser, authorization_request(ui_locales="en"))

    response = submit_login(browser, page, pid=pid, eid="TestID")

    assert response.status_code == 400
    assert message in response.text
    assert 'href="#id_pid"' in response.text
    assert 'aria-invalid="true"' in response.text


def test_it_accepts_d_numbers_and_synthetic_numbers(emulator: Emulator) -> None:
    # A synthetic D-number: day + 40 and month + 80.
    tokens = emulator.code_flow(pid="41890110183", eid="TestID").tokens
    claims = decode_verified(emulator, tokens["id_token"], audience=PORTAL_CLIENT.client_id)

    assert claims["pid"] == "41890110183"


# The TestID page's eIDs by the level they give ("choose": TestID, the tester picks).
EID_LEVELS = [
    ("TestID", "choose"),
    ("MinID", "substantial"),
    ("BankID", "high"),
    ("BankID mobil", "high"),
    ("Buypass", "high"),
    ("Commfides", "high"),
]


@pytest.mark.parametrize(
    ("ui_locales", "levels"),
    [
        (
            "en",
            {
                "choose": "you choose the level below",
                "substantial": "substantial (level 3)",
                "high": "high (level 4)",
            },
        ),
        (
            "nb",
            {
                "choose": "du velger nivået nedenfor",
                "substantial": "betydelig (nivå 3)",
                "high": "høyt (nivå 4)",
            },
        ),
        (
            "nn",
            {
                "choose": "du vel nivået nedanfor",
                "substantial": "betydeleg (nivå 3)",
                "high": "høgt (nivå 4)",
            },
        ),
    ],
)
def test_it_labels_every_eid_with_its_level_in_the_page_language(
    emulator: Emulator, ui_locales: str, levels: dict[str, str]
) -> None:
    page = _authorize(emulator, ui_locales=ui_locales)

    for index, (eid, level) in enumerate(EID_LEVELS):
        assert f'for="id_eid_{index}">{eid} \N{EN DASH} {levels[level]}</label>' in page.text


def test_it_refuses_an_eid_below_the_requested_level_and_explains_why(
    emulator: Emulator,
) -> None:
    browser = requests.Session()
    page = authorize(
        emulator, browser, authorization_request(acr_values="idporten-loa-high", ui_locales="en")
    )

    response = submit_login(browser, page, pid="04899220043", eid="MinID")

    assert response.status_code == 400
    assert "asks for security level high (level 4)" in response.text
    assert "MinID gives substantial (level 3)" in response.text
    assert 'href="#id_eid_0"' in response.text


def test_testid_logs_in_at_the_requested_level_unless_the_tester_picks_another(
    emulator: Emulator,
) -> None:
    requested_high = emulator.code_flow(acr_values="idporten-loa-high", eid="TestID").tokens
    picked_high = emulator.code_flow(eid="TestID", level="high").tokens

    assert _claims(emulator, requested_high)["acr"] == "idporten-loa-high"
    assert _claims(emulator, picked_high)["acr"] == "idporten-loa-high"
    assert _claims(emulator, emulator.code_flow(eid="TestID").tokens)["acr"] == (
        "idporten-loa-substantial"
    )


def test_it_refuses_a_testid_level_below_the_requested_one(emulator: Emulator) -> None:
    browser = requests.Session()
    page = authorize(emulator, browser, authorization_request(acr_values="idporten-loa-high"))

    refused = submit_login(browser, page, pid="15878510035", eid="TestID", level="substantial")

    assert refused.status_code == 400
    assert 'href="#id_level_0"' in refused.text


def test_it_answers_in_the_old_acr_vocabulary_when_asked_in_it(emulator: Emulator) -> None:
    tokens = emulator.code_flow(acr_values="Level4", eid="BankID").tokens

    assert _claims(emulator, tokens)["acr"] == "Level4"


def test_a_persona_button_logs_in_as_that_persona(emulator: Emulator) -> None:
    browser = requests.Session()
    request = authorization_request()
    page = authorize(emulator, browser, request)
    assert "27858815024" in page.text

    callback = redirect_params(submit_login(browser, page, persona="27858815024", eid="Buypass"))
    tokens = code_token_request(emulator, request, callback["code"]).json()

    claims = _claims(emulator, tokens)
    assert claims["pid"] == "27858815024"
    assert claims["amr"] == ["Buypass"]
    assert emulator.login_events("27858815024")[0]["eid"] == "BuyPass"


def test_every_login_is_appended_to_the_login_log_and_creates_a_new_person(
    emulator: Emulator,
) -> None:
    before = emulator.login_events("11810160073")

    emulator.code_flow(pid="11810160073", eid="BankID mobil")

    after = emulator.login_events("11810160073")
    assert len(after) == len(before) + 1
    newest = after[0]
    assert newest["eid"] == "BankID mobil"
    assert newest["service_name"] == "DIGITALISERINGSDIREKTORATET"
    assert newest["integration_id"] == PORTAL_CLIENT.client_id
    assert newest["orgno"] == "991825827"


def test_the_sub_is_pairwise_per_client(emulator: Emulator) -> None:
    portal = emulator.code_flow(pid="15878510035").tokens
    nav = emulator.code_flow(client=NAV_DEMO_CLIENT, pid="15878510035").tokens

    portal_sub = _claims(emulator, portal)["sub"]
    nav_sub = decode_verified(emulator, nav["id_token"], audience=NAV_DEMO_CLIENT.client_id)["sub"]
    assert portal_sub != nav_sub
    assert _claims(emulator, emulator.code_flow(pid="15878510035").tokens)["sub"] == portal_sub


def _claims(emulator: Emulator, tokens: dict) -> dict:
    return decode_verified(emulator, tokens["id_token"], audience=PORTAL_CLIENT.client_id)
