"""The badge on the citizen's page, end to end: the portal (live server), the emulator's
login, JWT grant, authlevel API and login-history API, all over real HTTP."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from tests.idporten.portal_flow import Portal

pytestmark = pytest.mark.django_db(transaction=True)

HIGH = "Høyt nivå (nivå 4) brukt de siste 18 månedene"
SUBSTANTIAL = "Betydelig nivå (nivå 3)"


@pytest.fixture
def page_with_badge(portal: Portal, authlevel_at_emulator) -> Portal:
    return portal


def test_a_citizen_who_has_used_bankid_sees_the_high_badge_after_a_minid_login(page_with_badge):
    _, page = page_with_badge.login(pid="15878510035", eid="MinID")
    assert HIGH in page.text
    assert "Du er logget inn med MinID på betydelig nivå (nivå 3)." in page.text


def test_a_minid_only_citizen_sees_the_substantial_badge(page_with_badge):
    _, page = page_with_badge.login(pid="04899220043", eid="MinID")
    assert SUBSTANTIAL in page.text
    assert HIGH not in page.text


def test_a_high_login_shows_high_without_asking_the_api(page_with_badge):
    page_with_badge.emulator.fault("authlevel", "http_500")
    # Not the MinID-only persona: a BankID login would make it a level-4 user for good.
    _, page = page_with_badge.login(pid="15878510035", eid="BankID")
    assert HIGH in page.text
    assert page_with_badge.emulator.faults()  # the fault is still there: no lookup was made


def test_a_failing_authlevel_api_gives_an_unknown_badge_and_the_history_still_shows(
    page_with_badge,
):
    page_with_badge.emulator.fault("authlevel", "http_500", count=5)
    _, page = page_with_badge.login(pid="04899220043", eid="MinID")
    assert page.status_code == 200
    assert "Ukjent nivå" in page.text
    assert "ID-porten svarte ikke akkurat nå" in page.text
    assert "Viser 1\N{EN DASH}" in page.text  # the history table is there


def test_the_history_and_the_badge_are_fetched_at_the_same_time(page_with_badge, settings):
    """With the same delay on both APIs, the page takes about one delay, not two."""
    delay = 2.0
    settings.IDPORTEN_READ_TIMEOUT = 3 * delay
    browser, _ = page_with_badge.login(pid="04899220043", eid="MinID")
    page_with_badge.emulator.fault("loginhistory", "latency", seconds=delay)
    page_with_badge.emulator.fault("authlevel", "latency", seconds=delay)
    cache.clear()  # the cached history and level: both must be asked for again
    started = time.monotonic()
    page = browser.get(f"{page_with_badge.url}/min-side/", timeout=20)
    elapsed = time.monotonic() - started
    assert page.status_code == 200
    assert not page_with_badge.emulator.faults()  # both delays were really served
    assert SUBSTANTIAL in page.text
    assert elapsed < 2 * delay - 0.5, f"took {elapsed:.1f} s: the calls ran one after the other"
