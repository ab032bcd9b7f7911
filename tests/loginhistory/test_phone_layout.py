"""/min-side/ as a phone gets it (issue 15): one block per login beside the table, links that
land on the results, the active filters as chips that remove themselves, and sideways
scrolling kept inside named regions. The browser tests (tests/browser/test_phone_*.py) check
what the browser makes of it."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import formats

from tests.loginhistory.conftest import StubApi, days_ago, item, table_rows, text_of
from tests.loginhistory.test_history_page import HISTORY, many, oslo_date
from tests.loginhistory.test_lookups_of_me import preview_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(api: StubApi) -> StubApi:
    api.history(HISTORY)
    return api


def login_blocks(html: str) -> list[str]:
    """The text of each block of the narrow screens' list, in order."""
    listing = re.search(r'<ol class="login-list"[^>]*>(.*?)</ol>', html, re.S)
    assert listing is not None
    blocks = re.findall(r'<li class="login-card">(.*?)</li>', listing.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", block).split()) for block in blocks]


def chips(html: str) -> dict[str, str]:
    """The active filters' chips: each one's accessible text and the address it links to."""
    found = re.findall(r'<a class="ds-chip" data-removable href="([^"]+)">(.*?)</a>', html)
    return {" ".join(re.sub(r"<[^>]+>", "", text).split()): unescape(href) for href, text in found}


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


class TestTheListOfBlocks:
    def test_each_shown_login_is_a_block_with_the_same_facts_as_its_row(
        self, citizen: Client, history: StubApi
    ) -> None:
        html = citizen.get("/min-side/").content.decode()

        blocks = login_blocks(html)
        rows = table_rows(citizen.get("/min-side/"))
        assert len(blocks) == len(rows) == 6
        for block, row in zip(blocks, rows, strict=True):
            time, service, eid, orgno, _details = row
            assert block.startswith(
                f"{time} Tjeneste {service} eID {eid} Organisasjonsnummer {orgno}"
            )
        assert "(i går)" in blocks[1]

    def test_a_block_names_its_facts_for_a_screen_reader(
        self, citizen: Client, history: StubApi
    ) -> None:
        html = citizen.get("/min-side/").content.decode()

        block = re.search(r'<li class="login-card">(.*?)</li>', html, re.S)
        assert block is not None
        # The time is the block's heading; the facts are a description list.
        assert re.search(r'<h3 class="ds-heading login-card__time"[^>]*><time ', block.group(1))
        assert re.findall(r"<dt[^>]*>([^<]+)</dt>", block.group(1)) == [
            "Tjeneste",
            "eID",
            "Organisasjonsnummer",
        ]
        assert "Var ikke dette deg?" in block.group(1)

    def test_only_the_page_is_listed(self, citizen: Client, api: StubApi) -> None:
        api.history(many(60))

        assert len(login_blocks(citizen.get("/min-side/?side=3").content.decode())) == 10

    def test_the_list_has_sort_links_that_say_the_current_order(
        self, citizen: Client, history: StubApi
    ) -> None:
        html = citizen.get("/min-side/?sortering=tjeneste").content.decode()

        links = re.findall(
            r'<a class="ds-link login-sort__link" data-sort="(\w+)" href="([^"]+)"[^>]*>(.*?)</a>',
            html,
        )
        assert [(state, re.sub(r"<[^>]+>", "", text)) for state, _, text in links] == [
            ("none", "Tidspunkt"),
            ("ascending", "Tjeneste (sortert stigende)"),
            ("none", "eID"),
            ("none", "Organisasjonsnummer"),
        ]
        assert unescape(links[1][1]) == "?sortering=-tjeneste#results"


class TestLandingOnTheResults:
    def test_the_filter_the_sort_and_the_pages_lead_to_the_results(
        self, citizen: Client, api: StubApi
    ) -> None:
        api.history(many(60))

        html = citizen.get("/min-side/?sok=tjeneste").content.decode()

        assert 'action="/min-side/#results"' in html
        assert 'id="results" tabindex="-1"' in html
        sort_and_page_links = re.findall(
            r'<a class="(?:history-sort|ds-link login-sort__link|ds-button)"[^>]* href="([^"]+)"',
            html,
        )
        assert len(sort_and_page_links) > 8
        assert all(link.endswith("#results") for link in sort_and_page_links)

    def test_the_page_loads_its_own_script_that_moves_the_focus(
        self, citizen: Client, history: StubApi
    ) -> None:
        html = citizen.get("/min-side/").content.decode()

        assert re.search(r'<script src="/static/portal/history\.js" defer></script>', html)


class TestActiveFilters:
    def test_there_are_none_without_a_filter(self, citizen: Client, history: StubApi) -> None:
        assert chips(citizen.get("/min-side/?sortering=tid").content.decode()) == {}

    def test_each_part_of_the_filter_is_a_chip_that_drops_only_that_part(
        self, citizen: Client, history: StubApi
    ) -> None:
        query = (
            f"periode=12m&fra={days_ago(30)[:10]}&til={days_ago(0)[:10]}&eid=BankID"
            "&eid=MinID+PIN&tjeneste=SKATTEETATEN&sok=+skatt+&sortering=tid&side=2"
        )

        found = chips(citizen.get(f"/min-side/?{query}").content.decode())

        assert list(found) == [
            "Fjern filter: De siste 12 månedene",
            f"Fjern filter: Fra {formats.date_format(oslo_date(30), 'DATE_FORMAT')}",
            f"Fjern filter: Til {formats.date_format(oslo_date(0), 'DATE_FORMAT')}",
            "Fjern filter: BankID",
            "Fjern filter: MinID (PIN-kode)",
            "Fjern filter: SKATTEETATEN",
            "Fjern filter: Søk: skatt",
        ]
        without_bankid = query_of(found["Fjern filter: BankID"])
        assert without_bankid["eid"] == ["MinID PIN"]
        assert without_bankid["tjeneste"] == ["SKATTEETATEN"]
        assert without_bankid["sortering"] == ["tid"]
        # A page number of the narrower filter would not fit the wider one.
        assert "side" not in without_bankid
        assert "periode" not in query_of(found["Fjern filter: De siste 12 månedene"])
        assert "sok" not in query_of(found["Fjern filter: Søk: skatt"])
        assert all(href.startswith("/min-side/") for href in found.values())
        assert all(href.endswith("#results") for href in found.values())

    def test_following_a_chip_shows_the_page_without_that_filter(
        self, citizen: Client, history: StubApi
    ) -> None:
        found = chips(citizen.get("/min-side/?eid=BankID&sok=skatt").content.decode())

        response = citizen.get(found["Fjern filter: BankID"].split("#")[0])

        assert list(chips(response.content.decode())) == ["Fjern filter: Søk: skatt"]
        assert len(table_rows(response)) == 3

    def test_a_filter_with_errors_shows_no_chips(self, citizen: Client, history: StubApi) -> None:
        response = citizen.get("/min-side/?eid=NemID&sok=skatt")

        assert response.status_code == 400
        assert chips(response.content.decode()) == {}


class TestNothingWidensThePage:
    def test_the_tables_scroll_in_named_focusable_regions(
        self, citizen: Client, history: StubApi
    ) -> None:
        caseworker = User.objects.create_user(username="caseworker-sub")
        preview_of(caseworker, "15878510035", "Sak 2025/1", minutes_ago=5)

        html = citizen.get("/min-side/").content.decode()

        regions = re.findall(
            r'<div class="[^"]*table-scroll" role="region" tabindex="0" '
            r'aria-labelledby="([^"]+)">\s*<table',
            html,
        )
        assert regions == ["history-caption", "lookups-of-me-caption"]
        for caption in regions:
            assert re.search(rf'<caption [^>]*id="{caption}">[^<]+</caption>', html)

    def test_the_hidden_month_table_is_clipped_by_a_box(
        self, citizen: Client, history: StubApi
    ) -> None:
        # A table does not shrink to ds-sr-only's 1 px: the box around it must.
        html = citizen.get("/min-side/").content.decode()

        assert re.search(r'<div class="ds-sr-only">\s*<table>\s*<caption>Innlogginger per', html)
        assert '<table class="ds-sr-only"' not in html


def test_a_long_history_says_first_in_this_overview(
    citizen: Client, history: StubApi, settings: Any
) -> None:
    settings.LOGINHISTORY_MAXHITS = len(HISTORY)

    response = citizen.get("/min-side/")

    rows = table_rows(response)
    assert rows[5][1] == "SKATTEETATEN første i oversikten"
    assert "første gang" not in " ".join(" ".join(row) for row in rows)
    assert "blant de 6 innloggingene som vises her" in text_of(response)


def test_a_whole_history_says_first_time(citizen: Client, api: StubApi) -> None:
    api.history([item(days_ago(2)), item(days_ago(1), service="LÅNEKASSEN")])

    response = citizen.get("/min-side/")

    assert table_rows(response)[0][1] == "LÅNEKASSEN første gang"
    assert "første i oversikten" not in text_of(response)
