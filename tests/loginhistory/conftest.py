"""The history page under Django's test client, with the login-history API stubbed where the
portal calls it (idporten.http.SESSION.get), so that the many filter, sort and paging cases
run fast."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from idporten import http
from idporten.session import store_login

API = "https://api.idporten-test.example"
OWN_ORGNO = "991825827"


def item(
    when: str,
    service: str = "SKATTEETATEN",
    eid: str = "BankID",
    orgno: str = "974761076",
    integration_id: str = "skatteetaten-min-skatt",
) -> dict[str, str]:
    return {
        "tidspunkt": when,
        "tjeneste": service,
        "eid": eid,
        "integrasjon_id": integration_id,
        "orgno": orgno,
    }


def oslo_today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def days_ago(days: int, hour: int = 12) -> str:
    moment = datetime.datetime.combine(
        oslo_today() - datetime.timedelta(days=days), datetime.time(hour, 0)
    )
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class StubApi:
    """Answers the portal's GETs; each answer is (status, body), or an exception to raise."""

    answers: list[Any] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    default: Any = (200, [])

    def answer(self, status: int, body: Any = None, raw: bytes | None = None) -> None:
        self.answers.append((status, body) if raw is None else (status, raw))

    def history(self, items: list[Any]) -> None:
        self.default = (200, items)

    def fail(self, exception: Exception) -> None:
        self.answers.append(exception)

    def __call__(self, url: str, **kwargs: Any) -> requests.Response:
        self.calls.append({"url": url, **kwargs})
        answer = self.answers.pop(0) if self.answers else self.default
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        response = requests.Response()
        response.status_code = status
        response.url = url
        response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        return response


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, settings: Any) -> StubApi:
    stub = StubApi()
    monkeypatch.setattr(http.SESSION, "get", stub)
    settings.IDPORTEN_LOGINHISTORY_BASE_URL = API
    settings.LOGINHISTORY_ENDPOINT = "all"
    cache.clear()
    return stub


def logged_in_client(pid: str = "15878510035", sub: str = "sub-a") -> Client:
    client = Client()
    user = get_user_model().objects.create_user(username=sub)
    client.force_login(user, backend="idporten.backend.IdPortenBackend")
    session = client.session
    store_login(
        session,
        claims={"sub": sub, "pid": pid, "acr": "idporten-loa-high", "amr": ["BankID"]},
        token_response={
            "access_token": f"token-of-{sub}",
            "refresh_token": "r",
            "id_token": "i",
            "expires_in": 120,
        },
    )
    session.save()
    return client


@pytest.fixture
def citizen(db: None, api: StubApi) -> Client:
    return logged_in_client()


@pytest.fixture
def page_of(citizen: Client) -> Callable[..., Any]:
    """GET /min-side/ with a query; the response, with its text decoded."""

    def get(query: str = "", **params: Any) -> Any:
        return citizen.get("/min-side/" + (f"?{query}" if query else ""), params or None)

    return get


class _TableText(HTMLParser):
    """The text of each body row of the history table, cell by cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.in_table = self.in_body = self.in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and "history-table" in (dict(attrs).get("class") or ""):
            self.in_table = True
        elif self.in_table and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag == "td":
            self.in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.in_cell = False
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.in_table = False

    def handle_data(self, data: str) -> None:
        if self.in_cell:
            self.rows[-1][-1] += data


def table_rows(response: Any) -> list[list[str]]:
    parser = _TableText()
    parser.feed(response.content.decode())
    return [[" ".join(cell.split()) for cell in row] for row in parser.rows]


def services_shown(response: Any) -> list[str]:
    return [re.sub(r"\s*første gang$", "", row[1]) for row in table_rows(response)]


def text_of(response: Any) -> str:
    """The page's text with the markup and extra whitespace gone, for matching sentences."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
