"""/userinfo, /tokeninfo (RFC 7662) and /revoke (RFC 7009)."""

from __future__ import annotations

import pytest
import requests

from tests.emulator.api_support import assert_bearer_refused, assert_credentials_asked_for
from tests.emulator.support import (
    NAV_DEMO_CLIENT,
    PORTAL_CLIENT,
    Emulator,
    decode_verified,
    server_token,
)


def _userinfo(emulator: Emulator, access_token: str) -> requests.Response:
    return requests.get(
        f"{emulator.url}/userinfo", headers={"Authorization": f"Bearer {access_token}"}, timeout=5
    )


def _post(emulator: Emulator, path: str, client=PORTAL_CLIENT, **form: str) -> requests.Response:
    return requests.post(
        f"{emulator.url}/{path}",
        data=form,
        auth=(client.client_id, client.client_secret),
        timeout=5,
    )


def test_userinfo_answers_sub_pid_and_locale(emulator: Emulator) -> None:
    tokens = emulator.code_flow(pid="04899220043", eid="MinID", ui_locales="en").tokens

    response = _userinfo(emulator, tokens["access_token"])

    id_token = decode_verified(emulator, tokens["id_token"], audience=PORTAL_CLIENT.client_id)
    assert response.status_code == 200
    assert response.json() == {"sub": id_token["sub"], "pid": "04899220043", "locale": "en"}


@pytest.mark.parametrize("header", [None, "Bearer", "Basic abc"])
def test_userinfo_without_a_token_asks_for_one(emulator: Emulator, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}

    response = requests.get(f"{emulator.url}/userinfo", headers=headers, timeout=5)

    assert_credentials_asked_for(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_userinfo_refuses_a_bad_token_with_401(emulator: Emulator) -> None:
    headers = {"Authorization": "Bearer not-a-token"}

    response = requests.get(f"{emulator.url}/userinfo", headers=headers, timeout=5)

    # The APIs' one shape (emulator/bearer.py): the error in WWW-Authenticate and the body.
    assert_bearer_refused(response, 401, "invalid_token")
    assert response.headers["Cache-Control"] == "no-store"


def test_userinfo_refuses_an_expired_access_token(emulator: Emulator) -> None:
    tokens = emulator.code_flow().tokens
    emulator.shift_clock(121)

    response = _userinfo(emulator, tokens["access_token"])

    assert_bearer_refused(response, 401, "invalid_token")


def test_userinfo_needs_the_profile_scope(emulator: Emulator) -> None:
    tokens = emulator.code_flow(scope="openid").tokens

    response = _userinfo(emulator, tokens["access_token"])

    assert_bearer_refused(response, 403, "insufficient_scope")
    assert 'scope="profile"' in response.headers["WWW-Authenticate"]


def test_userinfo_refuses_a_server_token(emulator: Emulator) -> None:
    response = _userinfo(emulator, server_token(emulator))

    assert_bearer_refused(response, 403, "insufficient_scope")


def test_tokeninfo_describes_a_live_access_token(emulator: Emulator) -> None:
    tokens = emulator.code_flow(pid="15878510035").tokens

    info = _post(emulator, "tokeninfo", token=tokens["access_token"]).json()

    assert info["active"] is True
    assert info["pid"] == "15878510035"
    assert info["client_id"] == PORTAL_CLIENT.client_id
    assert info["client_orgno"] == "991825827"
    assert info["scope"] == "openid profile"
    assert 0 < info["expires_in"] <= 120


def test_tokeninfo_says_inactive_for_expired_unknown_or_foreign_tokens(
    emulator: Emulator,
) -> None:
    tokens = emulator.code_flow().tokens

    assert _post(emulator, "tokeninfo", token="garbage").json() == {"active": False}
    foreign = _post(emulator, "tokeninfo", client=NAV_DEMO_CLIENT, token=tokens["access_token"])
    assert foreign.json() == {"active": False}
    emulator.shift_clock(121)
    assert _post(emulator, "tokeninfo", token=tokens["access_token"]).json() == {"active": False}


def test_tokeninfo_describes_a_live_refresh_token(emulator: Emulator) -> None:
    tokens = emulator.code_flow().tokens

    info = _post(emulator, "tokeninfo", token=tokens["refresh_token"]).json()

    assert info["active"] is True
    # RFC 7662 2.2: token_type is an RFC 6749 7.1 type ("Bearer"); a refresh token has none.
    assert "token_type" not in info
    assert info["scope"]


@pytest.mark.parametrize("path", ["tokeninfo", "revoke"])
def test_tokeninfo_and_revoke_need_client_authentication_and_a_token(
    emulator: Emulator, path: str
) -> None:
    anonymous = requests.post(f"{emulator.url}/{path}", data={"token": "x"}, timeout=5)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "invalid_client"
    assert "WWW-Authenticate" in anonymous.headers

    missing = _post(emulator, path)
    assert missing.status_code == 400
    assert missing.json()["error"] == "invalid_request"


def test_revoking_an_access_token_ends_it(emulator: Emulator) -> None:
    tokens = emulator.code_flow().tokens

    assert _post(emulator, "revoke", token=tokens["access_token"]).status_code == 200

    assert _userinfo(emulator, tokens["access_token"]).status_code == 401


def test_revoking_a_refresh_token_ends_the_whole_grant(emulator: Emulator) -> None:
    tokens = emulator.code_flow().tokens

    assert _post(emulator, "revoke", token=tokens["refresh_token"]).status_code == 200

    refreshed = _post(
        emulator, "token", grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refreshed.json()["error"] == "invalid_grant"
    assert _userinfo(emulator, tokens["access_token"]).status_code == 401


def test_revoking_an_unknown_token_is_a_quiet_success(emulator: Emulator) -> None:
    response = _post(emulator, "revoke", token="never-issued")

    assert response.status_code == 200


@pytest.mark.parametrize("kind", ["access_token", "refresh_token"])
def test_revoking_another_clients_token_is_refused_and_leaves_it_alone(
    emulator: Emulator, kind: str
) -> None:
    tokens = emulator.code_flow().tokens

    response = _post(emulator, "revoke", client=NAV_DEMO_CLIENT, token=tokens[kind])

    # RFC 7009 2.1: refused, in RFC 6749 5.2's shape (2.2.1).
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The token was issued to another client.",
    }
    assert response.headers["Cache-Control"] == "no-store"
    assert _userinfo(emulator, tokens["access_token"]).status_code == 200
    refreshed = _post(
        emulator, "token", grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refreshed.status_code == 200


def test_revoking_an_id_token_is_a_quiet_success_that_changes_nothing(emulator: Emulator) -> None:
    tokens = emulator.code_flow().tokens

    assert _post(emulator, "revoke", token=tokens["id_token"]).status_code == 200

    assert _userinfo(emulator, tokens["access_token"]).status_code == 200
