"""The control API: client registration and clock for tests, absent in demo mode and to any
request that does not come from a loopback address."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing

import pytest
import requests

from tests.emulator.support import ROOT, Emulator, EmulatorServer, RegisteredClient


def test_a_registered_client_with_a_random_port_can_log_in(emulator: Emulator) -> None:
    client = RegisteredClient("test-client-xyz", "s3cret-s3cret", "http://127.0.0.1:54321/cb")
    emulator.register_client(
        client_id=client.client_id,
        client_secret=client.client_secret,
        redirect_uris=[client.redirect_uri],
        orgno="974760673",
        organisation_name="REGISTERENHETEN I BRØNNØYSUND",
        service_name="REGISTERENHETEN I BRØNNØYSUND",
        scopes=["openid", "profile"],
        grant_types=["authorization_code"],
        token_endpoint_auth_methods=["client_secret_basic"],
    )

    tokens = emulator.code_flow(client=client, pid="04899220043").tokens

    assert tokens["id_token"]
    assert "refresh_token" not in tokens
    assert emulator.login_events("04899220043")[0]["orgno"] == "974760673"


@pytest.mark.parametrize("body", [{"client_id": ""}, {"client_id": "x", "colour": "blue"}, []])
def test_it_refuses_a_bad_client_definition(emulator: Emulator, body: object) -> None:
    response = requests.post(f"{emulator.url}/_emulator/clients", json=body, timeout=5)

    assert response.status_code == 400


def test_it_refuses_a_clock_offset_that_is_not_a_number(emulator: Emulator) -> None:
    response = requests.post(
        f"{emulator.url}/_emulator/clock", json={"offset_seconds": "soon"}, timeout=5
    )

    assert response.status_code == 400


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    server = EmulatorServer(tmp_path_factory.mktemp("demo-emulator"), mode="demo")
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("path", ["faults", "clients", "clock", "reset"])
def test_the_control_api_does_not_exist_in_demo_mode(
    demo_server: EmulatorServer, path: str
) -> None:
    response = requests.post(f"{demo_server.url}/_emulator/{path}", json={}, timeout=5)

    assert response.status_code == 404


# --- Loopback only -----------------------------------------------------------------------------
# Over HTTP the test's requests always come from 127.0.0.1, so these run Django's test client
# inside an emulator process (the fixture's settings: DEBUG, EMULATOR_MODE=test, its database),
# where REMOTE_ADDR and the forwarding headers can be anything.

PROBE = """
import json, os
from django.test import Client
answers = []
for case in json.loads(os.environ["CASES"]):
    client = Client(HTTP_HOST="127.0.0.1", **case["meta"])
    path = "/_emulator/" + case["path"]
    if case["method"] == "get":
        response = client.get(path)
    else:
        response = client.post(path, case["body"], content_type="application/json")
    answers.append(response.status_code)
print(json.dumps(answers))
"""

SAFE_REQUESTS = [  # (method, path, body): none of them changes anything when answered
    ("get", "faults", None),
    ("post", "clients", {}),  # 400: an empty definition
    ("post", "clock", {"offset_seconds": "soon"}),  # 400: not a number
    ("post", "reset", {}),  # the fixture resets before and after each test anyway
]


def control_statuses(
    server: EmulatorServer,
    meta: dict[str, str],
    calls: list[tuple[str, str, object]] = SAFE_REQUESTS,
    **env: str,
) -> list[int]:
    """The status of each call, made with the request META given (REMOTE_ADDR and headers)."""
    cases = [{"meta": meta, "method": m, "path": p, "body": b} for m, p, b in calls]
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-v",
            "0",
            "-c",
            PROBE,
            "--settings=emulator.settings",
        ],
        cwd=ROOT,
        env={**server.env, **env, "CASES": json.dumps(cases)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "127.255.255.254", "::1"])
@pytest.mark.parametrize("mode", ["test", "dev"])
def test_the_control_api_answers_a_loopback_address_in_dev_and_test_mode(
    emulator: Emulator, address: str, mode: str
) -> None:
    statuses = control_statuses(emulator.server, {"REMOTE_ADDR": address}, EMULATOR_MODE=mode)

    assert statuses == [200, 400, 400, 200]


@pytest.mark.parametrize(
    "address",
    [
        "192.0.2.10",
        "10.0.0.1",
        "172.17.0.1",  # a container's bridge gateway
        "0.0.0.0",  # noqa: S104 (an address a request claims, not one we bind)
        "::",
        "2001:db8::1",
        "::ffff:192.0.2.10",
        "fe80::1",
        "localhost",  # not an address at all
        "",
    ],
)
def test_the_control_api_does_not_exist_for_any_other_address(
    emulator: Emulator, address: str
) -> None:
    statuses = control_statuses(emulator.server, {"REMOTE_ADDR": address})

    assert statuses == [404, 404, 404, 404]


def test_a_refused_request_changes_nothing(emulator: Emulator) -> None:
    fault = ("post", "faults", {"endpoint": "token", "fault": "http_503", "count": 1})
    clock = ("post", "clock", {"offset_seconds": 3600})

    statuses = control_statuses(emulator.server, {"REMOTE_ADDR": "192.0.2.10"}, [fault, clock])

    assert statuses == [404, 404]
    assert emulator.faults() == []
    with closing(sqlite3.connect(emulator.server.database_path)) as connection:
        offsets = connection.execute("SELECT seconds FROM emulator_clockoffset").fetchall()
    assert all(seconds == 0 for (seconds,) in offsets)


def test_forwarding_headers_do_not_make_a_request_loopback(emulator: Emulator) -> None:
    meta = {
        "REMOTE_ADDR": "192.0.2.10",
        "HTTP_X_FORWARDED_FOR": "127.0.0.1",
        "HTTP_X_REAL_IP": "127.0.0.1",
        "HTTP_FORWARDED": "for=127.0.0.1",
    }

    assert control_statuses(emulator.server, meta) == [404, 404, 404, 404]


def test_a_mapped_ipv4_loopback_address_is_loopback(emulator: Emulator) -> None:
    # What a dual-stack socket reports for a connection from 127.0.0.1.
    assert control_statuses(emulator.server, {"REMOTE_ADDR": "::ffff:127.0.0.1"}) == [
        200,
        400,
        400,
        200,
    ]
