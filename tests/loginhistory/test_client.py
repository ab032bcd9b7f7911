"""Validating the API's answer item by item, the flags, and mapping every failure."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import pytest
import requests
from django.contrib.sessions.backends.base import SessionBase

from idporten import loginhistory_api
from idporten.loginhistory_api import (
    OSLO,
    HistoryNotOffered,
    HistoryUnavailable,
    login_records,
    parse_items,
)
from idporten.session import ReauthenticationRequired
from loginhistory.history import flagged
from tests.loginhistory.conftest import API, StubApi, item

GOOD = item("2019-03-07T09:26:36", service="DIREKTORATET FOR FORVALTNING OG IKT", eid="MinID PIN")


class TestParsingItems:
    def test_it_reads_the_seeds_example_as_oslo_time(self) -> None:
        (login,) = parse_items([GOOD])

        assert login.time == datetime.datetime(2019, 3, 7, 9, 26, 36, tzinfo=OSLO)
        assert login.time.utcoffset() == datetime.timedelta(hours=1)
        assert (login.service, login.eid, login.orgno) == (
            "DIREKTORATET FOR FORVALTNING OG IKT",
            "MinID PIN",
            "974761076",
        )

    def test_summer_time_is_two_hours_ahead_of_utc(self) -> None:
        (login,) = parse_items([item("2024-07-01T12:00:00")])

        assert login.time.astimezone(datetime.UTC).hour == 10

    @pytest.mark.parametrize(
        "bad",
        [
            None,
            "2019-03-07T09:26:36",
            ["a list"],
            {k: v for k, v in GOOD.items() if k != "tidspunkt"},
            {**GOOD, "tidspunkt": "2019-13-45T25:61:00"},
            {**GOOD, "tidspunkt": "2019-02-30T10:00:00"},
            {**GOOD, "tidspunkt": "07.03.2019 09:26"},
            {**GOOD, "tidspunkt": "2019-03-07"},
            {**GOOD, "tidspunkt": "2019-03-07T09:26:36+01:00"},
            {**GOOD, "tidspunkt": 1551947196},
            {**GOOD, "orgno": 991825827},
            {**GOOD, "eid": None},
            {**GOOD, "eid": "  "},
            {**GOOD, "tjeneste": ["SKATTEETATEN"]},
        ],
    )
    def test_it_skips_a_bad_item_and_keeps_the_good_ones(self, bad: Any) -> None:
        logins = parse_items([GOOD, bad, GOOD])

        assert len(logins) == 2

    def test_it_counts_the_skipped_items_in_one_log_line(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.WARNING, logger="idporten.loginhistory_api"):
            parse_items([GOOD, None, {**GOOD, "eid": 3}])

        assert "event=loginhistory_items_skipped count=2" in caplog.text


class TestFlags:
    def test_the_oldest_login_to_a_service_and_with_an_eid_are_first_times(self) -> None:
        logins = flagged(
            parse_items(
                [
                    item("2024-05-03T10:00:00", service="NAV", eid="BankID"),
                    item("2024-05-02T10:00:00", service="SKATTEETATEN", eid="MinID PIN"),
                    item("2024-05-01T10:00:00", service="SKATTEETATEN", eid="BankID"),
                ]
            )
        )

        assert [(x.service, x.first_at_service, x.first_with_eid) for x in logins] == [
            ("NAV", True, False),
            ("SKATTEETATEN", False, True),
            ("SKATTEETATEN", True, True),
        ]

    @pytest.mark.parametrize(
        ("clock", "night"),
        [("00:00:00", True), ("05:59:59", True), ("06:00:00", False), ("23:59:59", False)],
    )
    def test_logins_from_midnight_to_six_are_at_night(self, clock: str, night: bool) -> None:
        (login,) = flagged(parse_items([item(f"2024-05-01T{clock}")]))

        assert login.at_night is night


@pytest.fixture
def session_with_token(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A session whose access tokens come from a counter, standing in for the token module."""
    issued: list[str | None] = []

    def fake_access_token(session: SessionBase, *, refused: str | None = None) -> str:
        issued.append(refused)
        return f"token-{len(issued)}"

    monkeypatch.setattr(loginhistory_api, "access_token", fake_access_token)
    session = SessionBase()
    session.issued = issued  # type: ignore[attr-defined]
    return session


