"""The generic faults (latency, 5xx, malformed JSON, dropped connection) at the emulator's two
APIs: one check, used by the authlevel and the login-history tests alike."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
import requests

from tests.emulator.support import Emulator

GENERIC_FAULTS = ("http_500", "http_502", "http_503", "malformed_json", "drop_connection")
LATENCY_SECONDS = 0.5


def assert_generic_fault_then_recovery(
    emulator: Emulator, endpoint: str, fault: str, call: Callable[[], requests.Response]
) -> None:
    """The next answer of `endpoint` is exactly the fault; the one after is the real one."""
    emulator.fault(endpoint, fault)
    if fault == "drop_connection":
        with pytest.raises(requests.ConnectionError):
            call()
    else:
        faulty = call()
        if fault == "malformed_json":
            assert faulty.status_code == 200
            assert faulty.headers["Content-Type"] == "application/json"
            with pytest.raises(json.JSONDecodeError):
                json.loads(faulty.text)
        else:
            assert faulty.status_code == int(fault.removeprefix("http_"))
    assert call().status_code == 200


def assert_latency_delays_the_real_answer(
    emulator: Emulator, endpoint: str, call: Callable[[], requests.Response]
) -> requests.Response:
    emulator.fault(endpoint, "latency", seconds=LATENCY_SECONDS)
    started = time.monotonic()
    response = call()
    assert time.monotonic() - started >= LATENCY_SECONDS
    assert response.status_code == 200
    return response
