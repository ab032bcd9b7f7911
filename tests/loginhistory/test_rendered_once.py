"""What the history page renders from the cached history and the query alone (the filter, the
table and the summary) is rendered once per fetch of the history, and never shown for another
history: another citizen's, or the same citizen's after "Oppdater". A badge already in the
cache needs no worker thread."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from authlevel.selectors import badge_cache_key
from caseworker.selectors import lookups_cache_key
from idporten.authlevel_api import AuthlevelLookup, UsedLevel
from idporten.loginhistory_api import LoginRecord
from loginhistory.forms import HistoryFilterForm
from loginhistory.history import History, flagged
from loginhistory.selectors import history_cache_key, history_version_key, logins_filtered
from loginhistory.tables import LoginTable
from tests.loginhistory.conftest import (
    StubApi,
    days_ago,
    item,
    logged_in_client,
    services_shown,
)
from tests.loginhistory.test_badge_beside_the_history import substantial_login

pytestmark = pytest.mark.django_db

CITIZEN_PID = "15878510035"  # the citizen fixture's (tests/loginhistory/conftest.py)


def rendered_tables(client: Client, path: str = "/min-side/", times: int = 2) -> int:
    """How many times the table's cells were rendered for `times` views of the page."""
    with mock.patch.object(LoginTable, "page_cells", autospec=True, wraps=LoginTable.page_cells):
        for _ in range(times):
            assert client.get(path).status_code == 200
        return LoginTable.page_cells.call_count  # type: ignore[attr-defined, no-any-return]


def test_the_same_page_again_is_not_rendered_again(citizen: Client, api: StubApi) -> None:
    api.history([item(days_ago(1))])

    assert rendered_tables(citizen, times=3) == 1


def test_another_query_is_rendered_for_itself(citizen: Client, api: StubApi) -> None:
    api.history([item(days_ago(1), service="NAV"), item(days_ago(2), service="SKATTEETATEN")])

    assert services_shown(citizen.get("/min-side/?tjeneste=NAV")) == ["NAV"]
    assert services_shown(citizen.get("/min-side/?tjeneste=SKATTEETATEN")) == ["SKATTEETATEN"]
    assert rendered_tables(citizen, "/min-side/?sortering=tjeneste") == 1


def test_another_citizen_never_sees_the_first_ones_logins(api: StubApi) -> None:
    api.history([item(days_ago(1), service="NAV")])
    first = logged_in_client(pid="15878510035", sub="sub-a")
    assert services_shown(first.get("/min-side/")) == ["NAV"]
    api.history([item(days_ago(1), service="SKATTEETATEN")])
    second = logged_in_client(pid="04899220043", sub="sub-b")

    assert services_shown(second.get("/min-side/")) == ["SKATTEETATEN"]


def test_a_refreshed_history_is_rendered_anew(citizen: Client, api: StubApi) -> None:
    api.history([item(days_ago(1), service="NAV")])
    assert services_shown(citizen.get("/min-side/")) == ["NAV"]
    api.history([item(days_ago(1), service="SKATTEETATEN")])

    citizen.post("/min-side/oppdater/")

    assert services_shown(citizen.get("/min-side/")) == ["SKATTEETATEN"]


def test_a_cached_badge_needs_no_worker_thread(api: StubApi, settings: Any) -> None:
    settings.IDPORTEN_AUTHLEVEL_BASE_URL = "https://authlevel.example"
    client = substantial_login()
    with mock.patch("authlevel.selectors.used_level") as used_level:
        used_level.return_value = AuthlevelLookup(UsedLevel.NOT_HIGH)
        assert client.get("/min-side/").status_code == 200  # looked up, and cached
    with mock.patch.object(ThreadPoolExecutor, "submit") as submit:
        assert client.get("/min-side/").status_code == 200

    submit.assert_not_called()
    cache.clear()


def tables_asked(client: Client) -> list[str]:
    """The tables one more view of the history page reads."""
    client.get("/min-side/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/min-side/").status_code == 200
    return [re.findall(r'FROM "(\w+)"', query["sql"])[0] for query in queries.captured_queries]


def test_a_page_view_asks_the_database_only_for_the_session_the_user_and_the_lookups(
    citizen: Client, api: StubApi, settings: Any
) -> None:
    """The header's caseworker link comes from the session (noted at login), not from the
    user's permissions: a query for them on every page cost a quarter of the page. With Redis
    (CI's second run) the session, the user and the lookups come from Redis: no query."""
    api.history([item(days_ago(1))])

    tables = tables_asked(citizen)

    if settings.CACHE_IS_SHARED:
        assert tables == []
    else:
        assert tables == ["django_session", "auth_user", "caseworker_previewlookup"]


def test_with_a_shared_cache_the_user_and_the_lookups_come_from_it(
    citizen: Client, api: StubApi, settings: Any, shared_cache: None
) -> None:
    api.history([item(days_ago(1))])

    tables = tables_asked(citizen)

    session = [] if settings.SESSION_ENGINE.endswith("cached_db") else ["django_session"]
    assert tables == session


def test_the_same_page_again_filters_nothing(citizen: Client, api: StubApi) -> None:
    """The filtered rows feed only the table: a page whose table was rendered before does not
    filter the history again (for the heavy persona, the most of what the view did)."""
    api.history([item(days_ago(1), service="NAV"), item(days_ago(2))])

    with mock.patch("loginhistory.query.logins_filtered", wraps=logins_filtered) as filtering:
        for _ in range(3):
            assert services_shown(citizen.get("/min-side/?tjeneste=NAV")) == ["NAV"]

    assert filtering.call_count == 1


