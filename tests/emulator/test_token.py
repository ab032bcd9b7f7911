"""/token: client authentication, PKCE, single-use codes and rotating refresh tokens."""

from __future__ import annotations

import pytest
import requests

from tests.emulator.support import (
    NAV_DEMO_CLIENT,
    PORTAL_CLIENT,
    AuthorizationRequest,
    Emulator,
    RegisteredClient,
    authorization_request,
    authorize,
    code_token_request,
    redirect_params,
    submit_login,
    token_request,
)


def _code(emulator: Emulator) -> tuple[AuthorizationRequest, str]:
    browser = requests.Session()
    request = authorization_request()
    page = authorize(emulator, browser, request)
    callback = redirect_params(submit_login(browser, page, pid="15878510035", eid="TestID"))
    return request, callback["code"]


def _assert_error(response: requests.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.headers["Cache-Control"] == "no-store"


def test_it_accepts_client_secret_post(emulator: Emulator) -> None:
    request, code = _code(emulator)

    response = token_request(
        emulator,
        PORTAL_CLIENT,
        auth="post",
        grant_type="authorization_code",
        code=code,
        redirect_uri=PORTAL_CLIENT.redirect_uri,
        code_verifier=request.code_verifier,
    )

    assert response.status_code == 200
    assert response.json()["id_token"]


def test_it_refuses_a_wrong_verifier(emulator: Emulator) -> None:
    request, code = _code(emulator)

    response = code_token_request(emulator, request, code, code_verifier="x" * 43)

    _assert_error(response, 400, "invalid_grant")


def test_it_refuses_a_missing_verifier(emulator: Emulator) -> None:
    request, code = _code(emulator)

    response = code_token_request(emulator, request, code, code_verifier="")

    _assert_error(response, 400, "invalid_request")


def test_it_refuses_a_reused_code_and_revokes_what_the_first_use_got(
    emulator: Emulator,
) -> None:
    request, code = _code(emulator)
    first = code_token_request(emulator, request, code).json()

    _assert_error(code_token_request(emulator, request, code), 400, "invalid_grant")

    refreshed = token_request(
        emulator, PORTAL_CLIENT, grant_type="refresh_token", refresh_token=first["refresh_token"]
    )
    _assert_error(refreshed, 400, "invalid_grant")


def test_it_refuses_a_code_at_another_redirect_uri(emulator: Emulator) -> None:
    request, code = _code(emulator)

    response = code_token_request(
        emulator, request, code, redirect_uri="http://127.0.0.1:8000/oidc/callback/"
    )

    _assert_error(response, 400, "invalid_grant")


def test_it_refuses_a_code_issued_to_another_client(emulator: Emulator) -> None:
    request, code = _code(emulator)

    response = token_request(
        emulator,
        NAV_DEMO_CLIENT,
        grant_type="authorization_code",
        code=code,
        redirect_uri=NAV_DEMO_CLIENT.redirect_uri,
        code_verifier=request.code_verifier,
    )

    _assert_error(response, 400, "invalid_grant")


def test_it_refuses_an_expired_code(emulator: Emulator) -> None:
    request, code = _code(emulator)
    emulator.shift_clock(61)

    _assert_error(code_token_request(emulator, request, code), 400, "invalid_grant")


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_it_refuses_a_wrong_secret_with_401_and_www_authenticate(
    emulator: Emulator, auth: str
) -> None:
    request, code = _code(emulator)

    response = token_request(
        emulator,
        PORTAL_CLIENT,
        auth=auth,
        secret="wrong",
        grant_type="authorization_code",
        code=code,
        redirect_uri=PORTAL_CLIENT.redirect_uri,
        code_verifier=request.code_verifier,
    )

    _assert_error(response, 401, "invalid_client")
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_it_refuses_a_request_without_client_authentication(emulator: Emulator) -> None:
    response = requests.post(
        f"{emulator.url}/token", data={"grant_type": "authorization_code", "code": "x"}, timeout=5
    )

    _assert_error(response, 401, "invalid_client")


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({}, "invalid_request"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code"}, "invalid_request"),
        (
            {"grant_type": "authorization_code", "code": "nope", "redirect_uri": "x"},
            "invalid_grant",
        ),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "nope"}, "invalid_grant"),
    ],
)
def test_it_answers_bad_grants_with_rfc_6749_errors(
    emulator: Emulator, form: dict[str, str], error: str
) -> None:
    _assert_error(token_request(emulator, PORTAL_CLIENT, **form), 400, error)


def test_it_refuses_get(emulator: Emulator) -> None:
    assert requests.get(f"{emulator.url}/token", timeout=5).status_code == 405


