"""Back-channel logout from the emulator (docs/idporten.md 8.1): a real emulator subprocess
POSTs its logout tokens to a small HTTP server of the test, on 127.0.0.1 in a thread."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest
import requests

from tests.emulator.support import ROOT, Emulator, FlowResult, RegisteredClient, decode_verified

EVENT = "http://schemas.openid.net/event/backchannel-logout"
TIMEOUT = 15


@dataclass
class Received:
    path: str
    content_type: str
    form: dict[str, list[str]]

    @property
    def token(self) -> str:
        assert list(self.form) == ["logout_token"], self.form
        (token,) = self.form["logout_token"]
        return token


@dataclass
class Receiver:
    """An HTTP server that records every POST and answers `status` after `delay` seconds."""

    status: int = 200
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/backchannel-logout"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(
                    Received(
                        self.path,
                        self.headers.get("Content-Type", ""),
                        parse_qs(body.decode("ascii"), keep_blank_values=True),
                    )
                )
                receiver.release.wait(receiver.delay)
                try:
                    self.send_response(receiver.status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the emulator gave up waiting

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False  # a slow handler must not hold up the test's end

        self.server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def receivers() -> Iterator[Any]:
    started: list[Receiver] = []

    def start(**kwargs: Any) -> Receiver:
        receiver = Receiver(**kwargs).start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


def register(emulator: Emulator, backchannel_logout_uri: str = "") -> RegisteredClient:
    """A fresh client (so no earlier logout token of it is remembered)."""
    client = RegisteredClient(
        f"bcl-{secrets.token_hex(4)}", secrets.token_urlsafe(16), "http://127.0.0.1:9/cb"
    )
    emulator.register_client(
        client_id=client.client_id,
        client_secret=client.client_secret,
        redirect_uris=[client.redirect_uri],
        # Only for the ID token's sid, which the test compares with the logout token's.
        frontchannel_logout_session_required=True,
        backchannel_logout_uri=backchannel_logout_uri,
        orgno="991825827",
        organisation_name="TEST",
        service_name="TEST",
        scopes=["openid", "profile"],
        grant_types=["authorization_code"],
        token_endpoint_auth_methods=["client_secret_basic"],
    )
    return client


def end_session(emulator: Emulator, flow: FlowResult, client: RegisteredClient):
    return flow.browser.get(
        f"{emulator.url}/endsession", params={"client_id": client.client_id}, timeout=TIMEOUT
    )


def id_token_claims(emulator: Emulator, flow: FlowResult, client: RegisteredClient) -> dict:
    return decode_verified(emulator, flow.tokens["id_token"], audience=client.client_id)


def deviations(
    emulator: Emulator,
    token: str,
    *,
    client: RegisteredClient,
    id_token: dict[str, Any],
    previous_jti: str | None = None,
) -> set[str]:
    """How the token differs from a well-formed logout token for this client and login, named
    as the faults are; an empty set for a good one."""
    found = set()
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    assert header["typ"] == "logout+jwt"
    (key,) = [key for key in emulator.jwks()["keys"] if key["kid"] == header["kid"]]
    try:
        jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"], options={"verify_aud": False})
    except jwt.InvalidSignatureError:
        found.add("bad_signature")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == emulator.issuer
    if claims["aud"] != client.client_id:
        found.add("wrong_aud")
    assert claims["sub"] == id_token["sub"]
    assert abs(claims["iat"] - time.time()) < 10
    assert claims["exp"] == claims["iat"] + 120
    assert isinstance(claims["jti"], str) and len(claims["jti"]) >= 16
    if previous_jti is not None and claims["jti"] == previous_jti:
        found.add("replayed_jti")
    if "events" not in claims:
        found.add("no_events")
    else:
        assert claims["events"] == {EVENT: {}}
    if "nonce" in claims:
        found.add("nonce")
    if "sid" not in claims:
        found.add("no_sid")
    else:
        assert claims["sid"] == id_token["sid"]
    assert set(claims) <= {"iss", "aud", "sub", "iat", "exp", "jti", "events", "sid", "nonce"}
    return found


def test_discovery_says_back_channel_logout_with_session_is_supported(emulator: Emulator):
    metadata = requests.get(f"{emulator.url}/.well-known/openid-configuration", timeout=5).json()
    assert metadata["backchannel_logout_supported"] is True
    assert metadata["backchannel_logout_session_supported"] is True


def test_the_portals_client_is_registered_for_back_channel_logout_by_default():
    clients = json.loads((Path(ROOT) / "emulator" / "clients.json").read_text(encoding="utf-8"))
    portal = next(c for c in clients if c["client_id"] == "local-min-innloggingshistorikk")
    assert portal["backchannel_logout_uri"] == "http://localhost:8000/backchannel-logout"


def test_ending_the_sso_session_posts_a_well_formed_logout_token(
    emulator: Emulator, receivers: Any
):
    receiver = receivers()
    client = register(emulator, receiver.url)
    flow = emulator.code_flow(client=client)

    response = end_session(emulator, flow, client)

    assert response.status_code == 200
    (received,) = receiver.received
    assert received.path == "/backchannel-logout"
    assert received.content_type == "application/x-www-form-urlencoded"
    token = received.token
    assert (
        deviations(emulator, token, client=client, id_token=id_token_claims(emulator, flow, client))
        == set()
    )


def test_every_client_of_the_sso_session_with_a_uri_gets_its_own_token(
    emulator: Emulator, receivers: Any
):
    first, second = receivers(), receivers()
    client_a, client_b = register(emulator, first.url), register(emulator, second.url)
    without = register(emulator)  # no backchannel_logout_uri: nothing is sent for it
    flow_a = emulator.code_flow(client=client_a)
    flow_b = emulator.code_flow(client=client_b, browser=flow_a.browser)
    emulator.code_flow(client=without, browser=flow_a.browser)

    end_session(emulator, flow_a, client_a)

    (to_a,) = first.received
    (to_b,) = second.received
    claims_a = jwt.decode(to_a.token, options={"verify_signature": False})
    claims_b = jwt.decode(to_b.token, options={"verify_signature": False})
    assert (claims_a["aud"], claims_b["aud"]) == (client_a.client_id, client_b.client_id)
    assert claims_a["sid"] == claims_b["sid"] == id_token_claims(emulator, flow_b, client_b)["sid"]
    assert claims_a["jti"] != claims_b["jti"]


def test_a_logout_without_an_sso_session_sends_nothing(emulator: Emulator, receivers: Any):
    receiver = receivers()
    client = register(emulator, receiver.url)
    flow = emulator.code_flow(client=client)
    end_session(emulator, flow, client)
    end_session(emulator, flow, client)  # the session has ended already
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    "fault", ["bad_signature", "wrong_aud", "no_events", "nonce", "no_sid", "replayed_jti"]
)
def test_each_logout_token_fault_changes_exactly_what_it_names(
    emulator: Emulator, receivers: Any, fault: str
):
    receiver = receivers()
    client = register(emulator, receiver.url)
    before = emulator.code_flow(client=client)
    end_session(emulator, before, client)
    previous_jti = jwt.decode(receiver.received[0].token, options={"verify_signature": False})[
        "jti"
    ]

    flow = emulator.code_flow(client=client)  # a new SSO session
    emulator.fault("endsession", fault)
    assert end_session(emulator, flow, client).status_code == 200
    # The fault is used up by that one token: the next logout is well-formed again.
    after = emulator.code_flow(client=client)
    end_session(emulator, after, client)

    faulty, good = receiver.received[1].token, receiver.received[2].token
    id_token = id_token_claims(emulator, flow, client)
    assert deviations(
        emulator, faulty, client=client, id_token=id_token, previous_jti=previous_jti
    ) == {fault}
    assert (
        deviations(
            emulator,
            good,
            client=client,
            id_token=id_token_claims(emulator, after, client),
            previous_jti=previous_jti,
        )
        == set()
    )
    assert emulator.faults() == []


def test_replayed_jti_for_a_client_without_an_earlier_token_sends_the_token_twice(
    emulator: Emulator, receivers: Any
):
    receiver = receivers()
    client = register(emulator, receiver.url)
    flow = emulator.code_flow(client=client)
    emulator.fault("endsession", "replayed_jti")

    end_session(emulator, flow, client)

    first, second = receiver.received
    assert first.token == second.token


def test_logout_token_faults_are_only_for_endsession(emulator: Emulator):
    with pytest.raises(requests.HTTPError):
        emulator.fault("token", "no_events")
    emulator.fault("endsession", "no_events")
    assert [f["fault"] for f in emulator.faults()] == ["no_events"]


def test_a_dead_receiver_does_not_break_or_slow_the_logout(emulator: Emulator, receivers: Any):
    gone = receivers()
    dead_url = gone.url
    gone.stop()  # nothing listens on that port any more: connection refused
    client = register(emulator, dead_url)
    flow = emulator.code_flow(client=client)

    started = time.monotonic()
    response = end_session(emulator, flow, client)

    assert response.status_code == 200
    assert time.monotonic() - started < 2
    assert f"event=backchannel_logout_failed client_id={client.client_id}" in (
        emulator.server.stderr()
    )


def test_a_refusing_receiver_is_logged_and_not_retried(emulator: Emulator, receivers: Any):
    receiver = receivers(status=400)
    client = register(emulator, receiver.url)
    flow = emulator.code_flow(client=client)

    assert end_session(emulator, flow, client).status_code == 200
    assert len(receiver.received) == 1
    assert (
        f"event=backchannel_logout_refused client_id={client.client_id} status=400"
        in emulator.server.stderr()
    )


def test_slow_receivers_hold_up_the_logout_by_one_read_timeout_at_most(
    emulator: Emulator, receivers: Any
):
    """5 s to read, like ID-porten, and the clients are called side by side: two receivers
    that never answer in time cost one read timeout, not two."""
    slow_a, slow_b = receivers(delay=30), receivers(delay=30)
    client_a, client_b = register(emulator, slow_a.url), register(emulator, slow_b.url)
    flow = emulator.code_flow(client=client_a)
    emulator.code_flow(client=client_b, browser=flow.browser)

    started = time.monotonic()
    response = end_session(emulator, flow, client_a)
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert 5 <= elapsed < 8
    assert len(slow_a.received) == len(slow_b.received) == 1
    stderr = emulator.server.stderr()
    for client in (client_a, client_b):
        assert f"event=backchannel_logout_failed client_id={client.client_id} reason=" in stderr
