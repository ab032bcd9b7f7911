"""Every upstream the portal calls, failing in every way we know of, gives the documented
degraded page within its timeout plus half a second: never a 500, never a hung request.

The upstreams are the four of the login (discovery, the key set, the token endpoint, userinfo)
and the two APIs of the history page. The faults are the emulator's, over real HTTP, and a
refused connection is a URL at a port where nothing listens.
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import time
from collections.abc import Callable, Iterator
from unittest import mock
from urllib.parse import urljoin

import pytest
import requests
from django.core.cache import cache

from idporten import discovery
from tests.idporten.portal_flow import TIMEOUT, Portal, upstream_fails

READ_TIMEOUT = 1.0
# What the portal may take beyond its own read timeout to give up and show the page.
SLACK = 0.5
# The emulator's fault names, and one of ours: nothing listening at all.
REFUSED = "refused"
FAULTS = [
    "latency",
    REFUSED,
    "drop_connection",
    "http_500",
    "http_502",
    "http_503",
    "malformed_json",
    "empty_body",
    "huge_body",
]

UNREACHABLE_LOGIN = "ID-porten kunne ikke nås"
HISTORY_UNAVAILABLE = "Vi fikk ikke hentet innloggingshistorikken din"
BADGE_UNAVAILABLE = "ID-porten svarte ikke akkurat nå"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def nothing_listening() -> str:
    """The URL of a port this machine refuses connections on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def failing_portal(portal: Portal, authlevel_at_emulator, settings) -> Iterator[Portal]:
    settings.IDPORTEN_READ_TIMEOUT = READ_TIMEOUT
    settings.LOGINHISTORY_READ_TIMEOUT = READ_TIMEOUT
    yield portal


def timed_follow(portal: Portal, browser: requests.Session, response: requests.Response):
    """Follow redirects like a browser; the last response and the slowest of the portal's."""
    slowest = 0.0
    while response.is_redirect:
        target = urljoin(response.url, response.headers["Location"])
        started = time.monotonic()
        response = browser.get(target, allow_redirects=False, timeout=TIMEOUT)
        if target.startswith(portal.url):
            slowest = max(slowest, time.monotonic() - started)
    return response, slowest


def queue(portal: Portal, endpoint: str, fault: str) -> None:
    if fault != REFUSED:
        upstream_fails(portal.emulator, endpoint, fault, seconds=READ_TIMEOUT + 2)


def endpoint_moved(field: str, url: str) -> contextlib.AbstractContextManager[object]:
    """Discovery answers as usual, but names `url` for one endpoint."""
    real = discovery.provider_metadata

    def moved() -> discovery.ProviderMetadata:
        return dataclasses.replace(real(), **{field: url})

    return mock.patch("idporten.backend.provider_metadata", side_effect=moved)


def assert_unreachable_login_page(page: requests.Response, took: float) -> None:
    assert page.status_code == 502, page.text[:400]
    assert UNREACHABLE_LOGIN in page.text
    assert took < READ_TIMEOUT + SLACK, f"the page took {took:.2f} s"


@pytest.mark.parametrize("fault", FAULTS)
def test_discovery_failing_ends_the_login_on_the_unreachable_page(
    failing_portal: Portal, fault: str, settings, nothing_listening: str
):
    if fault == REFUSED:
        settings.IDPORTEN_ISSUER = nothing_listening
    queue(failing_portal, "discovery", fault)
    browser = failing_portal.browser()

    started = time.monotonic()
    page = browser.get(f"{failing_portal.url}/logg-inn/", allow_redirects=False, timeout=TIMEOUT)

    assert_unreachable_login_page(page, time.monotonic() - started)


LOGIN_UPSTREAMS = {
    # emulator endpoint: the discovery field that names it
    "jwk": "jwks_uri",
    "token": "token_endpoint",
    "userinfo": "userinfo_endpoint",
}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("endpoint", sorted(LOGIN_UPSTREAMS))
def test_a_login_upstream_failing_ends_the_login_on_the_unreachable_page(
    failing_portal: Portal, endpoint: str, fault: str, nothing_listening: str
):
    browser = failing_portal.browser()
    testid_page = failing_portal.start_login(browser)
    queue(failing_portal, endpoint, fault)
    moved = endpoint_moved(LOGIN_UPSTREAMS[endpoint], f"{nothing_listening}/{endpoint}")

    with moved if fault == REFUSED else contextlib.nullcontext():
        submitted = browser.post(
            testid_page.url,
            data={"pid": "15878510035", "eid": "BankID"},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        page, took = timed_follow(failing_portal, browser, submitted)

    assert_unreachable_login_page(page, took)
    assert "sessionid" not in browser.cookies  # not logged in, half or whole


API_UPSTREAMS: dict[str, tuple[str, str]] = {
    # emulator endpoint: (the setting of its base URL, what the page says in its place)
    "loginhistory": ("IDPORTEN_LOGINHISTORY_BASE_URL", HISTORY_UNAVAILABLE),
    "authlevel": ("IDPORTEN_AUTHLEVEL_BASE_URL", BADGE_UNAVAILABLE),
}


def history_page(portal: Portal, browser: requests.Session) -> Callable[[], requests.Response]:
    return lambda: browser.get(f"{portal.url}/min-side/", allow_redirects=False, timeout=TIMEOUT)


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("endpoint", sorted(API_UPSTREAMS))
def test_an_api_failing_degrades_its_part_of_the_page_only(
    failing_portal: Portal, endpoint: str, fault: str, settings, nothing_listening: str
):
    # At the substantial level: a login at the high level needs no lookup for its badge.
    browser, landing = failing_portal.login(eid="MinID")
    assert HISTORY_UNAVAILABLE not in landing.text
    assert BADGE_UNAVAILABLE not in landing.text
    cache.clear()  # what the landing page remembered: the next view asks both APIs
    base_url_setting, degraded_text = API_UPSTREAMS[endpoint]
    if fault == REFUSED:
        setattr(settings, base_url_setting, nothing_listening)
    queue(failing_portal, endpoint, fault)
    view = history_page(failing_portal, browser)

    started = time.monotonic()
    page = view()
    took = time.monotonic() - started

    assert page.status_code == 200
    assert degraded_text in page.text
    other_part = BADGE_UNAVAILABLE if endpoint == "loginhistory" else HISTORY_UNAVAILABLE
    assert other_part not in page.text
    assert took < READ_TIMEOUT + SLACK, f"the page took {took:.2f} s"
