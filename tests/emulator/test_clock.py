"""The emulator's clock: one read of the offset per request, and a change seen by the next one.

The requests run in the emulator's own process (Django's test client in `manage.py shell`,
see emulator_db.py), where the queries can be counted, against a prepared database of their own.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.emulator.support import EmulatorServer

# One probe answers every test: preparing a database and starting a process cost seconds.
PROBE = """
import base64
import json
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import jwt
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.emulator.support import (
    JWT_BEARER,
    PORTAL_CLIENT,
    SERVER_CLIENT_ID,
    authorization_request,
    enterprise_certificate_load,
)

browser = Client(HTTP_HOST="127.0.0.1")
pki = settings.EMULATOR_PKI_DIR
credentials = enterprise_certificate_load(
    pki / f"{SERVER_CLIENT_ID}.p12",
    (pki / f"{SERVER_CLIENT_ID}.password").read_text(encoding="ascii"),
)
basic = base64.b64encode(
    f"{PORTAL_CLIENT.client_id}:{PORTAL_CLIENT.client_secret}".encode()
).decode()


def offset_reads(queries):
    return sum("emulator_clockoffset" in query["sql"] for query in queries.captured_queries)


def code_grant():
    request = authorization_request()
    login = browser.get("/authorize", request.params)["Location"]
    callback = browser.post(login, {"pid": "15878510035", "eid": "TestID"})["Location"]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    with CaptureQueriesContext(connection) as queries:
        response = browser.post(
            "/token",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": PORTAL_CLIENT.redirect_uri,
                "code_verifier": request.code_verifier,
            },
            HTTP_AUTHORIZATION=f"Basic {basic}",
        )
    return response, offset_reads(queries)


def jwt_grant(offset):
    issued = int(time.time() + offset)
    assertion = jwt.encode(
        {
            "aud": settings.EMULATOR_ISSUER,
            "iss": SERVER_CLIENT_ID,
            "scope": "global/idporten.authlevel.read",
            "iat": issued,
            "exp": issued + 60,
            "jti": secrets.token_urlsafe(16),
        },
        credentials.key,
        algorithm="RS256",
        headers={"x5c": credentials.x5c},
    )
    with CaptureQueriesContext(connection) as queries:
        response = browser.post("/token", {"grant_type": JWT_BEARER, "assertion": assertion})
    return response, offset_reads(queries)


def access_token_iat(response):
    token = response.json()["access_token"]
    return jwt.decode(token, options={"verify_signature": False})["iat"]


code_response, code_reads = code_grant()
jwt_response, jwt_reads = jwt_grant(0)
moved = browser.post(
    "/_emulator/clock", {"offset_seconds": 3600}, content_type="application/json"
)
after_response, after_reads = jwt_grant(3600)
print(json.dumps({
    "code_status": code_response.status_code,
    "code_reads": code_reads,
    "jwt_status": jwt_response.status_code,
    "jwt_reads": jwt_reads,
    "jwt_iat": access_token_iat(jwt_response),
    "moved": moved.json(),
    "after_status": after_response.status_code,
    "after_reads": after_reads,
    "after_iat": access_token_iat(after_response),
}))
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    server = EmulatorServer(tmp_path_factory.mktemp("clock-emulator"))
    prepared = server.manage("emulator_prepare", "--verbosity=0")
    assert prepared.returncode == 0, prepared.stderr
    started = int(time.time())  # whole seconds, as the clock API's `now`
    result = server.manage("shell", "--verbosity=0", "--command", PROBE)
    assert result.returncode == 0, result.stderr
    return {**json.loads(result.stdout), "started": started}


def test_a_code_grant_token_request_reads_the_clock_offset_once(probe: dict[str, Any]) -> None:
    assert probe["code_status"] == 200
    assert probe["code_reads"] == 1


def test_a_jwt_grant_token_request_reads_the_clock_offset_once(probe: dict[str, Any]) -> None:
    assert probe["jwt_status"] == 200
    assert probe["jwt_reads"] == 1


def test_a_clock_change_is_seen_by_its_own_answer_and_the_next_request(
    probe: dict[str, Any],
) -> None:
    started = probe["started"]
    assert probe["moved"]["offset_seconds"] == 3600
    assert probe["moved"]["now"] >= started + 3600
    assert probe["after_status"] == 200, "the assertion is timed an hour ahead, as the clock is"
    assert probe["after_reads"] == 1
    assert probe["after_iat"] - probe["jwt_iat"] >= 3600
