"""Every answer of the authlevel API, stubbed at requests (test_authlevel_e2e.py: the emulator)."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from unittest import mock

import pytest
import requests
from django.core.cache import cache

from authlevel.selectors import authlevel_lookup
from idporten.authlevel_api import AuthlevelLookup, UsedLevel
from idporten.server_token import ServerTokenUnavailable

# The server token is kept in the database (idporten.server_token).
pytestmark = pytest.mark.django_db

PID = "15878510035"


@pytest.fixture(autouse=True)
def configured(settings):
    settings.IDPORTEN_AUTHLEVEL_BASE_URL = "https://authlevel.example"
    cache.clear()
    with mock.patch("idporten.authlevel_api.server_access_token", return_value="server-token"):
        yield
    cache.clear()


def answer(status: int, body: object = None) -> mock.Mock:
    response = mock.Mock(status_code=status)
    if isinstance(body, Exception):
        response.json.side_effect = body
    else:
        response.json.return_value = body
    return response


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, {"personidentifikator": PID, "harbruktnivaa4": True}, UsedLevel.HIGH),
        (200, {"personidentifikator": PID, "harbruktnivaa4": False}, UsedLevel.NOT_HIGH),
        (200, {"personidentifikator": PID, "harbruktnivå4": True}, UsedLevel.HIGH),
        (404, None, UsedLevel.NOT_REGISTERED),
    ],
)
def test_answers_the_api_gives(status, body, expected):
    with mock.patch("idporten.http.SESSION.post", return_value=answer(status, body)) as post:
        assert authlevel_lookup(pid=PID).used is expected
    sent = post.call_args
    assert sent.args[0] == "https://authlevel.example/authlevel/rest/v1/sikkerhetsnivaa"
    assert sent.kwargs["json"] == {"personidentifikator": PID}
    assert sent.kwargs["headers"] == {"Authorization": "Bearer server-token"}
    assert sent.kwargs["timeout"]


def test_from_date_is_sent_when_given():
    ok = answer(200, {"harbruktnivaa4": True})
    with mock.patch("idporten.http.SESSION.post", return_value=ok) as post:
        authlevel_lookup(pid=PID, from_date=date(2020, 1, 31))
    assert post.call_args.kwargs["json"] == {"personidentifikator": PID, "fraDato": "2020-01-31"}


@pytest.mark.parametrize("status", [400, 403])
def test_400_and_403_are_configuration_errors_logged_for_the_operators(status, caplog):
    with mock.patch("idporten.http.SESSION.post", return_value=answer(status, {})):
        assert authlevel_lookup(pid=PID) == AuthlevelLookup(UsedLevel.UNKNOWN)
    assert f"event=authlevel_refused status={status}" in caplog.text
    assert any(record.levelno == logging.ERROR for record in caplog.records)
    assert PID not in caplog.text


@pytest.mark.parametrize(
    "post",
    [
        {"return_value": answer(503, {})},
        {"return_value": answer(200, ValueError("not json"))},
        {"return_value": answer(200, {"personidentifikator": PID})},
        {"side_effect": requests.ReadTimeout("slow")},
        {"side_effect": requests.ConnectionError("refused")},
    ],
    ids=["5xx", "not-json", "no-answer-field", "timeout", "connection"],
)
def test_upstream_failures_give_a_temporary_unknown(post):
    with mock.patch("idporten.http.SESSION.post", **post):
        assert authlevel_lookup(pid=PID) == AuthlevelLookup(UsedLevel.UNKNOWN, temporary=True)


def test_a_401_drops_the_server_token_and_tries_once_more():
    answers = [answer(401), answer(200, {"harbruktnivaa4": True})]
    with (
        mock.patch("idporten.http.SESSION.post", side_effect=answers) as post,
        mock.patch("idporten.authlevel_api.forget_server_token") as forget,
    ):
        assert authlevel_lookup(pid=PID).used is UsedLevel.HIGH
    assert post.call_count == 2
    forget.assert_called_once()


def test_a_second_401_gives_up():
    with mock.patch("idporten.http.SESSION.post", return_value=answer(401)) as post:
        assert authlevel_lookup(pid=PID).used is UsedLevel.UNKNOWN
    assert post.call_count == 2


def test_no_server_token_means_unknown():
    with mock.patch(
        "idporten.authlevel_api.server_access_token", side_effect=ServerTokenUnavailable("no")
    ):
        assert authlevel_lookup(pid=PID) == AuthlevelLookup(UsedLevel.UNKNOWN)


def test_answers_are_cached_per_person_and_unknowns_are_not(settings):
    settings.AUTHLEVEL_CACHE_SECONDS = 600
    yes = answer(200, {"harbruktnivaa4": True})
    with mock.patch("idporten.http.SESSION.post", return_value=yes) as post:
        authlevel_lookup(pid=PID)
        authlevel_lookup(pid=PID)
        authlevel_lookup(pid="04899220043")
    assert post.call_count == 2
    with mock.patch("idporten.http.SESSION.post", return_value=answer(503, {})) as post:
        authlevel_lookup(pid="30856440032")
        authlevel_lookup(pid="30856440032")
    assert post.call_count == 2


def test_an_environment_without_the_api_gives_unknown_without_a_call(settings):
    settings.IDPORTEN_AUTHLEVEL_BASE_URL = ""
    with mock.patch("idporten.http.SESSION.post") as post:
        assert authlevel_lookup(pid=PID).used is UsedLevel.UNKNOWN
    post.assert_not_called()


def test_lookups_for_one_person_at_once_ask_the_api_once() -> None:
    """As the first page's badge does while the lookup the login started is under way."""

    def slowly(url: str, **kwargs: object) -> mock.Mock:
        time.sleep(0.2)
        return answer(200, {"harbruktnivaa4": True})

    at_once = 5
    start = threading.Barrier(at_once)

    def lookup(_: int) -> AuthlevelLookup:
        start.wait()
        return authlevel_lookup(pid=PID)

    with (
        mock.patch("idporten.http.SESSION.post", side_effect=slowly) as post,
        ThreadPoolExecutor(at_once) as pool,
    ):
        lookups = list(pool.map(lookup, range(at_once)))
    assert post.call_count == 1
    assert {found.used for found in lookups} == {UsedLevel.HIGH}
