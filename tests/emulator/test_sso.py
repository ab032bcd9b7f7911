"""Single sign-on: silent logins inside the session, Federated at a second client, expiry."""

from __future__ import annotations

import requests

from tests.emulator.support import (
    NAV_DEMO_CLIENT,
    PORTAL_CLIENT,
    Emulator,
    authorization_request,
    authorize,
    decode_verified,
    redirect_params,
)

PID = "30856440032"


def _logged_in_browser(emulator: Emulator) -> requests.Session:
    return emulator.code_flow(pid=PID, eid="BankID").browser


def _silent(emulator: Emulator, browser: requests.Session, **params: str) -> dict[str, str]:
    request = authorization_request(prompt="none", **params)
    return redirect_params(authorize(emulator, browser, request))


def test_prompt_none_inside_the_session_answers_with_a_code(emulator: Emulator) -> None:
    browser = _logged_in_browser(emulator)

    callback = _silent(emulator, browser)

    assert "code" in callback


def test_a_second_client_logs_in_silently_and_is_logged_as_federated(
    emulator: Emulator,
) -> None:
    browser = _logged_in_browser(emulator)

    result = emulator.code_flow(client=NAV_DEMO_CLIENT, browser=browser)

    claims = decode_verified(
        emulator, result.tokens["id_token"], audience=NAV_DEMO_CLIENT.client_id
    )
    assert claims["pid"] == PID
    assert claims["amr"] == ["BankID"]
    assert claims["auth_time"] < claims["iat"] or claims["auth_time"] == claims["iat"]
    newest, previous = emulator.login_events(PID)[:2]
    assert (newest["eid"], newest["integration_id"], newest["orgno"]) == (
        "Federated",
        NAV_DEMO_CLIENT.client_id,
        "889640782",
    )
    assert (previous["eid"], previous["integration_id"]) == ("BankID", PORTAL_CLIENT.client_id)


def test_prompt_login_shows_the_login_page_despite_the_session(emulator: Emulator) -> None:
    browser = _logged_in_browser(emulator)

    page = authorize(emulator, browser, authorization_request(prompt="login"))

    assert page.status_code == 200
    assert 'name="pid"' in page.text


def test_a_higher_level_than_the_session_has_needs_a_new_login(emulator: Emulator) -> None:
    browser = emulator.code_flow(pid=PID, eid="MinID").browser

    callback = _silent(emulator, browser, acr_values="idporten-loa-high")

    assert callback["error"] == "login_required"


def test_the_session_ends_after_30_idle_minutes(emulator: Emulator) -> None:
    browser = _logged_in_browser(emulator)

    emulator.shift_clock(30 * 60 + 1)

    assert _silent(emulator, browser)["error"] == "login_required"


def test_activity_extends_the_session_but_not_beyond_120_minutes(emulator: Emulator) -> None:
    browser = _logged_in_browser(emulator)
    for _ in range(4):  # 4 x 29 min = 116 min, each within 30 idle minutes
        emulator.shift_clock(29 * 60)
        assert "code" in _silent(emulator, browser)

    emulator.shift_clock(5 * 60)

    assert _silent(emulator, browser)["error"] == "login_required"


def test_a_repeated_prompt_value_means_the_same_as_a_single_one(emulator: Emulator) -> None:
    """prompt is a space-separated set: "none none" is none, "login login" is login."""
    without_session = redirect_params(
        authorize(emulator, requests.Session(), authorization_request(prompt="none none"))
    )
    assert without_session["error"] == "login_required"

    browser = _logged_in_browser(emulator)
    page = authorize(emulator, browser, authorization_request(prompt="login  login"))
    assert page.status_code == 200
    assert 'name="pid"' in page.text
