"""The headless TestID login of ID-porten's test environments (docs/idporten.md 8.5):
`login_hint=testid:<pid>_<acr>` on /authorize logs a synthetic person in at once."""

from __future__ import annotations

import pytest
import requests

from tests.emulator.support import (
    PORTAL_CLIENT,
    Emulator,
    authorization_request,
    code_token_request,
    decode_verified,
    redirect_params,
    token_request,
)

SYNTHETIC = "15878510035"  # Tenor: month + 80
SYNTHETIC_D_NUMBER = "41890110183"  # day + 40 and month + 80
UNSEEDED_SYNTHETIC = "11810160073"


def _authorize(emulator: Emulator, browser: requests.Session | None = None, **params: str):
    request = authorization_request(**params)
    response = (browser or requests.Session()).get(
        f"{emulator.url}/authorize", params=request.params, allow_redirects=False, timeout=10
    )
    return request, response


def test_the_hint_logs_the_person_in_at_once_with_code_state_and_iss(emulator: Emulator):
    request, response = _authorize(
        emulator, login_hint=f"testid:{SYNTHETIC}_idporten-loa-high", acr_values="idporten-loa-high"
    )

    # Straight back to the client: no TestID page in between.
    assert response.status_code == 302
    assert response.headers["Location"].startswith(PORTAL_CLIENT.redirect_uri)
    callback = redirect_params(response)
    assert callback["state"] == request.state
    assert callback["iss"] == emulator.issuer
    tokens = code_token_request(emulator, request, callback["code"]).json()
    claims = decode_verified(emulator, tokens["id_token"], audience=PORTAL_CLIENT.client_id)
    assert (claims["pid"], claims["acr"], claims["amr"]) == (
        SYNTHETIC,
        "idporten-loa-high",
        ["TestID"],
    )
    assert claims["nonce"] == request.nonce


def test_its_tokens_are_real_ones(emulator: Emulator):
    request, response = _authorize(
        emulator, login_hint=f"testid:{SYNTHETIC_D_NUMBER}_idporten-loa-substantial"
    )
    tokens = code_token_request(emulator, request, redirect_params(response)["code"]).json()

    refreshed = token_request(
        emulator, PORTAL_CLIENT, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refreshed.status_code == 200, refreshed.text
    introspected = requests.post(
        f"{emulator.url}/tokeninfo",
        data={"token": refreshed.json()["access_token"]},
        auth=(PORTAL_CLIENT.client_id, PORTAL_CLIENT.client_secret),
        timeout=10,
    ).json()
    assert introspected["active"] is True
    assert introspected["pid"] == SYNTHETIC_D_NUMBER
    revoked = requests.post(
        f"{emulator.url}/revoke",
        data={"token": refreshed.json()["refresh_token"]},
        auth=(PORTAL_CLIENT.client_id, PORTAL_CLIENT.client_secret),
        timeout=10,
    )
    assert revoked.status_code == 200


def test_it_is_logged_as_a_testid_login_and_opens_a_single_sign_on(emulator: Emulator):
    before = len(emulator.login_events(UNSEEDED_SYNTHETIC))
    browser = requests.Session()
    _authorize(emulator, browser, login_hint=f"testid:{UNSEEDED_SYNTHETIC}_idporten-loa-high")

    events = emulator.login_events(UNSEEDED_SYNTHETIC)
    assert len(events) == before + 1
    assert events[0]["eid"] == "TestID"
    # The same browser's next request without a hint is answered from the SSO session.
    _, silent = _authorize(emulator, browser, prompt="none")
    assert "code" in redirect_params(silent)


def test_the_level_comes_from_the_hint_and_the_vocabulary_from_acr_values(emulator: Emulator):
    request, response = _authorize(
        emulator, login_hint=f"testid:{SYNTHETIC}_idporten-loa-high", acr_values="Level3"
    )
    tokens = code_token_request(emulator, request, redirect_params(response)["code"]).json()

    claims = decode_verified(emulator, tokens["id_token"], audience=PORTAL_CLIENT.client_id)
    assert claims["acr"] == "Level4"


@pytest.mark.parametrize(
    ("hint", "phrase"),
    [
        ("testid:15878510035", "testid:<pid>_<acr>"),
        ("testid:_idporten-loa-high", "testid:<pid>_<acr>"),
        ("testid:15878510036_idporten-loa-high", "not a valid national identity number"),
        ("testid:1234_idporten-loa-high", "not a valid national identity number"),
        # Valid, but a real person's kind of number: only synthetic people log in this way.
        ("testid:08023549930_idporten-loa-high", "synthetic"),
        ("testid:15878510035_idporten-loa-low", "Unsupported acr in login_hint"),
        ("testid:15878510035_selfregistered-email", "Unsupported acr in login_hint"),
        ("testid:15878510035_idporten-loa-extreme", "Unsupported acr in login_hint"),
    ],
)
def test_a_bad_hint_is_an_invalid_request_at_the_client(emulator: Emulator, hint: str, phrase: str):
    request, response = _authorize(emulator, login_hint=hint)

    assert response.headers["Location"].startswith(PORTAL_CLIENT.redirect_uri)
    callback = redirect_params(response)
    assert callback["error"] == "invalid_request"
    assert phrase in callback["error_description"]
    assert callback["state"] == request.state
    assert callback["iss"] == emulator.issuer
    assert "code" not in callback


def test_a_hint_below_the_requested_level_is_refused(emulator: Emulator):
    _, response = _authorize(
        emulator,
        login_hint=f"testid:{SYNTHETIC}_idporten-loa-substantial",
        acr_values="idporten-loa-high",
    )

    callback = redirect_params(response)
    assert callback["error"] == "invalid_request"
    assert "below the requested acr_values" in callback["error_description"]


def test_the_rest_of_the_request_is_checked_as_ever(emulator: Emulator):
    _, response = _authorize(
        emulator,
        login_hint=f"testid:{SYNTHETIC}_idporten-loa-high",
        code_challenge_method="plain",
    )

    assert redirect_params(response)["error"] == "invalid_request"


def test_another_kind_of_hint_changes_nothing(emulator: Emulator):
    _, response = _authorize(emulator, login_hint="eidas:true")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/")
