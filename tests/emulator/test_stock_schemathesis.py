"""The stock schemathesis CLI passes against the emulator as anyone would run it:
`st run --checks all <emulator>/openapi.json`, once with a user token and once with a server
token, over real HTTP.

tests/emulator/test_api_contract.py drives schemathesis from Python and picks the token per
operation; this runs the command line with its own defaults and one token for everything, as
someone at a terminal does. Among others it holds the document to positive data acceptance: a
request the schema calls valid must not get a 400, which is why the document lists valid
national identity numbers rather than admit any 11 digits (JSON Schema cannot state the check
digits).

Bounded and repeatable: MAX_EXAMPLES per operation and a fixed seed. Both runs go at once, each
about 10 s, most of it the coverage phase, which --max-examples does not bound.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.emulator.api_support import history_user_token
from tests.emulator.support import Emulator, EmulatorServer, server_token

ST = Path(sys.executable).with_name("st")
MAX_EXAMPLES = 10
SEED = 17
RUN_TIMEOUT_SECONDS = 120
AUTHLEVEL = "POST /authlevel/rest/v1/sikkerhetsnivaa"
HISTORY = {"GET /innlogginger/logg/idporten", "GET /innlogginger/logg/idporten/all"}
# Each token, and the operations that are not for it: only those may answer nothing but 401 or
# 403, so a token the emulator refuses everywhere fails the run even though the CLI passes it.
TOKENS: dict[str, tuple[Callable[[Emulator], str], set[str]]] = {
    "user": (history_user_token, {AUTHLEVEL}),
    "server": (server_token, HISTORY),
}


@dataclass(frozen=True)
class StockRun:
    exit_code: int
    output: str
    report: dict[str, Any]


def _command(url: str, token: str, report: Path) -> list[str]:
    return [
        str(ST),
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--header",
        f"Authorization: Bearer {token}",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--no-color",
    ]


@pytest.fixture(scope="module")
def stock_runs(
    emulator_server: EmulatorServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, StockRun]:
    emulator = Emulator(emulator_server)
    emulator.reset()  # no fault or clock shift left by an earlier test
    workdir = tmp_path_factory.mktemp("schemathesis")
    # The CLI reads the first schemathesis.toml from its directory up: an empty one keeps the
    # defaults stock. It also keeps .hypothesis/ and .schemathesis/ there, not in the repository.
    (workdir / "schemathesis.toml").write_text("", encoding="utf-8")
    processes = {
        name: subprocess.Popen(
            _command(emulator.url, token(emulator), workdir / f"{name}.json"),
            cwd=workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name, (token, _) in TOKENS.items()
    }
    try:
        outputs = {
            name: process.communicate(timeout=RUN_TIMEOUT_SECONDS)[0]
            for name, process in processes.items()
        }
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    runs = {}
    for name, process in processes.items():
        report = workdir / f"{name}.json"
        runs[name] = StockRun(
            process.returncode,
            outputs[name],
            json.loads(report.read_text(encoding="utf-8")) if report.exists() else {},
        )
    return runs


@pytest.mark.parametrize("token", list(TOKENS))
def test_the_stock_cli_passes_every_check(stock_runs: dict[str, StockRun], token: str) -> None:
    run = stock_runs[token]

    assert run.exit_code == 0, run.output
    assert set(run.report["warnings"]["missing_auth"]) == TOKENS[token][1], run.output
