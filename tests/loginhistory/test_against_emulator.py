"""The history page over real HTTP: the portal (live server) logged in through the emulator,
reading the emulator's login-history API, with its faults."""

from __future__ import annotations

import re
import time
from importlib import import_module
from typing import Any

import pytest
import requests
from django.conf import settings
from django.core.cache import cache

from idporten.session import LOGIN_KEY
from loginhistory.views import FRESH_LOGIN_SECONDS
from tests.idporten.portal_flow import Portal, upstream_fails
from tests.idporten.token_rows import tokens_of

pytestmark = pytest.mark.django_db(transaction=True)

CITIZEN = "15878510035"  # about 300 seeded logins
MINID_ONLY = "04899220043"
HEAVY = "23917130140"  # 10,000 logins
NEW = "11810160073"  # no history before the first login
TIMEOUT = 15


def rows(page: requests.Response) -> list[str]:
    """Each body row of the history table as text."""
    body = re.search(
        r'<table class="ds-table history-table".*?<tbody>(.*?)</tbody>', page.text, re.S
    )
    assert body is not None, "no history table on the page"
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def summary(page: requests.Response) -> str:
    match = re.search(r'id="results" tabindex="-1">\s*(.*?)\s*</h2>', page.text, re.S)
    assert match is not None
    return " ".join(match.group(1).split())


def session_tokens(portal: Portal, browser: requests.Session) -> dict[str, Any]:
    key = browser.cookies[settings.SESSION_COOKIE_NAME]
    return tokens_of(import_module(settings.SESSION_ENGINE).SessionStore(key))


def login_aged(browser: requests.Session, *, seconds: float) -> None:
    """As if the citizen had logged in `seconds` ago."""
    key = browser.cookies[settings.SESSION_COOKIE_NAME]
    session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    session[LOGIN_KEY] = {**session[LOGIN_KEY], "logged_in_at": time.time() - seconds}
    session.save()


def revoke(portal: Portal, token: str) -> None:
    response = requests.post(
        f"{portal.emulator.url}/revoke",
        data={"token": token},
        auth=(settings.IDPORTEN_CLIENT_ID, settings.IDPORTEN_CLIENT_SECRET),
        timeout=TIMEOUT,
    )
    assert response.status_code == 200


def test_a_citizen_sees_their_real_history_with_the_login_just_made(portal: Portal) -> None:
    _, page = portal.login(pid=CITIZEN, eid="BankID")

    assert portal.path_of(page) == "/min-side/"
    assert "Du er logget inn med BankID på høyt nivå (nivå 4)." in page.text
    events = portal.emulator.login_events(CITIZEN)
    assert summary(page) == f"Viser 1\N{EN DASH}25 av {len(events)} innlogginger"
    newest = rows(page)[0]
    assert "DIGITALISERINGSDIREKTORATET" in newest
    assert "BankID nivå 4, høyt" in newest
    assert "(i dag)" in newest
    assert portal.client_id in newest


def test_filter_sort_page_and_export_against_the_real_history(portal: Portal) -> None:
    browser, _ = portal.login(pid=MINID_ONLY, eid="MinID")
    events = portal.emulator.login_events(MINID_ONLY)
    pin = [e for e in events if e["eid"] == "MinID PIN"]

    page = browser.get(f"{portal.url}/min-side/?eid=MinID+PIN&antall=10&side=2", timeout=TIMEOUT)

    assert summary(page).startswith(
        f"Viser 11\N{EN DASH}20 av {len(pin)} innlogginger som passer med filteret"
    )
    assert all("MinID (PIN-kode)" in row for row in rows(page))
    exported = browser.get(f"{portal.url}/min-side/eksport.json?eid=MinID+PIN", timeout=TIMEOUT)
    assert exported.headers["Cache-Control"].count("no-store") == 1
    assert [item["tjeneste"] for item in exported.json()] == [e["service_name"] for e in pin]


