"""/endsession: ends SSO, front-channel logout iframes, then back to the client with state."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest
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

LOGGED_OUT = "http://localhost:8000/logget-ut/"


def _iframe_sources(page: str) -> list[str]:
    return [html.unescape(src) for src in re.findall(r'<iframe[^>]* src="([^"]+)"', page)]


def test_it_logs_out_every_client_in_iframes_and_redirects_with_state(
    emulator: Emulator,
) -> None:
    portal = emulator.code_flow()
    emulator.code_flow(client=NAV_DEMO_CLIENT, browser=portal.browser)
    sid = decode_verified(emulator, portal.tokens["id_token"], audience=PORTAL_CLIENT.client_id)[
        "sid"
    ]

    response = portal.browser.get(
        f"{emulator.url}/endsession",
        params={
            "id_token_hint": portal.tokens["id_token"],
            "post_logout_redirect_uri": LOGGED_OUT,
            "state": "after logout 1",
        },
        timeout=5,
    )

    assert response.status_code == 200
    query = urlencode({"iss": emulator.issuer, "sid": sid})
    assert sorted(_iframe_sources(response.text)) == [
        f"http://localhost:8000/frontchannel-logout?{query}",
        f"http://localhost:8002/frontchannel-logout?{query}",
    ]
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', response.text)
    assert refresh is not None
    assert html.unescape(refresh.group(1)) == f"{LOGGED_OUT}?state=after+logout+1"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]

    silent = authorize(emulator, portal.browser, authorization_request(prompt="none"))
    assert redirect_params(silent)["error"] == "login_required"


def test_it_accepts_post_with_client_id_alone(emulator: Emulator) -> None:
    portal = emulator.code_flow()

    response = portal.browser.post(
        f"{emulator.url}/endsession",
        data={"client_id": PORTAL_CLIENT.client_id, "post_logout_redirect_uri": LOGGED_OUT},
        timeout=5,
    )

    assert response.status_code == 200
    assert f'url={LOGGED_OUT}"' in response.text
    assert len(_iframe_sources(response.text)) == 1


def test_logout_revokes_tokens_that_only_had_openid_and_profile(emulator: Emulator) -> None:
    portal = emulator.code_flow()
    portal.browser.get(
        f"{emulator.url}/endsession", params={"client_id": PORTAL_CLIENT.client_id}, timeout=5
    )

    userinfo = requests.get(
        f"{emulator.url}/userinfo",
        headers={"Authorization": f"Bearer {portal.tokens['access_token']}"},
        timeout=5,
    )
    assert userinfo.status_code == 401


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"client_id": "nobody"}, "Unknown client_id"),
        (
            {"client_id": PORTAL_CLIENT.client_id, "post_logout_redirect_uri": "http://evil/"},
            "post_logout_redirect_uri is not registered",
        ),
        ({"post_logout_redirect_uri": LOGGED_OUT}, "post_logout_redirect_uri is not registered"),
        ({"id_token_hint": "not-a-token"}, "id_token_hint is not an ID token"),
        ({"client_id": PORTAL_CLIENT.client_id, "state": "tab\there"}, "state parameter"),
    ],
)
def test_it_shows_an_error_page_for_a_bad_logout_request(
    emulator: Emulator, params: dict[str, str], message: str
) -> None:
    response = requests.get(
        f"{emulator.url}/endsession",
        params=params,
        headers={"Accept-Language": "en"},
        timeout=5,
    )

    assert response.status_code == 400
    assert message in response.text
    assert "http-equiv" not in response.text
