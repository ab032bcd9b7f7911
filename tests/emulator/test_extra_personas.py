"""A team's own synthetic citizens from a file, read again without a restart, and clients from
EMULATOR_EXTRA_CLIENTS, the inline variant of the clients file (issue 17)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.emulator.support import (
    ROOT,
    TIMEOUT,
    Emulator,
    EmulatorServer,
    authorization_request,
    authorize,
    code_flow,
    redirect_params,
    submit_login,
)
from tests.emulator.test_extra_clients import CLIENT, definition

# Valid synthetic numbers (born 1 January 1974, month + 80) that no built-in persona has.
FIRST = "01897410059"
SECOND = "01897410210"
THIRD = "01897410482"
REAL_NUMBER = "01017410063"  # valid, but not synthetic


@pytest.fixture
def extra_personas(emulator: Emulator) -> Iterator[Callable[[object], None]]:
    path = emulator.server.extra_personas_file

    def write(content: object) -> None:
        path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")

    yield write
    path.write_text("[]", encoding="utf-8")


def login_page(emulator: Emulator) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    return browser, authorize(emulator, browser, authorization_request(scope="openid"))


def test_a_persona_in_the_file_logs_in_with_its_generated_history(
    emulator: Emulator, extra_personas
):
    extra_personas([{"pid": FIRST, "description": "Team persona with history", "logins": 5}])
    browser, page = login_page(emulator)
    assert f"{FIRST}: Team persona with history" in page.text

    assert "code" in redirect_params(submit_login(browser, page, persona=FIRST, eid="TestID"))

    flow = code_flow(emulator, pid=FIRST, scope="openid idporten:user.log.all.read")
    log = requests.get(
        f"{emulator.url}/innlogginger/logg/idporten/all",
        headers={"Authorization": f"Bearer {flow.tokens['access_token']}"},
        timeout=TIMEOUT,
    )
    assert log.status_code == 200, log.text
    # The 5 generated logins and the two of this test.
    assert len(log.json()) == 7
    # Read again (a new description): the history is not written a second time.
    extra_personas([{"pid": FIRST, "description": "Renamed", "logins": 5}])
    assert "Renamed" in login_page(emulator)[1].text
    assert len(emulator.login_events(FIRST)) == 7


def test_a_changed_file_is_read_again(emulator: Emulator, extra_personas):
    extra_personas([{"pid": SECOND, "description": "First version"}])
    assert "First version" in login_page(emulator)[1].text

    extra_personas([{"pid": THIRD, "description": "Second version"}])
    page = login_page(emulator)[1].text

    assert "Second version" in page
    assert "First version" not in page
    assert emulator.login_events(THIRD) == []  # no `logins`: no history


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ({"pid": "01897410058", "description": "Bad checksum"}, "checksum"),
        ({"pid": REAL_NUMBER, "description": "Real number"}, "synthetic"),
        ({"pid": "15878510035", "description": "Built-in"}, "built-in"),
        ({"pid": THIRD, "description": "Twice"}, "listed twice"),
        ({"pid": THIRD, "description": "Extra", "colour": "red"}, "unknown fields: colour"),
        ({"pid": FIRST, "description": "Too many", "logins": 10_001}, "logins"),
        ({"pid": FIRST, "description": "Not a number", "logins": True}, "logins"),
    ],
)
def test_a_bad_file_is_logged_and_leaves_the_personas_as_they_were(
    emulator: Emulator, extra_personas, entry: dict[str, object], reason: str
):
    kept = {"pid": SECOND, "description": "Kept persona"}
    extra_personas([kept])
    assert "Kept persona" in login_page(emulator)[1].text

    extra_personas([kept, {"pid": THIRD, "description": "Twice"}, entry])
    page = login_page(emulator)[1].text

    assert "Kept persona" in page
    assert entry["description"] not in page
    refused = [
        line for line in emulator.server.stderr().splitlines() if "extra_personas_refused" in line
    ][-1]
    assert "entry 3" in refused and repr(entry["description"]) in refused and reason in refused


def test_a_client_in_the_variable_is_registered_at_start(tmp_path: Path, emulator: Emulator):
    # A second server on the session's database, which is prepared already: a quick start.
    server = EmulatorServer(tmp_path)
    server.env["EMULATOR_DATABASE_URL"] = emulator.server.env["EMULATOR_DATABASE_URL"]
    server.env["EMULATOR_EXTRA_CLIENTS"] = json.dumps([definition()])
    server.start()
    try:
        assert code_flow(Emulator(server), client=CLIENT).tokens["id_token"]
    finally:
        server.stop()


@pytest.mark.parametrize(
    "value",
    ['{"client_id": "not a list"}', "[not json", json.dumps([definition(colour="red")])],
)
def test_a_bad_variable_stops_the_start(tmp_path: Path, value: str):
    server = EmulatorServer(tmp_path)
    server.env["EMULATOR_EXTRA_CLIENTS"] = value
    started = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "runserver",
            "--noreload",
            "--settings=emulator.settings",
            f"127.0.0.1:{server.port}",
        ],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert started.returncode != 0
    # The error itself names the variable, not only a line of the traceback.
    assert "ImproperlyConfigured: EMULATOR_EXTRA_CLIENTS" in started.stderr.splitlines()[-1]
