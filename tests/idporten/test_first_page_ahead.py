"""The first page's slow lookups start as soon as the login's ID token has passed its checks,
while the login finishes (IdPortenBackend._first_page_ahead): the page takes the history's GET
started then, and the badge's lookup joins the one under way. End to end: the portal (live
server) and the emulator over real HTTP."""

from __future__ import annotations

import time
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from tests.emulator.support import Emulator
from tests.idporten.portal_flow import TIMEOUT, Portal

pytestmark = pytest.mark.django_db(transaction=True)

DELAY = 1.0
HISTORY_GET = '"GET /innlogginger/logg/idporten/all'
AUTHLEVEL_POST = '"POST /authlevel/rest/v1/sikkerhetsnivaa'


def until_the_callback(
    portal: Portal, browser: requests.Session, *, pid: str, eid: str, path: str = "/logg-inn/"
) -> requests.Response:
    """The login as far as the callback's answer (its redirect), which is not followed."""
    page = portal.start_login(browser, path)
    answer = browser.post(
        page.url, data={"pid": pid, "eid": eid}, allow_redirects=False, timeout=TIMEOUT
    )
    while urlsplit(answer.url).path != "/oidc/callback/":
        assert answer.is_redirect, f"the login stopped at {answer.url}"
        target = urljoin(answer.url, answer.headers["Location"])
        answer = browser.get(target, allow_redirects=False, timeout=TIMEOUT)
    return answer


def asked_once(portal: Portal, request_line: str, *, before: int, started: float) -> bool:
    """Once the delayed answer is surely logged too (runserver logs a request when it has
    answered), the emulator has been asked once since `started`."""
    time.sleep(max(0.0, started + DELAY + 0.5 - time.monotonic()))
    return portal.emulator.server.stderr().count(request_line) == before + 1


def fault_taken(portal: Portal, within: float = 0.5) -> bool:
    """The emulator takes a fault as a request arrives, before the delay it serves."""
    deadline = time.monotonic() + within
    while portal.emulator.faults():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_history_is_asked_for_while_the_login_finishes_and_only_once(portal: Portal) -> None:
    asked_before = portal.emulator.server.stderr().count(HISTORY_GET)
    portal.emulator.fault("loginhistory", "latency", seconds=DELAY)
    browser = portal.browser()
    started = time.monotonic()

    callback = until_the_callback(portal, browser, pid="15878510035", eid="BankID")

    assert fault_taken(portal), "the API was not asked before the login answered"
    page = portal.follow(browser, callback)
    assert page.status_code == 200
    assert portal.path_of(page) == "/min-side/"
    assert "Viser 1\N{EN DASH}" in page.text  # the history table is there
    # The page showed the delayed answer (no other was delayed), and no second one was asked.
    assert time.monotonic() - started >= DELAY
    assert asked_once(portal, HISTORY_GET, before=asked_before, started=started)


def test_a_login_that_lands_elsewhere_does_not_ask_for_the_history(portal: Portal) -> None:
    portal.emulator.fault("loginhistory", "latency", seconds=DELAY)
    browser = portal.browser()

    callback = until_the_callback(
        portal, browser, pid="15878510035", eid="BankID", path="/logg-inn/?next=/hjelp/"
    )

    assert urlsplit(callback.headers["Location"]).path == "/hjelp/"
    assert not fault_taken(portal)


def test_the_first_page_joins_the_badge_lookup_the_login_started(
    portal: Portal, authlevel_at_emulator: Emulator
) -> None:
    asked_before = portal.emulator.server.stderr().count(AUTHLEVEL_POST)
    # At the substantial level: a login at the high level needs no lookup for its badge.
    portal.emulator.fault("authlevel", "latency", seconds=DELAY)
    browser = portal.browser()
    started = time.monotonic()

    callback = until_the_callback(portal, browser, pid="04899220043", eid="MinID")

    assert fault_taken(portal), "the authlevel API was not asked before the login answered"
    page = portal.follow(browser, callback)
    assert page.status_code == 200
    assert "Betydelig nivå (nivå 3)" in page.text
    assert time.monotonic() - started >= DELAY
    assert asked_once(portal, AUTHLEVEL_POST, before=asked_before, started=started)
