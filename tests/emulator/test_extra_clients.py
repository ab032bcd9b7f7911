"""Another team's clients from a file of their own, read again without a restart, and the
health check a script or container waits on (issue 17)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import requests

from tests.emulator.support import TIMEOUT, Emulator, RegisteredClient, code_flow

CLIENT = RegisteredClient(
    "other-team-service", "other-team-secret-not-for-production", "http://localhost:9000/cb"
)


def definition(**changes: object) -> dict[str, object]:
    return {
        "client_id": CLIENT.client_id,
        "client_secret": CLIENT.client_secret,
        "redirect_uris": [CLIENT.redirect_uri],
        "orgno": "974760673",
        "organisation_name": "REGISTERENHETEN I BRØNNØYSUND",
        "service_name": "Other team's service",
        "scopes": ["openid", "profile"],
        "grant_types": ["authorization_code"],
        "token_endpoint_auth_methods": ["client_secret_basic"],
        **changes,
    }


@pytest.fixture
def extra_clients(emulator: Emulator) -> Iterator[Callable[[str], None]]:
    path = emulator.server.extra_clients_file

    def write(content: str) -> None:
        path.write_text(content, encoding="utf-8")

    yield write
    path.unlink(missing_ok=True)


def test_a_client_in_the_file_can_log_in_without_a_restart(emulator: Emulator, extra_clients):
    extra_clients(json.dumps([definition()]))

    flow = code_flow(emulator, client=CLIENT)

    assert flow.tokens["id_token"]


def test_a_changed_file_is_read_again(emulator: Emulator, extra_clients):
    extra_clients(json.dumps([definition()]))
    code_flow(emulator, client=CLIENT)

    extra_clients(json.dumps([definition(redirect_uris=["http://localhost:9000/other-cb"])]))
    moved = RegisteredClient(
        CLIENT.client_id, CLIENT.client_secret, "http://localhost:9000/other-cb"
    )

    assert code_flow(emulator, client=moved).tokens["access_token"]


def test_a_broken_file_leaves_the_registry_as_it_was(emulator: Emulator, extra_clients):
    extra_clients(json.dumps([definition()]))
    code_flow(emulator, client=CLIENT)

    extra_clients('[{"client_id": "half a definition"')

    assert code_flow(emulator, client=CLIENT).tokens["access_token"]
    assert "event=extra_clients_refused" in emulator.server.stderr()


def test_the_health_check_says_ok_with_the_issuer(emulator: Emulator) -> None:
    response = requests.get(f"{emulator.url}/healthz", timeout=TIMEOUT)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "issuer": emulator.issuer}
