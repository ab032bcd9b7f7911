"""What OpenID Connect Core and the OAuth RFCs require of a provider, which independent clients
(Authlib, openid-client, schemathesis) found the emulator missing (issue 17)."""

from __future__ import annotations

import re

import requests

from tests.emulator.support import (
    NAV_DEMO_CLIENT,
    PORTAL_CLIENT,
    TIMEOUT,
    Emulator,
    authorization_request,
    authorize,
    code_token_request,
    decode_verified,
    follow_emulator_redirects,
    redirect_params,
    submit_login,
    token_request,
)


def id_token_claims(emulator: Emulator, token: str) -> dict[str, object]:
    return decode_verified(emulator, token, audience=PORTAL_CLIENT.client_id)


def test_the_authorization_endpoint_takes_a_form_post(emulator: Emulator) -> None:
    # Core 3.1.2.1: the provider MUST support GET and POST at the authorization endpoint.
    browser = requests.Session()
    request = authorization_request()
    posted = browser.post(
        f"{emulator.url}/authorize", data=request.params, allow_redirects=False, timeout=TIMEOUT
    )
    page = follow_emulator_redirects(emulator, browser, posted)

    callback = redirect_params(submit_login(browser, page, pid="15878510035", eid="TestID"))

    assert callback["state"] == request.state
    assert code_token_request(emulator, request, callback["code"]).status_code == 200


def test_a_parameter_given_twice_is_an_invalid_request(emulator: Emulator) -> None:
    request = authorization_request()
    query = [*request.params.items(), ("state", "a-second-state")]

    response = requests.get(
        f"{emulator.url}/authorize", params=query, allow_redirects=False, timeout=TIMEOUT
    )

    # RFC 6749 3.1: "Request and response parameters MUST NOT be included more than once."
    assert redirect_params(response)["error"] == "invalid_request"


def test_request_objects_are_refused_not_ignored(emulator: Emulator) -> None:
    for parameter, error in (
        ("request", "request_not_supported"),
        ("request_uri", "request_uri_not_supported"),
    ):
        request = authorization_request(**{parameter: "eyJhbGciOiJub25lIn0.e30."})
        response = authorize(emulator, requests.Session(), request)
        assert redirect_params(response)["error"] == error
    discovery = requests.get(f"{emulator.url}/.well-known/openid-configuration", timeout=TIMEOUT)
    assert discovery.json()["request_parameter_supported"] is False
    assert discovery.json()["request_uri_parameter_supported"] is False


def test_max_age_asks_for_a_new_login_once_the_last_is_older(emulator: Emulator) -> None:
    browser = requests.Session()
    first = id_token_claims(emulator, emulator.code_flow(browser=browser).tokens["id_token"])

    # Within max_age the session answers at once; max_age=0 (any login is older than that)
    # brings the TestID page back, and prompt=none then cannot be answered.
    silent = authorize(emulator, browser, authorization_request(max_age="3600"))
    assert "code" in redirect_params(silent)
    again = authorize(emulator, browser, authorization_request(max_age="0"))
    assert not again.is_redirect and "/login/" in again.url
    stale = authorize(emulator, browser, authorization_request(max_age="0", prompt="none"))
    assert redirect_params(stale)["error"] == "login_required"

    request = authorization_request(max_age="0")
    page = authorize(emulator, browser, request)
    callback = redirect_params(submit_login(browser, page, pid="15878510035", eid="TestID"))
    id_token = code_token_request(emulator, request, callback["code"]).json()["id_token"]
    second = id_token_claims(emulator, id_token)
    # A login of its own, with its own time (Core 3.1.2.1: auth_time is then REQUIRED).
    assert second["sid"] != first["sid"]
    assert second["auth_time"] >= first["auth_time"]


def test_a_bad_max_age_is_an_invalid_request(emulator: Emulator) -> None:
    response = authorize(emulator, requests.Session(), authorization_request(max_age="soon"))

    assert redirect_params(response)["error"] == "invalid_request"


def test_every_id_token_of_a_login_has_its_sid(emulator: Emulator) -> None:
    # The NAV demo client registers no front-channel logout; sid is in its ID token all the same.
    flow = emulator.code_flow(client=NAV_DEMO_CLIENT)

    claims = decode_verified(emulator, flow.tokens["id_token"], audience=NAV_DEMO_CLIENT.client_id)

    assert claims["sid"]


def test_a_refresh_may_not_ask_for_more_scope_than_the_grant(emulator: Emulator) -> None:
    flow = emulator.code_flow()
    refresh_token = flow.tokens["refresh_token"]

    wider = token_request(
        emulator,
        flow.request.client,
        grant_type="refresh_token",
        refresh_token=refresh_token,
        scope="openid profile idporten:user.log.all.read idporten:dcr.write",
    )
    assert wider.status_code == 400
    assert wider.json()["error"] == "invalid_scope"

    # The refused request did not spend the refresh token; the grant's own scope is fine.
    same = token_request(
        emulator,
        flow.request.client,
        grant_type="refresh_token",
        refresh_token=refresh_token,
        scope="openid",
    )
    assert same.status_code == 200, same.text


def test_the_published_keys_say_their_use_once(emulator: Emulator) -> None:
    keys = requests.get(f"{emulator.url}/jwk", timeout=TIMEOUT).json()["keys"]

    # RFC 7517 4.3: use and key_ops SHOULD NOT be used together.
    assert all(key["use"] == "sig" and "key_ops" not in key for key in keys)


def test_the_old_platforms_eidas_hint_opens_the_page_with_eidas_chosen(emulator: Emulator):
    page = authorize(emulator, requests.Session(), authorization_request(login_hint="eidas:true"))

    chosen = re.findall(r'<input[^>]*name="eid"[^>]*value="([^"]+)" checked>', page.text)
    assert chosen == ["eIDAS"]
