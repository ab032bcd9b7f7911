"""The per-session cache, "Oppdater", the page when the API fails, and one citizen's history
never reaching another."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.test import Client

from idporten import http
from tests.loginhistory.conftest import StubApi, days_ago, item, logged_in_client, text_of

pytestmark = pytest.mark.django_db


class TestTheCache:
    def test_paging_sorting_and_filtering_reuse_one_fetch(
        self, citizen: Client, api: StubApi
    ) -> None:
        api.history([item(days_ago(1))])

        for query in ("", "side=2", "sortering=tjeneste", "sok=skatt", "eid=BankID"):
            assert citizen.get(f"/min-side/?{query}").status_code == 200

        assert len(api.calls) == 1

    def test_it_fetches_again_when_the_copy_has_expired(
        self, citizen: Client, api: StubApi, settings: Any
    ) -> None:
        settings.LOGINHISTORY_CACHE_SECONDS = 0  # expired at once

        citizen.get("/min-side/")
        citizen.get("/min-side/")

        assert len(api.calls) == 2

    def test_refresh_fetches_afresh_and_keeps_the_filter(
        self, citizen: Client, api: StubApi
    ) -> None:
        api.history([item(days_ago(1))])
        citizen.get("/min-side/")
        api.history([item(days_ago(0)), item(days_ago(1))])

        response = citizen.post("/min-side/oppdater/", {"query": "sok=skatt&side=1"})

        assert response.status_code == 302
        assert response["Location"] == "/min-side/?sok=skatt&side=1"
        assert "Viser 1\N{EN DASH}2 av 2 innlogginger" in text_of(citizen.get(response["Location"]))
        assert len(api.calls) == 2

    def test_refresh_drops_a_query_too_long_to_be_a_filter(
        self, citizen: Client, api: StubApi
    ) -> None:
        response = citizen.post("/min-side/oppdater/", {"query": "sok=" + "a" * 3000})

        assert response["Location"] == "/min-side/"

    def test_refresh_needs_the_csrf_token(self, api: StubApi) -> None:
        browser = logged_in_client()
        browser.handler.enforce_csrf_checks = True

        assert browser.post("/min-side/oppdater/").status_code == 403

    def test_refresh_is_post_only(self, citizen: Client) -> None:
        assert citizen.get("/min-side/oppdater/").status_code == 405


class TestWhenTheApiFails:
    @pytest.mark.parametrize(
        "failure",
        [
            (500, "Internal Server Error"),
            (503, "Service Unavailable"),
            (200, b"<html>not json"),
            (200, {"innlogginger": []}),
            requests.ReadTimeout(),
            requests.ConnectionError(),
        ],
    )
    def test_the_page_still_renders_with_an_alert_and_a_retry_button(
        self, citizen: Client, api: StubApi, failure: Any
    ) -> None:
        if isinstance(failure, Exception):
            api.fail(failure)
        else:
            api.answer(*failure)

        response = citizen.get("/min-side/")

        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        html = response.content.decode()
        text = text_of(response)
        assert "Du er logget inn med BankID på høyt nivå (nivå 4)." in text
        assert "Vi fikk ikke hentet innloggingshistorikken din" in text
        assert 'class="ds-alert" data-color="danger"' in html
        assert 'action="/min-side/oppdater/"' in html
        assert ">Prøv igjen</button>" in html
        assert "history-table" not in html

    def test_a_failure_is_not_cached(self, citizen: Client, api: StubApi) -> None:
        api.answer(500, "down")
        api.history([item(days_ago(1))])

        citizen.get("/min-side/")

        assert "Viser 1\N{EN DASH}1 av 1 innlogging" in text_of(citizen.get("/min-side/"))

    def test_403_says_the_service_is_not_set_up(self, citizen: Client, api: StubApi) -> None:
        api.answer(403, {"error": "insufficient_scope"})

        response = citizen.get("/min-side/")

        assert response.status_code == 200
        assert "Denne tjenesten er ikke satt opp til å vise innloggingshistorikken din" in text_of(
            response
        )

    def test_an_export_says_to_try_later_with_503(self, citizen: Client, api: StubApi) -> None:
        api.answer(502, "bad gateway")

        response = citizen.get("/min-side/eksport.csv")

        assert response.status_code == 503
        assert "kan ikke hentes akkurat nå" in response.content.decode()


class TestOtherCitizens:
    def test_each_citizen_sees_only_their_own_history(self, api: StubApi) -> None:
        def answer_for_token(url: str, **kwargs: Any) -> requests.Response:
            token = kwargs["headers"]["Authorization"].removeprefix("Bearer ")
            api.history([item(days_ago(1), service=f"SERVICE OF {token.upper()}")])
            return StubApi.__call__(api, url, **kwargs)

        anna = logged_in_client(pid="15878510035", sub="anna")
        bjorn = logged_in_client(pid="04899220043", sub="bjorn")
        http.SESSION.get = answer_for_token  # type: ignore[method-assign]  # the api fixture restores it

        for _ in range(2):  # the second round is served from the cache
            assert "SERVICE OF TOKEN-OF-ANNA" in text_of(anna.get("/min-side/"))
            assert "SERVICE OF TOKEN-OF-BJORN" not in text_of(anna.get("/min-side/"))
            assert "SERVICE OF TOKEN-OF-BJORN" in text_of(bjorn.get("/min-side/"))
            assert "SERVICE OF TOKEN-OF-ANNA" not in text_of(bjorn.get("/min-side/"))
        assert (
            "SERVICE OF TOKEN-OF-BJORN" not in anna.get("/min-side/eksport.json").content.decode()
        )
        assert len(api.calls) == 2

    def test_a_new_login_in_the_same_browser_does_not_see_the_last_ones_history(
        self, api: StubApi
    ) -> None:
        browser = logged_in_client(sub="anna")
        api.history([item(days_ago(1), service="ANNAS SERVICE")])
        browser.get("/min-side/")

        browser.post("/logg-ut/")
        api.history([item(days_ago(1), service="BJORNS SERVICE")])
        second = logged_in_client(sub="bjorn")
        browser.cookies = second.cookies

        assert "BJORNS SERVICE" in text_of(browser.get("/min-side/"))
