"""What the authlevel and the login-history tests share: a token for the history API, citizens
ID-porten has not seen, the checks of refused requests, and of the generic faults (latency, 5xx,
malformed JSON, dropped connection)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
import requests

from tests.emulator.support import TIMEOUT, Emulator
from tests.nin_support import is_valid_national_identity_number


def history_user_token(emulator: Emulator) -> str:
    """A user-bound access token with both login-history scopes, from a real code flow."""
    scope = "openid idporten:user.log.read idporten:user.log.all.read"
    token: str = emulator.code_flow(scope=scope).tokens["access_token"]
    return token


def unseeded_pid(day: int) -> str:
    """A valid synthetic number that no persona has: born on `day` December 1999."""
    for individual in range(100, 500):
        for check_digits in range(100):
            candidate = f"{day:02d}9299{individual:03d}{check_digits:02d}"
            if is_valid_national_identity_number(candidate):
                return candidate
    raise AssertionError("no valid number for that day")


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


def assert_bearer_refused(response: requests.Response, status: int, error: str) -> None:
    """RFC 6750 3: the status, the error in WWW-Authenticate and, for people, in the body."""
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.headers["WWW-Authenticate"].startswith(
        f'Bearer realm="idporten-emulator", error="{error}"'
    )


def assert_credentials_asked_for(response: requests.Response) -> None:
    """No bearer token at all (none, another scheme, an empty one): 401 with a challenge that
    carries no error code (RFC 6750 3.1: SHOULD NOT)."""
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="idporten-emulator"'


def assert_only_method(emulator: Emulator, path: str, token: str, *, allowed: str) -> None:
    """Every other method gets 405 with Allow naming the one there is (not the CSRF 403)."""
    for method in {"GET", "POST", "PUT", "DELETE"} - {allowed}:
        response = requests.request(
            method,
            f"{emulator.url}{path}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT,
        )
        assert response.status_code == 405, method
        assert response.headers["Allow"] == allowed