def _refresh(emulator: Emulator, refresh_token: str) -> requests.Response:
    return token_request(
        emulator, PORTAL_CLIENT, grant_type="refresh_token", refresh_token=refresh_token
    )


def test_refresh_tokens_rotate_and_the_old_one_stops_working(emulator: Emulator) -> None:
    first = emulator.code_flow().tokens

    second = _refresh(emulator, first["refresh_token"])

    assert second.status_code == 200
    body = second.json()
    assert body["access_token"] != first["access_token"]
    assert body["refresh_token"] != first["refresh_token"]
    assert "id_token" not in body
    assert _refresh(emulator, body["refresh_token"]).status_code == 200


def test_reusing_a_rotated_refresh_token_revokes_the_whole_chain(emulator: Emulator) -> None:
    first = emulator.code_flow().tokens
    second = _refresh(emulator, first["refresh_token"]).json()

    _assert_error(_refresh(emulator, first["refresh_token"]), 400, "invalid_grant")
    _assert_error(_refresh(emulator, second["refresh_token"]), 400, "invalid_grant")


def test_a_refresh_token_expires_after_600_seconds_of_inactivity(emulator: Emulator) -> None:
    tokens = emulator.code_flow().tokens
    emulator.shift_clock(599)
    kept_alive = _refresh(emulator, tokens["refresh_token"]).json()

    emulator.shift_clock(601)

    _assert_error(_refresh(emulator, kept_alive["refresh_token"]), 400, "invalid_grant")


def test_refreshing_ends_with_the_7200_second_authorization_lifetime(
    emulator: Emulator,
) -> None:
    refresh_token = emulator.code_flow().tokens["refresh_token"]
    for _ in range(13):  # 13 x 550 s = 7150 s: still inside the authorization
        emulator.shift_clock(550)
        response = _refresh(emulator, refresh_token)
        assert response.status_code == 200, response.text
        refresh_token = response.json()["refresh_token"]

    emulator.shift_clock(100)

    _assert_error(_refresh(emulator, refresh_token), 400, "invalid_grant")


# refresh_token_expires_in (docs/idporten.md 8.4): the seconds the new refresh token lives.


def test_the_code_exchange_says_how_long_the_refresh_token_lives(emulator: Emulator) -> None:
    tokens = emulator.code_flow().tokens

    assert tokens["expires_in"] == 120
    assert tokens["refresh_token_expires_in"] == 600


def test_each_refresh_slides_the_refresh_tokens_expiry(emulator: Emulator) -> None:
    refresh_token = emulator.code_flow().tokens["refresh_token"]
    for _ in range(3):
        emulator.shift_clock(500)
        body = _refresh(emulator, refresh_token).json()
        assert body["refresh_token_expires_in"] == 600
        refresh_token = body["refresh_token"]

    # 1,500 s after the login, the previous token's 600 s would have ended at 1,100 s.
    emulator.shift_clock(599)
    assert _refresh(emulator, refresh_token).status_code == 200


def test_near_the_authorizations_end_it_says_what_is_left(emulator: Emulator) -> None:
    refresh_token = emulator.code_flow().tokens["refresh_token"]
    for _ in range(13):  # 13 x 550 s = 7150 s of the 7200 s the authorization lives
        emulator.shift_clock(550)
        body = _refresh(emulator, refresh_token).json()
        refresh_token = body["refresh_token"]

    assert 45 <= body["refresh_token_expires_in"] <= 50
    emulator.shift_clock(body["refresh_token_expires_in"] + 1)
    _assert_error(_refresh(emulator, refresh_token), 400, "invalid_grant")


def test_without_a_refresh_token_there_is_no_refresh_token_expires_in(emulator: Emulator) -> None:
    body = emulator.code_flow(client=NAV_DEMO_CLIENT).tokens
    assert "refresh_token_expires_in" in body  # registered for the refresh grant

    emulator.register_client(
        client_id="no-refresh-client",
        client_secret="no-refresh-secret",
        redirect_uris=["http://127.0.0.1:5598/cb"],
        orgno="991825827",
        organisation_name="DIGITALISERINGSDIREKTORATET",
        service_name="DIGITALISERINGSDIREKTORATET",
        scopes=["openid", "profile"],
        grant_types=["authorization_code"],
        token_endpoint_auth_methods=["client_secret_basic"],
    )
    client = RegisteredClient("no-refresh-client", "no-refresh-secret", "http://127.0.0.1:5598/cb")
    tokens = emulator.code_flow(client=client).tokens

    assert "refresh_token" not in tokens
    assert "refresh_token_expires_in" not in tokens
