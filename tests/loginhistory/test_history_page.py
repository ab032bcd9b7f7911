"""/min-side/: the table, its filters, sorting and paging, over a stubbed API."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import formats

from tests.loginhistory.conftest import (
    StubApi,
    days_ago,
    item,
    oslo_today,
    services_shown,
    table_rows,
    text_of,
)

pytestmark = pytest.mark.django_db

HISTORY = [
    item(days_ago(0, hour=3), service="SKATTEETATEN", eid="BankID"),
    item(days_ago(1), service="ARBEIDS- OG VELFERDSETATEN", eid="MinID PIN", orgno="889640782"),
    item(days_ago(3), service="NORSK HELSENETT SF", eid="BankID mobil", orgno="994598759"),
    item(days_ago(20), service="SKATTEETATEN", eid="Federated"),
    item(days_ago(100), service="LÅNEKASSEN", eid="Commfides", orgno="960885406"),
    item(days_ago(400), service="SKATTEETATEN", eid="MinID PIN"),
]


@pytest.fixture
def history(api: StubApi) -> StubApi:
    api.history(HISTORY)
    return api


def oslo_date(days: int) -> datetime.date:
    return oslo_today() - datetime.timedelta(days=days)


def many(count: int) -> list[dict[str, str]]:
    return [item(days_ago(day), service=f"TJENESTE {day:04d}") for day in range(count)]


class TestAnonymousVisitors:
    @pytest.mark.parametrize(
        "path", ["/min-side/", "/min-side/eksport.csv", "/min-side/eksport.json"]
    )
    def test_they_are_sent_to_log_in_and_back(self, client: Client, path: str) -> None:
        response = client.get(path + "?sok=skatt")

        assert response.status_code == 302
        assert response["Location"].startswith("/logg-inn/?next=")
        assert path.replace("/", "%2F") in response["Location"]

    def test_refresh_sends_them_to_log_in(self, client: Client) -> None:
        response = client.post("/min-side/oppdater/")

        assert response.status_code == 302
        assert response["Location"].startswith("/logg-inn/")


class TestThePage:
    def test_it_shows_the_history_newest_first_with_the_greeting(
        self, citizen: Client, history: StubApi
    ) -> None:
        response = citizen.get("/min-side/")

        assert response.status_code == 200
        text = text_of(response)
        assert "Du er logget inn med BankID på høyt nivå (nivå 4)." in text
        assert "Viser 1\N{EN DASH}6 av 6 innlogginger" in text
        assert services_shown(response)[:3] == [
            "SKATTEETATEN",
            "ARBEIDS- OG VELFERDSETATEN",
            "NORSK HELSENETT SF",
        ]

    def test_it_is_never_cached(self, citizen: Client, history: StubApi) -> None:
        assert "no-store" in citizen.get("/min-side/")["Cache-Control"]

    def test_the_count_is_the_results_heading_that_links_land_on(
        self, citizen: Client, history: StubApi
    ) -> None:
        html = citizen.get("/min-side/").content.decode()

        # Focusable by script only (tabindex -1), and the target of #results.
        assert re.search(
            r'<h2 class="[^"]*history-count" data-size="xs" id="results" tabindex="-1">'
            r"\s*Viser 1\N{EN DASH}6",
            html,
        )

    def test_each_row_tells_time_service_eid_level_and_orgno(
        self, citizen: Client, history: StubApi
    ) -> None:
        rows = table_rows(citizen.get("/min-side/"))

        time, service, eid, orgno, details = rows[1]
        assert "(i går)" in time
        assert service == "ARBEIDS- OG VELFERDSETATEN første gang"
        assert eid == "MinID (PIN-kode) nivå 3, betydelig"
        assert orgno == "889640782"
        assert "Var ikke dette deg?" in details
        assert "skatteetaten-min-skatt" in details

    def test_the_level_is_written_out_for_each_kind_of_eid(
        self, citizen: Client, history: StubApi
    ) -> None:
        eids = [row[2] for row in table_rows(citizen.get("/min-side/"))]

        assert eids[0].startswith("BankID nivå 4, høyt")
        # A single sign-on is named as people know it, and its first time is no eID's.
        assert eids[3] == "Felles innlogging allerede innlogget"
        assert eids[4].startswith("Commfides nivå 4, høyt")

    def test_first_times_and_night_logins_are_marked(
        self, citizen: Client, history: StubApi
    ) -> None:
        rows = table_rows(citizen.get("/min-side/"))

        assert "om natten" in rows[0][0]
        assert not any("om natten" in row[0] for row in rows[1:])
        # The oldest SKATTEETATEN login is the first there, and the first with MinID PIN.
        assert rows[5][1] == "SKATTEETATEN første gang"
        assert rows[5][2].endswith("første gang")
        assert rows[0][1] == "SKATTEETATEN"
        assert rows[1][2] == "MinID (PIN-kode) nivå 3, betydelig"

    # Each login's "Was this not you?" page: tests/loginhistory/test_not_me.py.
    def test_the_help_page_has_each_issuers_advice(self, client: Client) -> None:
        html = client.get("/hjelp/").content.decode()

        for anchor in ("not-you", "not-you-minid", "not-you-bankid", "not-you-buypass"):
            assert f'id="{anchor}"' in html
        assert 'id="not-you-commfides"' in html

    def test_the_overview_counts_logins_per_month_and_per_eid(
        self, citizen: Client, history: StubApi
    ) -> None:
        html = citizen.get("/min-side/").content.decode()

        month_rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>', html)
        assert len(month_rows) == 12
        # Five of the six logins are within the last twelve months.
        assert sum(int(count) for _, count in month_rows) == 5
        assert "<li>BankID: 1 innlogging</li>" in html
        assert "<li>MinID (PIN-kode): 2 innlogginger</li>" in html
        assert '<svg role="img" aria-labelledby="chart-title chart-desc"' in html
        assert html.count('class="history-chart__bar"') == len(
            [count for _, count in month_rows if count != "0"]
        )

    def test_an_empty_history_has_its_own_message(self, citizen: Client, api: StubApi) -> None:
        response = citizen.get("/min-side/")

        assert response.status_code == 200
        assert "ID-porten har ikke registrert noen innlogginger for deg ennå." in text_of(response)
        assert table_rows(response) == []

    def test_the_headers_announce_the_sort_and_are_links(
        self, citizen: Client, history: StubApi
    ) -> None:
        html = citizen.get("/min-side/?sortering=tjeneste").content.decode()

        assert re.search(
            r'aria-sort="ascending">\s*'
            r'<a class="history-sort" href="\?sortering=-tjeneste#results">Tjeneste',
            html,
        )
        assert re.search(
            r'aria-sort="none">\s*<a class="history-sort" href="\?sortering=tid#results">Tidspunkt',
            html,
        )
        assert '<th scope="col">Detaljer</th>' in html
        assert "<caption" in html


class TestSorting:
    @pytest.mark.parametrize(
        ("sort", "first", "last"),
        [
            ("", "SKATTEETATEN", "SKATTEETATEN"),
            ("-tid", "SKATTEETATEN", "SKATTEETATEN"),
            ("tid", "SKATTEETATEN", "SKATTEETATEN"),
            ("tjeneste", "ARBEIDS- OG VELFERDSETATEN", "SKATTEETATEN"),
            ("-tjeneste", "SKATTEETATEN", "ARBEIDS- OG VELFERDSETATEN"),
            ("orgno", "ARBEIDS- OG VELFERDSETATEN", "NORSK HELSENETT SF"),
            ("-orgno", "NORSK HELSENETT SF", "ARBEIDS- OG VELFERDSETATEN"),
        ],
    )
    def test_each_column_sorts_both_ways(
        self, citizen: Client, history: StubApi, sort: str, first: str, last: str
    ) -> None:
        shown = services_shown(citizen.get(f"/min-side/?sortering={sort}"))

        assert (shown[0], shown[-1]) == (first, last)

    def test_time_sorts_by_the_moment_not_the_text(self, citizen: Client, history: StubApi) -> None:
        oldest_first = [row[0] for row in table_rows(citizen.get("/min-side/?sortering=tid"))]

        assert [row[0] for row in table_rows(citizen.get("/min-side/"))] == oldest_first[::-1]

    @pytest.mark.parametrize("sort", ["tjeneste", "-tjeneste", "eid", "-eid", "orgno", "-orgno"])
    def test_within_one_value_the_newest_login_comes_first_either_way(
        self, citizen: Client, api: StubApi, sort: str
    ) -> None:
        api.history(
            [
                item(days_ago(day), service=service, eid=eid, orgno=orgno)
                for day, (service, eid, orgno) in enumerate(
                    [("B", "BankID", "2"), ("A", "MinID PIN", "1")] * 3
                )
            ]
        )

        html = citizen.get("/min-side/", {"sortering": sort}).content.decode()
        table = html.split("history-table", 1)[1].split("</table>", 1)[0]
        times = re.findall(r'<time datetime="([^"]+)"', table)

        # Two values, three logins each: each run of three is newest first.
        assert times[:3] == sorted(times[:3], reverse=True)
        assert times[3:] == sorted(times[3:], reverse=True)

    def test_eid_sorts_alphabetically_then_by_time(self, citizen: Client, history: StubApi) -> None:
        eids = [
            row[2].split(" nivå")[0].split(" allerede")[0]
            for row in table_rows(citizen.get("/min-side/?sortering=eid"))
        ]

        assert eids == [
            "BankID",
            "BankID på mobil",
            "Commfides",
            "Felles innlogging",
            "MinID (PIN-kode)",
            "MinID (PIN-kode)",
        ]

    def test_eid_sorts_by_the_name_shown_not_the_code(
        self, citizen: Client, history: StubApi, settings: Any
    ) -> None:
        citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        eids = [row[2] for row in table_rows(citizen.get("/min-side/?sortering=-eid"))]

        # "Federated" is shown as "Single sign-on": last in English, first when descending.
        assert eids[0] == "Single sign-on already logged in"
        assert eids[1].startswith("MinID (PIN code)")

    @pytest.mark.parametrize("sort", ["passord", "detaljer", "-" * 500, "tid,orgno"])
    def test_an_unknown_sort_shows_the_default_order(
        self, citizen: Client, history: StubApi, sort: str
    ) -> None:
        response = citizen.get("/min-side/", {"sortering": sort})

        assert response.status_code == 200
        assert services_shown(response) == services_shown(citizen.get("/min-side/"))


class TestPaging:
    def test_pages_have_25_rows_by_default_and_a_page_size_choice(
        self, citizen: Client, api: StubApi
    ) -> None:
        api.history(many(60))

        first = citizen.get("/min-side/")
        assert len(table_rows(first)) == 25
        assert "Viser 1\N{EN DASH}25 av 60 innlogginger" in text_of(first)
        for size in (10, 50, 100):
            response = citizen.get(f"/min-side/?antall={size}")
            assert len(table_rows(response)) == min(size, 60)

    def test_the_last_page_has_the_rest(self, citizen: Client, api: StubApi) -> None:
        api.history(many(60))

        response = citizen.get("/min-side/?side=3")

        assert services_shown(response) == [f"TJENESTE {day:04d}" for day in range(50, 60)]
        assert "Viser 51\N{EN DASH}60 av 60 innlogginger" in text_of(response)

    @pytest.mark.parametrize(
        ("page", "shown"),
        [
            # Beyond the end: the last page.
            ("4", "51\N{EN DASH}60"),
            ("99999999", "51\N{EN DASH}60"),
            # Before the first: the first page.
            ("0", "1\N{EN DASH}25"),
            ("-1", "1\N{EN DASH}25"),
            ("-99999999", "1\N{EN DASH}25"),
            # Not a page number: the first page.
            ("abc", "1\N{EN DASH}25"),
            ("", "1\N{EN DASH}25"),
            ("1.5", "1\N{EN DASH}25"),
            ("9" * 5000, "1\N{EN DASH}25"),
        ],
    )
    def test_every_page_number_shows_a_page(
        self, citizen: Client, api: StubApi, page: str, shown: str
    ) -> None:
        api.history(many(60))

        response = citizen.get("/min-side/", {"side": page})

        assert response.status_code == 200
        assert f"Viser {shown} av 60 innlogginger" in text_of(response)

    def test_the_current_page_is_marked_and_links_keep_the_filter(
        self, citizen: Client, api: StubApi
    ) -> None:
        api.history(many(60))

        html = citizen.get("/min-side/?side=2&sok=tjeneste&sortering=tid").content.decode()

        current = re.findall(r'<a [^>]*aria-current="true"[^>]*href="([^"]+)"', html)
        assert len(current) == 1
        assert "side=2" in current[0]
        assert 'aria-label="Sider i historikken"' in html
        nxt = re.search(r'href="([^"]+)">Neste</a>', html)
        assert nxt is not None
        link, fragment = nxt.group(1).replace("&amp;", "&").split("#")
        assert {"side=3", "sok=tjeneste", "sortering=tid"} <= set(link.lstrip("?").split("&"))
        assert fragment == "results"

    def test_one_page_needs_no_pagination(self, citizen: Client, history: StubApi) -> None:
        assert "ds-pagination" not in citizen.get("/min-side/").content.decode()


class TestFilters:
    @pytest.mark.parametrize(
        ("query", "count"),
        [
            ("periode=7d", 3),
            ("periode=30d", 4),
            ("periode=12m", 5),
            ("periode=", 6),
            (f"fra={days_ago(3)[:10]}", 3),
            (f"til={days_ago(3)[:10]}", 4),
            (f"fra={days_ago(20)[:10]}&til={days_ago(1)[:10]}", 3),
            (f"fra={days_ago(1)[:10]}&til={days_ago(1)[:10]}", 1),
            ("fra=0001-01-01&til=9999-12-31", 6),
            ("eid=BankID", 1),
            ("eid=BankID&eid=MinID+PIN", 3),
            ("tjeneste=SKATTEETATEN", 3),
            ("tjeneste=SKATTEETATEN&tjeneste=L%C3%85NEKASSEN", 4),
            ("sok=skatt", 3),
            ("sok=%20helsenett%20", 1),
            ("sok=l%C3%A5nekassen", 1),
            ("sok=SKATT&eid=MinID+PIN", 1),
            ("periode=30d&tjeneste=SKATTEETATEN", 2),
        ],
    )
    def test_each_filter_narrows_the_history(
        self, citizen: Client, history: StubApi, query: str, count: int
    ) -> None:
        response = citizen.get(f"/min-side/?{query}")

        assert response.status_code == 200
        assert len(table_rows(response)) == count

    def test_the_date_form_understands_norwegian_dates(
        self, citizen: Client, history: StubApi
    ) -> None:
        iso = days_ago(1)[:10]
        norwegian = f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}"

        assert len(table_rows(citizen.get(f"/min-side/?fra={norwegian}&til={norwegian}"))) == 1

    def test_the_summary_says_what_the_filter_shows(
        self, citizen: Client, history: StubApi
    ) -> None:
        text = text_of(citizen.get("/min-side/?sok=skatt"))

        assert "Viser 1\N{EN DASH}3 av 3 innlogginger som passer med filteret (6 i alt)" in text

    def test_the_form_keeps_its_state_and_opens_when_used(
        self, citizen: Client, history: StubApi
    ) -> None:
        html = citizen.get("/min-side/?sok=skatt&eid=BankID&periode=30d").content.decode()

        assert '<details class="ds-details history-filter" open>' in html
        assert 'name="sok" value="skatt"' in html
        assert re.search(r'name="eid" value="BankID"[^>]*checked', html)
        assert re.search(r'name="periode" value="30d"[^>]*checked', html)

    def test_the_filter_choices_are_the_eids_and_services_of_the_history(
        self, citizen: Client, history: StubApi
    ) -> None:
        html = citizen.get("/min-side/").content.decode()

        assert set(re.findall(r'name="eid" value="([^"]+)"', html)) == {
            "BankID",
            "BankID mobil",
            "Commfides",
            "Federated",
            "MinID PIN",
        }
        assert len(re.findall(r'name="tjeneste" value="', html)) == 4

    def test_a_filter_that_matches_nothing_has_its_own_message(
        self, citizen: Client, history: StubApi
    ) -> None:
        response = citizen.get("/min-side/?sok=finnes-ikke")

        assert response.status_code == 200
        text = text_of(response)
        assert "Ingen innlogginger passer med filteret." in text
        assert "Ingen av innloggingene dine passer med det du ba om." in text
        assert table_rows(response) == []


class TestBadFilterInput:
    @pytest.mark.parametrize(
        ("query", "field", "message"),
        [
            (
                f"fra={days_ago(1)[:10]}&til={days_ago(3)[:10]}",
                "fra",
                "Fra-datoen kan ikke være etter",
            ),
            ("fra=2025-02-30", "fra", "Skriv inn en dato som finnes"),
            ("til=2025-13-01", "til", "Skriv inn en dato som finnes"),
            ("fra=i+går", "fra", "Skriv inn en dato som finnes"),
            ("fra=" + "9" * 5000, "fra", "Skriv inn en dato som finnes"),
            ("eid=NemID", "eid", "Velg blant eID-ene i historikken din."),
            ("eid=BankID&eid=" + "x" * 10000, "eid", "Velg blant eID-ene"),
            ("tjeneste=FACEBOOK", "tjeneste", "Velg blant tjenestene i historikken din."),
            ("periode=1000d", "periode", "Velg en av periodene i listen."),
            ("sok=" + "a" * 101, "sok", "Søk med høyst 100 tegn."),
            ("antall=1000000", "antall", "Velg 10, 25, 50 eller 100"),
            ("antall=abc", "antall", "Velg 10, 25, 50 eller 100"),
        ],
    )
    def test_it_answers_400_with_the_error_at_the_field_and_in_a_summary(
        self, citizen: Client, history: StubApi, query: str, field: str, message: str
    ) -> None:
        response = citizen.get(f"/min-side/?{query}")

        assert response.status_code == 400
        html = response.content.decode()
        summary = re.search(r'<div class="ds-error-summary".*?</div>', html, re.S)
        assert summary is not None
        assert re.search(
            rf'<a class="ds-link" href="#id_{field}">[^<]*{re.escape(message)}', summary.group(0)
        )
        # The input (or the fieldset of a group of choices) is described by its error.
        assert f'id="id_{field}_error"' in html
        described = re.search(rf'<[^>]* id="id_{field}"[^>]*>', html)
        assert described is not None
        assert f'aria-describedby="id_{field}_error"' in described.group(0)
        assert table_rows(response) == []
        assert "Du er logget inn med BankID" in text_of(response)

    def test_the_message_does_not_repeat_a_huge_value(
        self, citizen: Client, history: StubApi
    ) -> None:
        html = citizen.get("/min-side/?eid=" + "x" * 10000).content.decode()

        message = re.search(r'id="id_eid_error">([^<]*)<', html)
        assert message is not None
        assert message.group(1) == "Velg blant eID-ene i historikken din."


def test_the_page_size_choice_shows_25_until_another_is_chosen(
    citizen: Client, history: StubApi
) -> None:
    html = citizen.get("/min-side/").content.decode()

    assert re.search(r'<option value="25" selected>', html)


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("nb", "Viser 1\N{EN DASH}25 av 1\N{NO-BREAK SPACE}200 innlogginger"),
        ("nn", "Viser 1\N{EN DASH}25 av 1\N{NO-BREAK SPACE}200 innloggingar"),
        ("en", "Showing 1\N{EN DASH}25 of 1,200 logins"),
    ],
)
def test_counts_are_grouped_as_each_language_writes_them(
    citizen: Client, api: StubApi, settings: Any, language: str, shown: str
) -> None:
    api.history(many(1200))
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    assert shown in citizen.get("/min-side/").content.decode()


class TestWhatThePageExplains:
    """Issue 15, point 5: no raw codes, the time zone, the flags explained, and what the
    history covers."""

    CODES = [
        item(days_ago(1), eid="MinID OTC"),
        item(days_ago(2), eid="BuyPass"),
        item(days_ago(3), eid="Buypass"),
        item(days_ago(4), eid="Federated"),
        item(days_ago(40), eid="MinID PIN"),
    ]

    def test_eids_are_named_as_people_know_them(self, citizen: Client, api: StubApi) -> None:
        api.history(self.CODES)

        response = citizen.get("/min-side/")

        eids = [row[2] for row in table_rows(response)]
        assert eids[0].startswith("MinID (kode på SMS) nivå 3")
        assert eids[1].startswith("Buypass nivå 4")
        assert eids[3] == "Felles innlogging allerede innlogget"
        html = response.content.decode()
        # The filter keeps the API's values and shows the names.
        assert re.search(
            r'value="MinID OTC"[^>]*>\s*<label[^>]*>MinID \(kode på SMS\)</label>', html
        )
        assert re.search(r'value="BuyPass"[^>]*>\s*<label[^>]*>Buypass</label>', html)
        # Two spellings of one eID are counted as one.
        assert "<li>Buypass: 2 innlogginger</li>" in html
        shown = " ".join(" ".join(row[:4]) for row in table_rows(response))
        for code in ("MinID OTC", "BuyPass", "Federated"):
            assert code not in shown

    def test_in_english_too(self, citizen: Client, api: StubApi, settings: Any) -> None:
        api.history(self.CODES)
        citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        text = text_of(citizen.get("/min-side/"))

        assert "MinID (code by SMS) level 3, substantial" in text
        assert "Single sign-on already logged in" in text
        assert "Times are Norwegian time." in text

    def test_it_says_the_period_the_history_spans_in_norwegian_time(
        self, citizen: Client, history: StubApi
    ) -> None:
        text = text_of(citizen.get("/min-side/?eid=BankID"))

        oldest, newest = (formats.date_format(oslo_date(days), "DATE_FORMAT") for days in (400, 0))
        # The whole history's span, whatever the filter shows.
        assert f"Historikken din går fra {oldest} til {newest}. Tidene er norsk tid." in text

    def test_it_says_the_history_is_the_old_platforms_log(
        self, citizen: Client, history: StubApi
    ) -> None:
        text = text_of(citizen.get("/min-side/"))

        assert "innloggingsloggen fra den gamle plattformen sin" in text
        assert "som bare er registrert på ID-portens nye plattform, kan mangle her" in text

    def test_a_legend_explains_the_marks(self, citizen: Client, history: StubApi) -> None:
        html = citizen.get("/min-side/").content.decode()

        legend = re.search(r'<section class="history-legend".*?</section>', html, re.S)
        assert legend is not None
        terms = [
            " ".join(re.sub(r"<[^>]+>", " ", term).split())
            for term in re.findall(r"<dt>(.*?)</dt>", legend.group(0), re.S)
        ]
        assert terms == [
            "om natten",
            "første gang",
            "Felles innlogging allerede innlogget",
            "nivå 4, høyt",
        ]
        assert "mellom midnatt og klokka seks" in legend.group(0)
        assert "uten å logge inn på nytt" in legend.group(0)

    def test_an_empty_history_has_no_span_and_no_legend(
        self, citizen: Client, api: StubApi
    ) -> None:
        html = citizen.get("/min-side/").content.decode()

        assert "Historikken din går fra" not in html
        assert "history-legend" not in html
