"""CSV and JSON exports of the filtered history."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from common.spreadsheets import spreadsheet_safe
from tests.loginhistory.conftest import StubApi, days_ago, item

pytestmark = pytest.mark.django_db

HISTORY = [
    item("2024-07-01T12:00:00", service="SKATTEETATEN", eid="BankID"),
    item("2024-01-15T08:30:00", service='=HYPERLINK("http://evil")', eid="MinID PIN"),
    item("2023-12-24T23:00:00", service="NAV", eid="+1+1", integration_id="@SUM(A1)"),
]


@pytest.fixture
def history(api: StubApi) -> StubApi:
    api.history(HISTORY)
    return api


def csv_rows(content: bytes, delimiter: str = ";") -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_csv_has_a_header_and_every_login_with_its_offset(
    citizen: Client, history: StubApi
) -> None:
    response = citizen.get("/min-side/eksport.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response.content)
    assert rows[0] == [
        "Tidspunkt",
        "Tjeneste",
        "eID",
        "Sikkerhetsnivå",
        "Integrasjons-ID",
        "Organisasjonsnummer",
        "Om natten",
        "Første gang hos tjenesten",
        "Første gang med eID-en",
    ]
    assert rows[1] == [
        "2024-07-01T12:00:00+02:00",
        "SKATTEETATEN",
        "BankID",
        "nivå 4, høyt",
        "skatteetaten-min-skatt",
        "974761076",
        "Nei",
        "Ja",
        "Ja",
    ]
    assert len(rows) == 4


@pytest.mark.parametrize(
    ("language", "delimiter"),
    # Excel splits on the list separator of the regional settings: ";" in Norway.
    [("nb", ";"), ("nn", ";"), ("en", ",")],
)
def test_csv_is_separated_as_excel_in_that_language_expects(
    citizen: Client, history: StubApi, language: str, delimiter: str
) -> None:
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    text = citizen.get("/min-side/eksport.csv").content.decode("utf-8")

    header = text[1:].splitlines()[0]
    assert header.count(delimiter) == 8
    assert len(csv_rows(citizen.get("/min-side/eksport.csv").content, delimiter)[1]) == 9


def test_csv_has_the_level_and_every_flag_in_columns_of_their_own(
    citizen: Client, api: StubApi
) -> None:
    api.history(
        [
            item(days_ago(1, hour=3), "SKATTEETATEN", "BankID"),
            item(days_ago(2), "NAV", "MinID PIN"),
            item(days_ago(3), "SKATTEETATEN", "BankID"),
            item(days_ago(4), "NAV", "Federated"),
        ]
    )
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    rows = csv_rows(citizen.get("/min-side/eksport.csv").content, ",")

    assert rows[0][3:4] + rows[0][6:] == [
        "Security level",
        "At night",
        "First time at the service",
        "First time with the eID",
    ]
    assert [row[3:4] + row[6:] for row in rows[1:]] == [
        ["level 4, high", "Yes", "No", "No"],
        ["level 3, substantial", "No", "No", "Yes"],
        ["level 4, high", "No", "Yes", "Yes"],
        ["already logged in", "No", "Yes", "Yes"],
    ]


def test_csv_cells_cannot_become_spreadsheet_formulas(citizen: Client, history: StubApi) -> None:
    rows = csv_rows(citizen.get("/min-side/eksport.csv").content)

    assert rows[2][1] == '\'=HYPERLINK("http://evil")'
    assert rows[3][2] == "'+1+1"
    assert rows[3][4] == "'@SUM(A1)"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("-2", "'-2"),
        ("\tx", "'\tx"),
        ("SKATTEETATEN", "SKATTEETATEN"),
        ("", ""),
    ],
)
def test_spreadsheet_safe(value: str, safe: str) -> None:
    assert spreadsheet_safe(value) == safe


def test_json_keeps_the_apis_field_names(citizen: Client, history: StubApi) -> None:
    response = citizen.get("/min-side/eksport.json")

    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)[0] == {
        "tidspunkt": "2024-07-01T12:00:00+02:00",
        "tjeneste": "SKATTEETATEN",
        "eid": "BankID",
        "integrasjon_id": "skatteetaten-min-skatt",
        "orgno": "974761076",
    }


@pytest.mark.parametrize("extension", ["csv", "json"])
def test_exports_are_named_with_the_date_and_never_cached(
    citizen: Client, history: StubApi, extension: str
) -> None:
    response = citizen.get(f"/min-side/eksport.{extension}")

    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="innlogginger-{today}.{extension}"'
    )
    assert "no-store" in response["Cache-Control"]


def test_exports_hold_the_filtered_result_not_just_one_page(citizen: Client, api: StubApi) -> None:
    api.history(
        [item(days_ago(day), eid="BankID" if day % 2 else "MinID PIN") for day in range(60)]
    )

    exported = json.loads(citizen.get("/min-side/eksport.json?eid=BankID&side=2&antall=10").content)

    assert len(exported) == 30
    assert {login["eid"] for login in exported} == {"BankID"}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["B", "C", "A"]),  # newest first, as the table shows it unsorted
        ("tid", ["A", "C", "B"]),
        ("tjeneste", ["A", "B", "C"]),
        ("-tjeneste", ["C", "B", "A"]),
    ],
)
def test_exports_keep_the_order_the_table_is_sorted_in(
    citizen: Client, api: StubApi, sort: str, expected: list[str]
) -> None:
    api.history([item(days_ago(1), "B"), item(days_ago(2), "C"), item(days_ago(3), "A")])

    exported = json.loads(citizen.get("/min-side/eksport.json", {"sortering": sort}).content)
    csv_rows = citizen.get("/min-side/eksport.csv", {"sortering": sort}).content.decode()

    assert [login["tjeneste"] for login in exported] == expected
    assert [line.split(";")[1] for line in csv_rows.splitlines()[1:]] == expected


def test_an_invalid_filter_gives_400_with_the_reason(citizen: Client, history: StubApi) -> None:
    response = citizen.get("/min-side/eksport.csv?fra=2025-02-30")

    assert response.status_code == 400
    assert "Skriv inn en dato som finnes" in response.content.decode()


def test_the_page_links_to_both_exports_with_its_filter(citizen: Client, history: StubApi) -> None:
    html = citizen.get("/min-side/?sok=skatt").content.decode()

    assert 'href="/min-side/eksport.csv?sok=skatt"' in html
    assert 'href="/min-side/eksport.json?sok=skatt"' in html
