"""The control API: client registration and clock for tests, absent in demo mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.emulator.support import Emulator, EmulatorServer, RegisteredClient


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