def test_the_10000_login_persona_sees_the_latest_10000(portal: Portal) -> None:
    before = len(portal.emulator.login_events(HEAVY))  # 10,000 seeded, and other tests' logins
    _, page = portal.login(pid=HEAVY, eid="BankID")

    # More than 10,000 logins with the one just made: the API gives the latest 10,000.
    assert before >= 10_000
    assert len(portal.emulator.login_events(HEAVY)) == before + 1
    # Counts are grouped as Norwegian writes them, with a no-break space.
    assert "Viser 1\N{EN DASH}25 av 10\N{NO-BREAK SPACE}000 innlogginger" in page.text
    assert "ID-porten gir høyst de siste 10\N{NO-BREAK SPACE}000 innloggingene" in page.text
    # The login just made comes first.
    newest, first_row = portal.emulator.login_events(HEAVY)[0], rows(page)[0]
    assert "(i dag)" in first_row and newest["service_name"] in first_row


def test_a_new_citizen_sees_only_the_first_login(portal: Portal) -> None:
    _, page = portal.login(pid=NEW, eid="MinID")

    assert summary(page) == "Viser 1\N{EN DASH}1 av 1 innlogging"
    assert "første gang" in rows(page)[0]


def test_each_citizen_sees_only_their_own_history(portal: Portal) -> None:
    anna, _ = portal.login(pid=CITIZEN, eid="BankID")
    bjorn, _ = portal.login(pid=MINID_ONLY, eid="MinID")

    for browser, pid in ((anna, CITIZEN), (bjorn, MINID_ONLY), (anna, CITIZEN)):
        shown = browser.get(f"{portal.url}/min-side/eksport.json", timeout=TIMEOUT).json()
        expected = portal.emulator.login_events(pid)[: settings.LOGINHISTORY_MAXHITS]
        assert [(i["tjeneste"], i["eid"]) for i in shown] == [
            (e["service_name"], e["eid"]) for e in expected
        ]


class TestTheCache:
    def test_paging_reuses_the_fetch_and_oppdater_fetches_again(self, portal: Portal) -> None:
        browser, first = portal.login(pid=CITIZEN, eid="BankID")
        portal.emulator.fault("loginhistory", "http_500")

        # Served from the cache: the queued fault is not used up.
        assert browser.get(f"{portal.url}/min-side/?side=2", timeout=TIMEOUT).status_code == 200
        assert len(portal.emulator.faults()) == 1

        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first.text)
        assert csrf is not None
        after = browser.post(
            f"{portal.url}/min-side/oppdater/",
            data={"csrfmiddlewaretoken": csrf.group(1), "query": "side=2"},
            headers={"Referer": f"{portal.url}/min-side/"},
            timeout=TIMEOUT,
        )
        assert after.url == f"{portal.url}/min-side/?side=2"
        assert "Vi fikk ikke hentet innloggingshistorikken din" in after.text
        assert portal.emulator.faults() == []
        again = browser.get(f"{portal.url}/min-side/?side=2", timeout=TIMEOUT)
        assert summary(again).startswith("Viser 26\N{EN DASH}50")


