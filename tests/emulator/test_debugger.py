"""The debugger page over real HTTP: each client's requests and the tokens issued, explained,
and never a secret; absent in demo mode."""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from html import unescape
from pathlib import Path

import pytest
import requests

from tests.emulator.support import (
    TIMEOUT,
    AuthorizationRequest,
    Emulator,
    EmulatorServer,
    RegisteredClient,
    authorization_request,
    authorize,
    code_token_request,
    redirect_params,
    submit_login,
    token_request,
)

ENGLISH = {"Accept-Language": "en"}


def _client(emulator: Emulator) -> RegisteredClient:
    """A client of the test's own, so that no other test's requests show on its page."""
    client = RegisteredClient(
        f"debugger-{secrets.token_hex(4)}", secrets.token_urlsafe(24), "http://127.0.0.1:5555/cb"
    )
    emulator.register(
        client,
        service_name="Debugger test",
        grant_types=["authorization_code", "refresh_token"],
        token_endpoint_auth_methods=["client_secret_basic", "client_secret_post"],
    )
    return client


def _page(emulator: Emulator, client: RegisteredClient) -> str:
    response = requests.get(
        f"{emulator.url}/_emulator/debugger/{client.client_id}", headers=ENGLISH, timeout=TIMEOUT
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return unescape(response.text)


def _text(page: str) -> str:
    """The page's words without its markup, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split()).replace(" :", ":")


def _rows(database: Path, client_id: str) -> list[sqlite3.Row]:
    """The client's rows as the database holds them, newest first."""
    with closing(sqlite3.connect(database)) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute(
            "SELECT * FROM emulator_debuggerrequest WHERE client_id = ? ORDER BY id DESC",
            (client_id,),
        ).fetchall()


def _stored(database: Path, client_id: str) -> list[str]:
    """The client's rows, every column joined, newest first."""
    return [" ".join(str(column) for column in row) for row in _rows(database, client_id)]


def _verdicts(page: str) -> list[tuple[str, str]]:
    """(verdict, rule) of each check on the page, in order."""
    return re.findall(
        r'data-color="\w+">(passes|fails|does not apply)</span>\s*([^<]+?)\s*<dl', page
    )


def test_a_code_flow_shows_its_requests_and_the_id_token_with_its_checks(
    emulator: Emulator,
) -> None:
    client = _client(emulator)
    flow = emulator.code_flow(client=client, acr_values="idporten-loa-high")

    page = _page(emulator, client)

    assert page.index("POST /token") < page.index("GET /authorize")  # newest first
    assert "idporten-loa-high" in page  # a harmless parameter's value is kept
    assert flow.request.nonce in page  # the nonce sent, and the token's
    assert _verdicts(page) == [
        ("passes", "iss equals the issuer"),
        ("passes", "aud contains your client_id"),
        ("does not apply", "azp is your client_id when aud has several values"),
        ("passes", "signed with RS256 by the key whose kid is in /jwk"),
        ("passes", "exp is in the future (when the token arrived)"),
        ("passes", "iat is not in the future"),
        ("passes", "nonce equals the one you sent"),
        ("passes", "acr satisfies the acr_values you sent"),
    ]
    assert "Lifetime: 120 seconds (exp - iat)." in _text(page)
    assert "Subject: the person, as a pseudonym of their own for each client." in page
    assert "A refresh token, valid for 600 seconds" in _text(page)


def test_a_bad_id_token_fails_the_checks_it_breaks(emulator: Emulator) -> None:
    client = _client(emulator)
    emulator.fault("token", "bad_signature")
    emulator.code_flow(client=client)
    emulator.fault("token", "nonce_mismatch")
    emulator.code_flow(client=client)

    verdicts = _verdicts(_page(emulator, client))

    failed = [rule for verdict, rule in verdicts if verdict == "fails"]
    assert failed == [
        "nonce equals the one you sent",
        "signed with RS256 by the key whose kid is in /jwk",
    ]


def test_the_acr_check_holds_the_acr_to_the_acr_values_sent(emulator: Emulator) -> None:
    client = _client(emulator)
    emulator.fault("token", "acr_too_low")
    emulator.code_flow(client=client, acr_values="idporten-loa-high", level="high")
    emulator.code_flow(client=client, acr_values="idporten-loa-substantial idporten-loa-high")

    page = _page(emulator, client)

    acr_verdicts = [verdict for verdict in _verdicts(page) if "acr" in verdict[1]]
    assert acr_verdicts == [
        ("passes", "acr satisfies the acr_values you sent"),
        ("fails", "acr satisfies the acr_values you sent"),
    ]
    text = _text(page)
    assert (
        "You sent acr_values=idporten-loa-substantial idporten-loa-high, so "
        "idporten-loa-substantial or higher; idporten-loa-substantial satisfies it."
    ) in text
    assert (
        "idporten-loa-low is below what you asked for: you sent acr_values=idporten-loa-high, "
        "so idporten-loa-high or higher. Refuse this login."
    ) in text


def test_the_login_step_is_recorded_under_its_client_without_pid_or_key(
    emulator: Emulator,
) -> None:
    client = _client(emulator)
    browser = requests.Session()
    login_page = authorize(emulator, browser, authorization_request(client, ui_locales="en"))
    key = login_page.url.rsplit("/", 1)[1]
    mistyped, pid = "15878510036", "15878510035"
    assert submit_login(browser, login_page, pid=mistyped, eid="TestID").status_code == 400
    assert submit_login(browser, login_page, pid=pid, eid="TestID").is_redirect
    # The login is done: its key is unknown now, and so is the client.
    assert browser.get(login_page.url, timeout=TIMEOUT).status_code == 404

    page = _page(emulator, client)
    rows = _rows(emulator.server.database_path, client.client_id)
    stored = _stored(emulator.server.database_path, client.client_id)

    assert [f"{row['method']} {row['path']} {row['status']}" for row in rows[:3]] == [
        "POST /login/<key> 302",
        "POST /login/<key> 400",
        "GET /login/<key> 200",
    ]
    assert (
        "pid: This is not a valid national identity number: the check digits do not match."
        in _text(page)
    )
    assert "The TestID page did not log the person in" in _text(page)
    assert '"name": "pid", "value": null' in stored[1]
    assert '"name": "eid", "value": "TestID"' in stored[1]
    for secret in (key, mistyped, pid):
        assert secret not in page
        assert all(secret not in row for row in stored)
    unknown = _rows(emulator.server.database_path, "unknown")[0]
    assert (unknown["path"], unknown["status"], unknown["page_error"]) == (
        "/login/<key>",
        404,
        "login_unknown",
    )


def test_an_expired_login_is_explained_under_its_client(emulator: Emulator) -> None:
    client = _client(emulator)
    browser = requests.Session()
    login_page = authorize(emulator, browser, authorization_request(client))
    emulator.shift_clock(31 * 60)
    assert submit_login(browser, login_page, pid="15878510035", eid="TestID").status_code == 404

    page = _page(emulator, client)

    assert "POST /login/<key>" in page
    assert "The login waited at the TestID page for more than 30 minutes" in page


def test_a_cancelled_login_is_explained(emulator: Emulator) -> None:
    client = _client(emulator)
    browser = requests.Session()
    login_page = authorize(emulator, browser, authorization_request(client))
    submit_login(browser, login_page, cancel="1")

    page = _page(emulator, client)

    assert page.index("POST /login/<key>") < page.index("GET /login/<key>")
    assert "access_denied: The user cancelled the login. The person cancelled the login." in _text(
        page
    )


def _code(emulator: Emulator, client: RegisteredClient) -> tuple[str, AuthorizationRequest]:
    browser = requests.Session()
    request = authorization_request(client)
    login_page = authorize(emulator, browser, request)
    code = redirect_params(submit_login(browser, login_page, pid="15878510035", eid="TestID"))
    return code["code"], request


def test_a_reused_code_is_explained(emulator: Emulator) -> None:
    client = _client(emulator)
    code, request = _code(emulator, client)
    assert code_token_request(emulator, request, code).status_code == 200
    assert code_token_request(emulator, request, code).status_code == 400

    page = _page(emulator, client)

    assert "invalid_grant: The authorization code has already been used." in _text(page)
    assert "The code was used already: a code is good for one token request" in _text(page)


def test_a_wrong_redirect_uri_is_explained(emulator: Emulator) -> None:
    client = _client(emulator)
    code, request = _code(emulator, client)
    code_token_request(emulator, request, code, redirect_uri="http://127.0.0.1:5555/other")
    requests.get(
        f"{emulator.url}/authorize",
        params={**authorization_request(client).params, "redirect_uri": "http://evil.example/"},
        timeout=TIMEOUT,
    )

    page = _page(emulator, client)

    assert "The redirect_uri differs from the one in the authorization request" in _text(page)
    assert "the redirect_uri is not registered for this client" in _text(page)


def test_no_secret_is_on_the_page_or_in_the_table(emulator: Emulator) -> None:
    client = _client(emulator)
    flow = emulator.code_flow(client=client, login_hint="testid:15878510035_idporten-loa-high")
    tokens = flow.tokens
    refreshed = token_request(
        emulator,
        client,
        auth="post",
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
    ).json()
    requests.get(
        f"{emulator.url}/userinfo",
        headers={"Authorization": f"Bearer {refreshed['access_token']}"},
        timeout=TIMEOUT,
    )
    requests.get(
        f"{emulator.url}/endsession",
        params={"id_token_hint": tokens["id_token"]},
        timeout=TIMEOUT,
    )
    secrets_sent = {
        "client secret": client.client_secret,
        "code": flow.callback["code"],
        "code_verifier": flow.request.code_verifier,
        "state": flow.request.state,
        "login_hint": "testid:15878510035",
        "access token": tokens["access_token"],
        "ID token": tokens["id_token"],
        "refresh token": tokens["refresh_token"],
        "new access token": refreshed["access_token"],
        "new refresh token": refreshed["refresh_token"],
    }

    page = _page(emulator, client)
    stored = _stored(emulator.server.database_path, client.client_id)

    # /authorize, /token, /token (refresh), /userinfo and /endsession, all under the client.
    assert len(stored) == 5
    assert "GET /userinfo" in page and "GET /endsession" in page
    for name, secret in secrets_sent.items():
        assert secret not in page, name
        assert all(secret not in row for row in stored), name
    assert '"name": "client_secret", "value": null' in stored[2]  # by name only


def test_only_the_last_50_requests_of_a_client_are_kept(emulator: Emulator) -> None:
    client = _client(emulator)
    for attempt in range(55):
        requests.post(
            f"{emulator.url}/token",
            data={"client_id": client.client_id, "grant_type": f"attempt-{attempt}"},
            timeout=TIMEOUT,
        )

    stored = _stored(emulator.server.database_path, client.client_id)
    page = _page(emulator, client)

    assert len(stored) == 50
    assert '"attempt-54"' in stored[0] and '"attempt-5"' in stored[-1]
    assert page.count("POST /token") == 50


def test_the_home_page_links_the_debugger(emulator: Emulator) -> None:
    home = requests.get(f"{emulator.url}/", timeout=TIMEOUT).text

    assert 'href="/_emulator/debugger"' in home


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    server = EmulatorServer(tmp_path_factory.mktemp("demo-debugger"), mode="demo")
    server.start()
    yield server
    server.stop()


def test_demo_mode_has_no_debugger_and_records_nothing(demo_server: EmulatorServer) -> None:
    requests.post(
        f"{demo_server.url}/token", data={"client_id": "someone", "grant_type": "x"}, timeout=5
    )

    for path in ("/_emulator/debugger", "/_emulator/debugger/someone"):
        assert requests.get(f"{demo_server.url}{path}", timeout=5).status_code == 404
    assert 'href="/_emulator/debugger"' not in requests.get(demo_server.url, timeout=5).text
    assert _stored(demo_server.database_path, "someone") == []
