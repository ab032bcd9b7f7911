"""Failing upstreams degrade the page and do not cascade: a circuit breaker per upstream, and a
size limit on what the client reads."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from unittest import mock

import pytest
import requests
from django.core.cache import cache

from idporten import breaker
from idporten import http as idporten_http
from idporten.http import MAX_BODY_BYTES, IdPortenUnavailable
from tests.idporten.portal_flow import Portal

UPSTREAM = "login-history API"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def server_error(*args: object, **kwargs: object) -> requests.Response:
    response = requests.Response()
    response.status_code = 503
    response._content = b"{}"
    return response


def test_three_failures_open_the_circuit_and_then_nothing_is_called():
    with mock.patch.object(idporten_http.SESSION, "get", side_effect=server_error) as get:
        for _ in range(breaker.FAILURES_TO_OPEN):
            assert idporten_http.get("https://x/api", upstream=UPSTREAM).status_code == 503
        with pytest.raises(IdPortenUnavailable, match="circuit open"):
            idporten_http.get("https://x/api", upstream=UPSTREAM)
    assert get.call_count == breaker.FAILURES_TO_OPEN


def test_no_answer_counts_as_a_failure_too():
    with mock.patch.object(
        idporten_http.SESSION, "get", side_effect=requests.ConnectionError("refused")
    ):
        for _ in range(breaker.FAILURES_TO_OPEN):
            with pytest.raises(IdPortenUnavailable, match="ConnectionError"):
                idporten_http.get("https://x/api", upstream=UPSTREAM)
    assert breaker.circuit_open(UPSTREAM)


def test_one_upstreams_circuit_leaves_the_others_alone():
    with mock.patch.object(idporten_http.SESSION, "get", side_effect=server_error):
        for _ in range(breaker.FAILURES_TO_OPEN):
            idporten_http.get("https://x/api", upstream=UPSTREAM)
    assert breaker.circuit_open(UPSTREAM)
    assert not breaker.circuit_open("authlevel API")


def test_after_the_cool_down_the_upstream_is_called_again(monkeypatch):
    monkeypatch.setattr(breaker, "COOL_DOWN", 1)
    with mock.patch.object(idporten_http.SESSION, "get", side_effect=server_error) as get:
        for _ in range(breaker.FAILURES_TO_OPEN):
            idporten_http.get("https://x/api", upstream=UPSTREAM)
        time.sleep(1.2)
        assert idporten_http.get("https://x/api", upstream=UPSTREAM).status_code == 503
    assert get.call_count == breaker.FAILURES_TO_OPEN + 1


class _Huge(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        chunk = b"[" + b'"x",' * 16_000
        sent = 0
        try:
            while sent < MAX_BODY_BYTES * 4:  # bounded: far past the limit, then it stops
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, as it should

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def huge_body_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Huge)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_the_client_stops_reading_a_huge_body(huge_body_server: str):
    started = time.monotonic()
    with pytest.raises(IdPortenUnavailable, match="body over"):
        idporten_http.get(huge_body_server, upstream=UPSTREAM)
    assert time.monotonic() - started < 5


@pytest.mark.django_db(transaction=True)
def test_during_an_outage_the_page_degrades_and_the_api_is_spared(portal: Portal, settings):
    settings.LOGINHISTORY_CACHE_SECONDS = 0  # every page view asks the API
    browser, _ = portal.login()
    portal.emulator.fault("loginhistory", "http_503", count=10)

    for _ in range(6):
        started = time.monotonic()
        page = browser.get(f"{portal.url}/min-side/", timeout=10)
        assert time.monotonic() - started < 3
        assert page.status_code == 200
        assert "Vi fikk ikke hentet innloggingshistorikken din" in page.text

    unused = sum(fault["remaining"] for fault in portal.emulator.faults())
    assert 10 - unused == breaker.FAILURES_TO_OPEN  # then the open circuit spared the API