class TestUpstreamErrors:
    @pytest.mark.parametrize(
        "fault", ["http_500", "http_503", "malformed_json", "drop_connection", "non_array_body"]
    )
    def test_the_page_renders_with_an_alert_and_a_retry_button(
        self, portal: Portal, fault: str
    ) -> None:
        upstream_fails(portal.emulator, "loginhistory", fault)

        _, page = portal.login(pid=CITIZEN, eid="BankID")

        assert page.status_code == 200
        assert "Du er logget inn med BankID" in page.text
        assert "Vi fikk ikke hentet innloggingshistorikken din" in page.text
        assert ">Prøv igjen</button>" in page.text

    def test_a_slow_api_times_out_into_the_alert(self, portal: Portal, settings: Any) -> None:
        settings.LOGINHISTORY_READ_TIMEOUT = 0.5
        portal.emulator.fault("loginhistory", "latency", seconds=2)

        _, page = portal.login(pid=CITIZEN, eid="BankID")

        assert "Vi fikk ikke hentet innloggingshistorikken din" in page.text

    def test_wrong_shaped_items_are_skipped(self, portal: Portal) -> None:
        portal.emulator.fault("loginhistory", "wrong_shaped_items")

        _, page = portal.login(pid=CITIZEN, eid="BankID")

        events = portal.emulator.login_events(CITIZEN)
        assert summary(page) == f"Viser 1\N{EN DASH}25 av {len(events)} innlogginger"

    def test_403_says_the_service_is_not_set_up(self, portal: Portal, settings: Any) -> None:
        # The login asks for idporten:user.log.all.read only, so the own endpoint refuses.
        settings.LOGINHISTORY_ENDPOINT = "own"

        _, page = portal.login(pid=CITIZEN, eid="BankID")

        assert page.status_code == 200
        assert "Denne tjenesten er ikke satt opp til å vise innloggingshistorikken din" in page.text

    def test_a_refused_token_is_renewed_and_the_history_shown(self, portal: Portal) -> None:
        browser, _ = portal.login(pid=CITIZEN, eid="BankID")
        tokens = session_tokens(portal, browser)
        revoke(portal, tokens["access_token"])
        cache.clear()  # so that the next view calls the API with the revoked token

        page = browser.get(f"{portal.url}/min-side/", timeout=TIMEOUT)

        assert page.url == f"{portal.url}/min-side/"
        assert rows(page)
        assert session_tokens(portal, browser)["access_token"] != tokens["access_token"]

    def test_when_renewal_fails_too_the_citizen_logs_in_again(self, portal: Portal) -> None:
        browser, _ = portal.login(pid=CITIZEN, eid="BankID")
        tokens = session_tokens(portal, browser)
        revoke(portal, tokens["refresh_token"])  # revokes the whole grant
        login_aged(browser, seconds=FRESH_LOGIN_SECONDS + 5)
        cache.clear()

        response = browser.get(f"{portal.url}/min-side/", allow_redirects=False, timeout=TIMEOUT)

        assert response.status_code == 302
        assert response.headers["Location"] == "/logg-inn/?next=%2Fmin-side%2F"

    def test_tokens_refused_right_after_login_end_on_a_page_not_in_a_loop(
        self, portal: Portal, caplog: pytest.LogCaptureFixture
    ) -> None:
        """ID-porten's single sign-on would log the citizen straight back in with tokens the
        API refuses the same way: the browser would go round until it gave up."""
        browser, _ = portal.login(pid=CITIZEN, eid="BankID")
        revoke(portal, session_tokens(portal, browser)["refresh_token"])
        cache.clear()

        page = browser.get(f"{portal.url}/min-side/", allow_redirects=False, timeout=TIMEOUT)
        retried = browser.get(f"{portal.url}/min-side/", timeout=TIMEOUT)

        for response in (page, retried):
            assert response.status_code == 200
            assert "Vi fikk ikke hentet innloggingshistorikken din" in response.text
        assert not retried.history  # no redirect at all
        assert "event=loginhistory_token_refused_after_login" in caplog.text


def test_the_own_endpoint_shows_only_this_agencys_services(portal: Portal, settings) -> None:
    """LOGINHISTORY_ENDPOINT=own: the login asks for idporten:user.log.read, and the page
    shows the logins to the agency's own organisation only."""
    settings.LOGINHISTORY_ENDPOINT = "own"
    settings.OIDC_RP_SCOPES = "openid profile idporten:user.log.read"
    _, page = portal.login(pid=CITIZEN, eid="BankID")

    own = [e for e in portal.emulator.login_events(CITIZEN) if e["orgno"] == "991825827"]
    assert len(own) < len(portal.emulator.login_events(CITIZEN))
    shown = rows(page)
    assert summary(page) == f"Viser 1\N{EN DASH}{min(25, len(own))} av {len(own)} innlogginger"
    assert shown and all("991825827" in row for row in shown)
