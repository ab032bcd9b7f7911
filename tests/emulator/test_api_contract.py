"""The emulator keeps its OpenAPI document (/openapi.json): schemathesis sends generated valid and
invalid requests to the live emulator, with real tokens, and checks every answer against it.

Bounded and repeatable: at most MAX_EXAMPLES generated cases per operation, derandomized.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from emulator.personas import PERSONAS
from emulator.types import DEFAULT_MAXHITS, MAX_MAXHITS
from tests.emulator.api_support import history_user_token
from tests.emulator.support import ROOT, TIMEOUT, Emulator, EmulatorServer, server_token
from tests.nin_support import is_valid_national_identity_number

MAX_EXAMPLES = 40
# Access tokens live 120 s; a token older than this is replaced before the next operation.
TOKEN_RENEWAL_SECONDS = 90


class Tokens:
    """Fresh access tokens for the operations that need one, renewed before they expire."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._issued: dict[str, tuple[float, str]] = {}
        self._sources: dict[str, Callable[[], str]] = {
            "serverToken": lambda: server_token(emulator),
            "userToken": lambda: history_user_token(emulator),
        }

    def header_for(self, method: str, path: str) -> dict[str, str]:
        """A bearer token for an operation the document protects with one (a default-free
        security list: the document must say for each operation)."""
        security = DOCUMENT["paths"][path][method.lower()]["security"]
        bearer = {name for requirement in security for name in requirement} & set(self._sources)
        if not bearer:
            return {}
        return {"Authorization": f"Bearer {self._token(bearer.pop())}"}

    def _token(self, scheme: str) -> str:
        issued_at, token = self._issued.get(scheme, (0.0, ""))
        if time.monotonic() - issued_at > TOKEN_RENEWAL_SECONDS:
            token = self._sources[scheme]()
            self._issued[scheme] = (time.monotonic(), token)
        return token


DOCUMENT = json.loads((ROOT / "emulator" / "openapi.json").read_text(encoding="utf-8"))
AUTHLEVEL = "/authlevel/rest/v1/sikkerhetsnivaa"
OWN_LOG = "/innlogginger/logg/idporten"
ALL_LOG = "/innlogginger/logg/idporten/all"
# Statuses each run must have met, so that a run that only ever saw 401s (a token gone bad)
# or only 400s cannot pass: valid requests reach the real answers, invalid ones the 400.
MUST_SEE = {
    GenerationMode.POSITIVE: {
        AUTHLEVEL: {200, 404},
        OWN_LOG: {200},
        ALL_LOG: {200},
        "/innlogginger/health": {200},
        # Generated codes and assertions are never real ones.
        "/token": {400},
    },
    GenerationMode.NEGATIVE: {AUTHLEVEL: {400}, OWN_LOG: {400}, ALL_LOG: {400}, "/token": {400}},
}


def _runs() -> list[Any]:
    """Every operation with valid requests, and those that take input with invalid ones too."""
    return [
        pytest.param(method.upper(), path, mode, id=f"{method.upper()} {path} {mode}")
        for mode, paths in MUST_SEE.items()
        for path in paths
        for method in DOCUMENT["paths"][path]
    ]


@pytest.fixture(scope="module")
def api_schema(emulator_server: EmulatorServer) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{emulator_server.url}/openapi.json", timeout=TIMEOUT)


@pytest.mark.parametrize(("method", "path", "mode"), _runs())
def test_the_emulator_answers_as_its_openapi_document_says(
    emulator: Emulator,
    api_schema: schemathesis.BaseSchema,
    method: str,
    path: str,
    mode: GenerationMode,
) -> None:
    tokens = Tokens(emulator)
    seen: set[int] = set()

    @given(case=api_schema[path][method].as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def answers_as_documented(case: schemathesis.Case) -> None:
        response = case.call_and_validate(headers=tokens.header_for(method, path), timeout=TIMEOUT)
        seen.add(response.status_code)

    answers_as_documented()

    assert MUST_SEE[mode][path] <= seen, seen


def test_every_documented_operation_is_checked() -> None:
    documented = {path for path in DOCUMENT["paths"]}
    assert set(MUST_SEE[GenerationMode.POSITIVE]) == documented


def test_the_document_is_served_with_the_emulators_own_address(
    emulator_server: EmulatorServer,
) -> None:
    document = requests.get(f"{emulator_server.url}/openapi.json", timeout=TIMEOUT).json()

    assert document["servers"] == [{"url": emulator_server.url}]
    assert set(document["paths"]) == {
        "/authlevel/rest/v1/sikkerhetsnivaa",
        "/innlogginger/logg/idporten",
        "/innlogginger/logg/idporten/all",
        "/innlogginger/health",
        "/token",
    }


def test_the_documents_numbers_are_valid_and_include_every_persona() -> None:
    """JSON Schema cannot state the check digits, so the document lists the numbers generated
    requests may carry (emulator/openapi.json, personidentifikator): each must be one the API
    accepts, or a valid request would get the 400 of an invalid one."""
    request = DOCUMENT["components"]["schemas"]["AuthlevelRequest"]
    numbers = request["properties"]["personidentifikator"]["enum"]

    assert [n for n in numbers if not is_valid_national_identity_number(n)] == []
    assert {persona.pid for persona in PERSONAS} <= set(numbers)


def test_the_document_states_the_maxhits_the_emulator_enforces() -> None:
    schema = DOCUMENT["components"]["parameters"]["maxhits"]["schema"]

    assert (schema["default"], schema["maximum"]) == (DEFAULT_MAXHITS, MAX_MAXHITS)
