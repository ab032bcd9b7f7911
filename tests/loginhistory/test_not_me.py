""" "Was this not you?": a page per login of the citizen's own history, and per lookup of them,
over a stubbed login-history API."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import formats, translation

from caseworker.models import PreviewLookup
from loginhistory.history import History, flagged
from loginhistory.not_me import login_by_digest, login_digest
from loginhistory.types import OSLO, LoginRecord
from tests.caseworker.support import CITIZEN_PID, UNKNOWN_CITIZEN_PID, caseworker_client
from tests.caseworker.test_preview_state import open_preview
from tests.loginhistory.conftest import StubApi, item, logged_in_client

pytestmark = pytest.mark.django_db

NOT_ME_LINK = re.compile(r'href="(/min-side/var-ikke-meg/([a-p]+)/)"')
LOOKUP_LINK = re.compile(r'href="(/min-side/oppslag/(\d+)/)"')
TEL_LINK = re.compile(r'href="(tel:[^"]*)"')
# In July, Norwegian summer time: the page must say so (UTC+02:00), not leave it to be guessed.
HISTORY = [
    item("2026-07-01T14:21:07", service="ARBEIDS- OG VELFERDSETATEN", eid="BankID",
         orgno="889640782", integration_id="nav-min-side"),
    item("2026-06-30T09:05:00", service="SKATTEETATEN", eid="MinID PIN"),
    item("2026-06-29T23:10:00", service="LÅNEKASSEN", eid="Buypass", orgno="960885406",
         integration_id="lanekassen-dine-sider"),
    item("2026-06-28T08:00:00", service="NORSK HELSENETT SF", eid="Commfides",
         orgno="994598759", integration_id="helsenorge"),
    item("2026-06-27T12:00:00", service="SKATTEETATEN", eid="Federated"),
    item("2026-06-26T12:00:00", service="SKATTEETATEN", eid="BankID mobil"),
]  # fmt: skip


@pytest.fixture
def history(api: StubApi) -> StubApi:
    api.history(HISTORY)
    return api


def in_language(client: Client, language: str) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


def not_me_links(client: Client) -> list[str]:
    """The page's "Was this not you?" links, in the history's order, each once (a page may
    show the same login twice: as a table row, and as a block for narrow screens)."""
    html = client.get("/min-side/").content.decode()
    return list(dict.fromkeys(path for path, _ in NOT_ME_LINK.findall(html)))


def details_to_give(html: str) -> list[str]:
    listed = re.search(r'<ul class="ds-list" id="details-to-give">(.*?)</ul>', html, re.S)
    assert listed, "the details are not in their list"
    return [" ".join(text.split()) for text in re.findall(r"<li>(.*?)</li>", listed.group(1))]


class TestTheLinks:
    def test_each_login_has_its_own_page_and_the_link_names_the_login(
        self, citizen: Client, history: StubApi
    ) -> None:
        html = in_language(citizen, "en").get("/min-side/").content.decode()

        digests = {digest for _, digest in NOT_ME_LINK.findall(html)}
        assert len(digests) == len(HISTORY)
        assert all(len(digest) == 16 for digest in digests)
        assert not any(re.search(r"\d", digest) for digest in digests)  # never 11 digits
        # The date as the language writes it (English: "1 July 2026").
        assert re.search(
            r'Was this not you\?<span class="ds-sr-only"> The login at 14:21 on [^<]*July[^<]*2026 '
            r"to ARBEIDS- OG VELFERDSETATEN with BankID</span>",
            html,
        )

    def test_no_link_holds_the_citizens_number_or_any_eleven_digits(
        self, citizen: Client, history: StubApi
    ) -> None:
        html = citizen.get("/min-side/").content.decode()

        hrefs = re.findall(r'href="([^"]*)"', html)
        assert hrefs
        assert not [href for href in hrefs if CITIZEN_PID in href or re.search(r"\d{11}", href)]

    def test_the_digest_is_keyed_with_the_secret_key(self, settings: Any) -> None:
        login = flagged([_record(HISTORY[0])])[0]
        before = login_digest(login)
        settings.SECRET_KEY = "another-key-" + "x" * 50

        assert login_digest(login) != before

    def test_a_digest_finds_its_own_login_and_no_other(self) -> None:
        logins = flagged([_record(entry) for entry in HISTORY])
        history = History(logins)

        for login in logins:
            assert login_by_digest(history=history, digest=login_digest(login)) == login
        assert login_by_digest(history=history, digest="a" * 16) is None


def _record(entry: dict[str, str]) -> LoginRecord:
    time = datetime.datetime.fromisoformat(entry["tidspunkt"]).replace(tzinfo=OSLO)
    return LoginRecord(
        time, entry["tjeneste"], entry["eid"], entry["integrasjon_id"], entry["orgno"]
    )


def page_for(citizen: Client, eid: str, language: str = "en") -> str:
    index = next(i for i, entry in enumerate(HISTORY) if entry["eid"] == eid)
    path = not_me_links(citizen)[index]
    response = in_language(citizen, language).get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.content.decode()


class TestThePage:
    @pytest.mark.parametrize(
        ("eid", "issuer_steps", "not_there"),
        [
            ("MinID PIN", ["MinID: call", 'href="tel:80030300"'], ["BankID: call", "buypass.no"]),
            ("BankID", ["BankID: call your bank"], ["tel:", "MinID: call", "buypass.no"]),
            ("BankID mobil", ["BankID: call your bank"], ["tel:", "MinID: call"]),
            ("Buypass", ['href="https://www.buypass.no/"'], ["tel:", "BankID: call"]),
            ("Commfides", ['href="https://www.commfides.com/"'], ["tel:", "buypass.no"]),
            # A single sign-on used no eID of its own: every issuer, and what it means.
            (
                "Federated",
                ["single sign-on", "MinID: call", "BankID: call", "buypass.no", "commfides.com"],
                [],
            ),
        ],
    )
    def test_it_gives_the_steps_for_the_eid_that_was_used(
        self,
        citizen: Client,
        history: StubApi,
        eid: str,
        issuer_steps: list[str],
        not_there: list[str],
    ) -> None:
        html = page_for(citizen, eid)

        for step in issuer_steps:
            assert step in html
        for step in not_there:
            assert step not in html
        # Only numbers confirmed on the issuer's own pages are links to call.
        assert set(TEL_LINK.findall(html)) <= {"tel:80030300"}
        # For every eID: ID-porten's blocking service, and the police.
        assert "blocking service (sperretjenesten)" in html
        assert 'href="https://info.altinn.no/"' in html
        assert 'href="https://www.politiet.no"' in html
        assert "02800" in html

    def test_it_says_what_the_login_was_and_lists_the_details_to_give(
        self, citizen: Client, history: StubApi
    ) -> None:
        html = page_for(citizen, "BankID")

        with translation.override("en"):
            day = formats.date_format(datetime.date(2026, 7, 1), "DATE_FORMAT")
        when = f"{day} at 14:21:07, Norwegian time (UTC+02:00)"
        assert (
            f"On {when}, someone logged in to ARBEIDS- OG VELFERDSETATEN through ID-porten with "
            "BankID."
        ) in text_of_html(html)
        assert details_to_give(html) == [
            f"Time: {when}",
            "Service: ARBEIDS- OG VELFERDSETATEN",
            "Organisation number: 889640782",
            "eID: BankID",
            "Integration id: nav-min-side",
        ]
        # The copy button waits for the script; without it the list is there to select.
        assert re.search(r"<button[^>]*hidden[^>]*data-copy-target=\"details-to-give\"", html)
        assert "portal/copy" in html

    def test_it_links_to_the_logins_of_that_day(self, citizen: Client, history: StubApi) -> None:
        html = page_for(citizen, "BankID")

        assert 'href="/min-side/?fra=2026-07-01&amp;til=2026-07-01"' in html

    def test_it_points_out_a_first_login_to_a_service(
        self, citizen: Client, history: StubApi
    ) -> None:
        assert "first login to this service" in page_for(citizen, "Buypass")
        assert "first login to this service" not in page_for(citizen, "MinID PIN")

    @pytest.mark.parametrize(
        ("language", "heading", "step"),
        [
            ("nb", "Var ikke denne innloggingen deg?", "ring brukerstøtten"),
            ("nn", "Var ikkje denne innlogginga deg?", "ring brukarstøtta"),
        ],
    )
    def test_it_speaks_norwegian(
        self, citizen: Client, history: StubApi, language: str, heading: str, step: str
    ) -> None:
        html = page_for(citizen, "MinID PIN", language)

        assert heading in html
        assert step in html
        assert f'lang="{language}"' in html


def text_of_html(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


class TestWhoReachesThePage:
    def test_someone_not_logged_in_is_sent_to_log_in_and_back(self, client: Client) -> None:
        path = "/min-side/var-ikke-meg/abcdefghijklmnop/"
        response = client.get(path)

        assert response.status_code == 302
        assert response["Location"].startswith("/logg-inn/?next=")
        assert path.replace("/", "%2F") in response["Location"]

    def test_another_citizens_login_is_not_found(self, api: StubApi) -> None:
        mine = logged_in_client(pid=CITIZEN_PID, sub="sub-a")
        api.history(HISTORY[:1])
        assert len(not_me_links(mine)) == 1
        theirs = logged_in_client(pid=UNKNOWN_CITIZEN_PID, sub="sub-b")
        api.history([item("2026-05-01T10:00:00", service="POLITIET", eid="MinID PIN")])
        [their_login] = not_me_links(theirs)

        assert theirs.get(their_login).status_code == 200
        assert mine.get(their_login).status_code == 404

    @pytest.mark.parametrize("digest", ["abcdefghijklmnop", "0123456789abcdef", "x" * 300])
    def test_an_unknown_or_malformed_digest_is_not_found(
        self, citizen: Client, history: StubApi, digest: str
    ) -> None:
        calls = len(history.calls)
        response = citizen.get(f"/min-side/var-ikke-meg/{digest}/")

        assert response.status_code == 404
        if digest != "abcdefghijklmnop":  # not even the API is asked
            assert len(history.calls) == calls

    def test_a_login_without_a_national_identity_number_has_no_such_pages(
        self, api: StubApi
    ) -> None:
        client = logged_in_client(pid="")

        assert client.get("/min-side/var-ikke-meg/abcdefghijklmnop/").status_code == 404
        assert client.get("/min-side/oppslag/1/").status_code == 404
        assert api.calls == []

    def test_while_the_history_cannot_be_fetched_it_says_so(
        self, citizen: Client, api: StubApi
    ) -> None:
        api.answer(500, {"error": "server_error"})

        response = in_language(citizen, "en").get("/min-side/var-ikke-meg/abcdefghijklmnop/")

        assert response.status_code == 503
        assert "cannot be fetched just now" in response.content.decode()

    def test_a_caseworker_in_a_preview_is_sent_back_to_the_preview(self, client: Client) -> None:
        open_preview(client, caseworker_client(client))

        for path in ("/min-side/var-ikke-meg/abcdefghijklmnop/", "/min-side/oppslag/1/"):
            response = client.get(path)
            assert response.status_code == 302
            assert response["Location"] == "/saksbehandler/forhandsvisning/"


@pytest.fixture
def caseworker() -> User:
    return User.objects.create_user(username="caseworker-sub")


def lookup_of(caseworker: User, pid: str, reason: str) -> PreviewLookup:
    return PreviewLookup.objects.create(
        caseworker=caseworker, caseworker_sub=caseworker.username, citizen_pid=pid, reason=reason
    )


class TestTheLookupPage:
    def test_the_lookup_links_to_its_page_which_says_whom_to_ask(
        self, citizen: Client, api: StubApi, caseworker: User, settings: Any
    ) -> None:
        settings.AGENCY_NAME = "Testetaten"
        settings.CONTACT_EMAIL = "personvern@testetaten.example"
        lookup = lookup_of(caseworker, CITIZEN_PID, "Sak 2026/17")
        html = in_language(citizen, "en").get("/min-side/").content.decode()
        [(path, number)] = LOOKUP_LINK.findall(html)
        assert number == str(lookup.pk)
        assert 'Do you not recognise this?<span class="ds-sr-only"> The lookup at' in html

        page = citizen.get(path).content.decode()

        assert "a caseworker at Testetaten looked at your page" in page
        assert 'href="mailto:personvern@testetaten.example"' in page
        assert details_to_give(page)[1:] == [
            "Agency: Testetaten",
            "Reason: Sak 2026/17",
            f"Lookup number: {lookup.pk}",
        ]
        assert re.fullmatch(r"Time: .+, Norwegian time \(UTC\+0[12]:00\)", details_to_give(page)[0])

    def test_another_citizens_lookup_is_not_found(
        self, citizen: Client, api: StubApi, caseworker: User
    ) -> None:
        theirs = lookup_of(caseworker, UNKNOWN_CITIZEN_PID, "Their case")

        response = citizen.get(f"/min-side/oppslag/{theirs.pk}/")

        assert response.status_code == 404
        assert "Their case" not in response.content.decode()

    @pytest.mark.parametrize("lookup_id", ["999999", "99999999999999999999999"])
    def test_an_unknown_lookup_is_not_found(self, citizen: Client, lookup_id: str) -> None:
        assert citizen.get(f"/min-side/oppslag/{lookup_id}/").status_code == 404

    def test_someone_not_logged_in_is_sent_to_log_in(self, client: Client) -> None:
        response = client.get("/min-side/oppslag/1/")

        assert response.status_code == 302
        assert response["Location"].startswith("/logg-inn/?next=")

    @pytest.mark.parametrize(
        ("language", "heading"),
        [
            ("nb", "Kjenner du ikke igjen dette oppslaget?"),
            ("nn", "Kjenner du ikkje att dette oppslaget?"),
        ],
    )
    def test_it_speaks_norwegian(
        self, citizen: Client, api: StubApi, caseworker: User, language: str, heading: str
    ) -> None:
        lookup = lookup_of(caseworker, CITIZEN_PID, "Sak")

        html = in_language(citizen, language).get(f"/min-side/oppslag/{lookup.pk}/").content
        assert heading in html.decode()