class TestFetching:
    def test_it_calls_the_configured_endpoint_with_the_citizens_token_and_maxhits(
        self, api: StubApi, session_with_token: Any, settings: Any
    ) -> None:
        settings.LOGINHISTORY_ENDPOINT = "own"
        settings.LOGINHISTORY_MAXHITS = 250
        settings.LOGINHISTORY_READ_TIMEOUT = 1.5
        api.history([GOOD])

        assert len(login_records(session_with_token)) == 1

        (call,) = api.calls
        assert call["url"] == f"{API}/innlogginger/logg/idporten"
        assert call["params"] == {"maxhits": 250}
        assert call["headers"]["Authorization"] == "Bearer token-1"
        assert call["timeout"][1] == 1.5

    def test_the_all_endpoint_is_the_default(self, api: StubApi, session_with_token: Any) -> None:
        login_records(session_with_token)

        assert api.calls[0]["url"] == f"{API}/innlogginger/logg/idporten/all"

    def test_a_refused_token_is_renewed_once_and_the_call_repeated(
        self, api: StubApi, session_with_token: Any
    ) -> None:
        api.answer(401, {"error": "invalid_token"})
        api.history([GOOD])

        assert len(login_records(session_with_token)) == 1
        assert session_with_token.issued == [None, "token-1"]
        assert api.calls[1]["headers"]["Authorization"] == "Bearer token-2"

    def test_a_renewed_token_refused_again_means_logging_in_again(
        self, api: StubApi, session_with_token: Any
    ) -> None:
        api.answer(401, {"error": "invalid_token"})
        api.answer(401, {"error": "invalid_token"})

        with pytest.raises(ReauthenticationRequired):
            login_records(session_with_token)

    def test_403_means_not_offered_with_an_error_for_the_operators(
        self, api: StubApi, session_with_token: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        api.answer(403, {"error": "insufficient_scope"})

        with pytest.raises(HistoryNotOffered):
            login_records(session_with_token)
        assert any(
            r.levelno == logging.ERROR and "loginhistory_forbidden" in r.getMessage()
            for r in caplog.records
        )

    def test_400_means_not_offered_with_an_error_naming_maxhits(
        self, api: StubApi, session_with_token: Any, caplog: pytest.LogCaptureFixture, settings
    ) -> None:
        settings.LOGINHISTORY_MAXHITS = 50_000
        api.answer(400, {"error": "invalid_request"})

        with pytest.raises(HistoryNotOffered):
            login_records(session_with_token)
        assert any(
            r.levelno == logging.ERROR and "maxhits=50000" in r.getMessage() for r in caplog.records
        )

    def test_no_address_means_not_offered(self, api: StubApi, session_with_token: Any, settings):
        settings.IDPORTEN_LOGINHISTORY_BASE_URL = ""

        with pytest.raises(HistoryNotOffered):
            login_records(session_with_token)
        assert api.calls == []

    @pytest.mark.parametrize(
        "answer",
        [
            (500, "boom"),
            (502, "bad gateway"),
            (503, {"error": "down"}),
            (404, {"error": "not found"}),
            (200, b"{not json"),
            (200, {"innlogginger": []}),
            (200, "a string"),
            (200, None),
        ],
    )
    def test_a_server_error_or_a_bad_body_is_unavailable(
        self, api: StubApi, session_with_token: Any, answer: tuple[int, Any]
    ) -> None:
        api.answer(*answer)

        with pytest.raises(HistoryUnavailable):
            login_records(session_with_token)

    @pytest.mark.parametrize(
        "exception",
        [requests.ConnectTimeout(), requests.ReadTimeout(), requests.ConnectionError()],
    )
    def test_timeouts_and_lost_connections_are_unavailable(
        self, api: StubApi, session_with_token: Any, exception: Exception
    ) -> None:
        api.fail(exception)

        with pytest.raises(HistoryUnavailable):
            login_records(session_with_token)

    def test_no_token_reaches_the_log(
        self, api: StubApi, session_with_token: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        api.answer(401, {})
        api.answer(403, {})

        with caplog.at_level(logging.DEBUG), pytest.raises(HistoryNotOffered):
            login_records(session_with_token)
        assert caplog.records
        assert "token-" not in caplog.text
