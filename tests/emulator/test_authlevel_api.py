"""The authlevel API, called as an agency calls it: with a server token from the JWT grant,
signed with the PKCS#12 enterprise certificate the emulator's test PKI made.

This module runs its own emulator: whether 11810160073 is known to ID-porten depends on every
login before, and other modules log that citizen in.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from emulator.personas import (
    HIGH_LEVEL_LONG_AGO_USER,
    HIGH_LEVEL_USER,
    MINID_ONLY_USER,
    NEW_USER,
)
from tests.emulator.api_support import (
    GENERIC_FAULTS,
    assert_bearer_refused,
    assert_credentials_asked_for,
    assert_generic_fault_then_recovery,
    assert_latency_delays_the_real_answer,
    assert_only_method,
    unseeded_pid,
)
from tests.emulator.support import (
    NAV_DEMO_CLIENT,
    TIMEOUT,
    Emulator,
    EmulatorServer,
    server_token,
)

AUTHLEVEL = "/authlevel/rest/v1/sikkerhetsnivaa"
SCOPE = "global/idporten.authlevel.read"
DAY = 24 * 3600
# The TestID page's eIDs with a fixed level: MinID is level 3, the others level 4.
LOGIN_EIDS = ("BankID", "BankID mobil", "Buypass", "Commfides", "MinID")


@pytest.fixture(scope="module")
def emulator_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    server = EmulatorServer(tmp_path_factory.mktemp("authlevel-emulator"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def token(emulator: Emulator) -> str:
    return server_token(emulator)


def lookup(
    emulator: Emulator, token: str | None, body: Any = None, **kwargs: Any
) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.post(
        f"{emulator.url}{AUTHLEVEL}",
        headers={**headers, **kwargs.pop("headers", {})},
        timeout=TIMEOUT,
        **({"json": body} if body is not None else {}),
        **kwargs,
    )


def harbruktnivaa4(emulator: Emulator, token: str, pid: str, **fields: str) -> bool:
    response = lookup(emulator, token, {"personidentifikator": pid, **fields})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == {"personidentifikator", "harbruktnivaa4"}
    assert answer["personidentifikator"] == pid
    assert response.headers["Cache-Control"] == "no-store"
    return answer["harbruktnivaa4"]


class TestThePersonas:
    def test_the_bankid_user_has_used_level_4_in_the_last_18_months(
        self, emulator: Emulator, token: str
    ) -> None:
        assert harbruktnivaa4(emulator, token, HIGH_LEVEL_USER.pid) is True

    def test_the_minid_only_user_has_not(self, emulator: Emulator, token: str) -> None:
        assert harbruktnivaa4(emulator, token, MINID_ONLY_USER.pid) is False
        assert harbruktnivaa4(emulator, token, MINID_ONLY_USER.pid, fraDato="2000-01-01") is False

    def test_the_long_ago_user_has_not_by_default_but_has_since_an_early_date(
        self, emulator: Emulator, token: str
    ) -> None:
        assert harbruktnivaa4(emulator, token, HIGH_LEVEL_LONG_AGO_USER.pid) is False
        early = {"fraDato": "2000-01-01"}
        assert harbruktnivaa4(emulator, token, HIGH_LEVEL_LONG_AGO_USER.pid, **early) is True

    def test_a_null_fradato_means_the_default_window(self, emulator: Emulator, token: str) -> None:
        response = lookup(
            emulator, token, {"personidentifikator": HIGH_LEVEL_LONG_AGO_USER.pid, "fraDato": None}
        )

        assert response.json()["harbruktnivaa4"] is False

    def test_a_fradato_after_the_last_login_gives_false(
        self, emulator: Emulator, token: str
    ) -> None:
        tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()

        assert harbruktnivaa4(emulator, token, HIGH_LEVEL_USER.pid, fraDato=tomorrow) is False

    def test_the_new_user_is_unknown_until_the_first_login_and_then_counts_by_its_eid(
        self, emulator: Emulator, token: str
    ) -> None:
        unknown = lookup(emulator, token, {"personidentifikator": NEW_USER.pid})
        assert unknown.status_code == 404
        assert unknown.content == b""

        emulator.code_flow(pid=NEW_USER.pid, eid="MinID")
        assert harbruktnivaa4(emulator, token, NEW_USER.pid) is False

        emulator.code_flow(pid=NEW_USER.pid, eid="BankID")
        assert harbruktnivaa4(emulator, token, NEW_USER.pid) is True


class TestWhatCountsAsLevel4:
    @pytest.mark.parametrize(("eid", "counts"), [(eid, eid != "MinID") for eid in LOGIN_EIDS])
    def test_a_login_counts_by_its_eid(
        self, emulator: Emulator, token: str, eid: str, counts: bool
    ) -> None:
        pid = unseeded_pid(10 + LOGIN_EIDS.index(eid))
        emulator.code_flow(pid=pid, eid=eid)

        assert harbruktnivaa4(emulator, token, pid) is counts

    def test_a_single_sign_on_reuse_never_counts(self, emulator: Emulator, token: str) -> None:
        pid = unseeded_pid(20)
        first = emulator.code_flow(pid=pid, eid="MinID")
        emulator.code_flow(client=NAV_DEMO_CLIENT, pid=pid, browser=first.browser)

        assert [row["eid"] for row in emulator.login_events(pid)] == ["Federated", "MinID PIN"]
        assert harbruktnivaa4(emulator, token, pid) is False

    def test_the_default_window_is_18_months(self, emulator: Emulator, token: str) -> None:
        # 18 months are 546 to 553 days, however they are counted: one login well inside,
        # one well outside, made at a clock shifted back.
        inside, outside = unseeded_pid(21), unseeded_pid(22)
        emulator.shift_clock(-540 * DAY)
        emulator.code_flow(pid=inside, eid="BankID")
        emulator.shift_clock(-20 * DAY)
        emulator.code_flow(pid=outside, eid="BankID")
        emulator.reset()
        fresh = server_token(emulator)

        assert harbruktnivaa4(emulator, fresh, inside) is True
        assert harbruktnivaa4(emulator, fresh, outside) is False
        before_both = (datetime.date.today() - datetime.timedelta(days=600)).isoformat()
        assert harbruktnivaa4(emulator, fresh, outside, fraDato=before_both) is True


class TestBadRequests:
    @pytest.mark.parametrize(
        "body",
        [
            b"{",
            b"[]",
            b'"15878510035"',
            b"null",
            b"{}",
            b'{"personidentifikator": 15878510035}',
            b'{"personidentifikator": "1587851003"}',
            b'{"personidentifikator": "158785100351"}',
            b'{"personidentifikator": "158785 10035"}',
            b'{"personidentifikator": "15878510036"}',
            b'{"personidentifikator": "\\u0661\\u0665878510035"}',
            b'{"personidentifikator": "15878510035", "fraDato": "2024-02-30"}',
            b'{"personidentifikator": "15878510035", "fraDato": "2024/01/01"}',
            b'{"personidentifikator": "15878510035", "fraDato": "20240101"}',
            b'{"personidentifikator": "15878510035", "fraDato": "2024-01-01T00:00:00"}',
            b'{"personidentifikator": "15878510035", "fraDato": 20240101}',
            b"\xff\xfe",
            b"[" * 100_000,
        ],
    )
    def test_a_malformed_body_gets_400_with_a_reason(
        self, emulator: Emulator, token: str, body: bytes
    ) -> None:
        response = lookup(emulator, token, data=body, headers={"Content-Type": "application/json"})

        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"
        assert response.json()["error_description"]

    @pytest.mark.parametrize(
        "content_type", [None, "text/plain", "application/x-www-form-urlencoded"]
    )
    def test_a_body_that_is_not_json_gets_415(
        self, emulator: Emulator, token: str, content_type: str | None
    ) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        body = f'{{"personidentifikator": "{HIGH_LEVEL_USER.pid}"}}'

        response = lookup(emulator, token, data=body.encode(), headers=headers)

        assert response.status_code == 415
        assert response.json()["error"] == "invalid_request"

    def test_json_with_a_charset_is_json(self, emulator: Emulator, token: str) -> None:
        body = f'{{"personidentifikator": "{HIGH_LEVEL_USER.pid}"}}'.encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}

        assert lookup(emulator, token, data=body, headers=headers).status_code == 200

    def test_unknown_fields_are_ignored(self, emulator: Emulator, token: str) -> None:
        body = {"personidentifikator": HIGH_LEVEL_USER.pid, "erRegistrertIdPorten": True}

        assert lookup(emulator, token, body).json()["harbruktnivaa4"] is True

    def test_a_method_other_than_post_gets_405(self, emulator: Emulator, token: str) -> None:
        assert_only_method(emulator, AUTHLEVEL, token, allowed="POST")


class TestRefusedTokens:
    @pytest.mark.parametrize(
        ("authorization", "challenge_error"),
        [(None, ""), ("Bearer", ""), ("Basic dXNlcjpwYXNz", ""), ("Bearer x.y.z", "invalid_token")],
    )
    def test_a_missing_or_malformed_token_gets_401(
        self, emulator: Emulator, authorization: str | None, challenge_error: str
    ) -> None:
        headers = {"Authorization": authorization} if authorization else {}
        response = lookup(
            emulator, None, {"personidentifikator": HIGH_LEVEL_USER.pid}, headers=headers
        )

        if challenge_error:
            assert_bearer_refused(response, 401, challenge_error)
        else:  # no bearer token at all: a challenge without an error (RFC 6750 3.1)
            assert_credentials_asked_for(response)

    def test_an_expired_server_token_gets_401(self, emulator: Emulator, token: str) -> None:
        emulator.shift_clock(121)

        response = lookup(emulator, token, {"personidentifikator": HIGH_LEVEL_USER.pid})

        assert_bearer_refused(response, 401, "invalid_token")

    def test_the_token_is_checked_before_the_body(self, emulator: Emulator) -> None:
        assert_bearer_refused(lookup(emulator, "x", data=b"{"), 401, "invalid_token")

    def test_a_token_without_the_authlevel_scope_gets_403(self, emulator: Emulator) -> None:
        user_token = emulator.code_flow(pid=HIGH_LEVEL_USER.pid).tokens["access_token"]

        response = lookup(emulator, user_token, {"personidentifikator": HIGH_LEVEL_USER.pid})

        assert_bearer_refused(response, 403, "insufficient_scope")
        assert f'scope="{SCOPE}"' in response.headers["WWW-Authenticate"]


class TestFaults:
    def ask(self, emulator: Emulator, token: str) -> requests.Response:
        return lookup(emulator, token, {"personidentifikator": HIGH_LEVEL_USER.pid})

    @pytest.mark.parametrize("fault", GENERIC_FAULTS)
    def test_a_generic_fault_replaces_one_answer(
        self, emulator: Emulator, token: str, fault: str
    ) -> None:
        assert_generic_fault_then_recovery(
            emulator, "authlevel", fault, lambda: self.ask(emulator, token)
        )

    def test_latency_delays_the_real_answer(self, emulator: Emulator, token: str) -> None:
        response = assert_latency_delays_the_real_answer(
            emulator, "authlevel", lambda: self.ask(emulator, token)
        )

        assert response.json()["harbruktnivaa4"] is True