def history_reads(client: Client) -> list[str]:
    """The keys one more view of the history page reads from the shared cache, one at a time
    or together."""
    with (
        mock.patch.object(cache, "get", wraps=cache.get) as reads,
        mock.patch.object(cache, "get_many", wraps=cache.get_many) as reads_together,
    ):
        assert client.get("/min-side/").status_code == 200
    together = [key for call in reads_together.call_args_list for key in call.args[0]]
    return [call.args[0] for call in reads.call_args_list] + together


def test_the_badge_the_lookups_and_the_version_are_read_in_one_round_trip(
    citizen: Client, api: StubApi, shared_cache: None
) -> None:
    api.history([item(days_ago(1))])
    citizen.get("/min-side/")
    key = history_cache_key(citizen.session)
    assert key is not None
    read_alone: list[str] = []
    read_together: list[list[str]] = []
    get, get_many = cache.get, cache.get_many

    def reading(key: str, *args: Any, **kwargs: Any) -> Any:
        if not read_together or read_together[-1]:  # not from inside get_many
            read_alone.append(key)
        return get(key, *args, **kwargs)

    def reading_together(keys: list[str], *args: Any, **kwargs: Any) -> Any:
        read_together.append([])  # the locmem cache's get_many calls get for each key
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            read_together[-1] = keys

    with (
        mock.patch.object(cache, "get", side_effect=reading),
        mock.patch.object(cache, "get_many", side_effect=reading_together),
    ):
        assert citizen.get("/min-side/").status_code == 200

    first = {history_version_key(key), badge_cache_key(CITIZEN_PID), lookups_cache_key(CITIZEN_PID)}
    assert [set(keys) for keys in read_together] == [first]
    # Only the session and the user are read on their own (the user's id is in the session).
    assert not first & set(read_alone)


def test_a_page_view_reads_back_only_the_version_of_a_history_this_process_has(
    citizen: Client, api: StubApi
) -> None:
    """For the 10,000-login persona, reading the history itself back was a quarter of a
    megabyte to unpickle on every page view."""
    api.history([item(days_ago(1))])
    citizen.get("/min-side/")
    key = history_cache_key(citizen.session)
    assert key is not None

    reads = history_reads(citizen)

    assert history_version_key(key) in reads
    assert key not in reads


def test_a_history_another_process_fetched_anew_is_read_back(citizen: Client, api: StubApi) -> None:
    """ "Oppdater" in another process: the shared cache names another version, and this
    process's own copy is not used."""
    api.history([item(days_ago(1), service="NAV")])
    assert services_shown(citizen.get("/min-side/")) == ["NAV"]
    key = history_cache_key(citizen.session)
    assert key is not None
    record = LoginRecord(timezone.now(), "SKATTEETATEN", "BankID", "skatt", "974761076")
    fetched_elsewhere = History(flagged([record]))
    cache.set_many({key: fetched_elsewhere, history_version_key(key): fetched_elsewhere.version})

    assert services_shown(citizen.get("/min-side/")) == ["SKATTEETATEN"]


def test_a_history_whose_version_is_gone_is_fetched_again(citizen: Client, api: StubApi) -> None:
    """A logout in another process drops the history and its version: this process's copy
    ends with it."""
    api.history([item(days_ago(1), service="NAV")])
    assert services_shown(citizen.get("/min-side/")) == ["NAV"]
    key = history_cache_key(citizen.session)
    assert key is not None
    api.history([item(days_ago(1), service="SKATTEETATEN")])

    cache.delete(history_version_key(key))

    assert services_shown(citizen.get("/min-side/")) == ["SKATTEETATEN"]


def filter_validations(client: Client, paths: list[str]) -> int:
    """How many times the filter form was validated for views of these pages, in turn."""
    with mock.patch.object(
        HistoryFilterForm, "full_clean", autospec=True, side_effect=HistoryFilterForm.full_clean
    ) as validating:
        for path in paths:
            assert client.get(path).status_code in (200, 400)
    return validating.call_count


def test_the_same_query_is_validated_once(citizen: Client, api: StubApi) -> None:
    api.history([item(days_ago(1), service="NAV"), item(days_ago(2))])

    assert filter_validations(citizen, ["/min-side/?tjeneste=NAV"] * 3) == 1
    assert filter_validations(citizen, ["/min-side/?tjeneste=NAV", "/min-side/?side=2"]) == 1
    # An invalid query is refused each time, as the first time.
    for _ in range(2):
        assert citizen.get("/min-side/?periode=1000y").status_code == 400


def test_a_refreshed_history_is_validated_anew(citizen: Client, api: StubApi) -> None:
    api.history([item(days_ago(1), service="NAV")])
    assert filter_validations(citizen, ["/min-side/?tjeneste=NAV"]) == 1
    api.history([item(days_ago(1), service="SKATTEETATEN")])
    citizen.post("/min-side/oppdater/")

    # NAV is no longer among the choices of the history fetched anew.
    assert citizen.get("/min-side/?tjeneste=NAV").status_code == 400


def test_the_filter_names_the_eids_in_each_language(
    citizen: Client, api: StubApi, settings: Any
) -> None:
    api.history([item(days_ago(1), eid="Federated")])
    assert "Felles innlogging" in citizen.get("/min-side/").content.decode()

    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = citizen.get("/min-side/").content.decode()

    (choice,) = re.findall(r'for="id_eid_0">([^<]*)</label>', page)
    assert choice == "Single sign-on"
