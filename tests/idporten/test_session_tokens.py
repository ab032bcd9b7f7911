"""The session's token store: refresh before expiry, rotation, and one refresh at a time."""

from __future__ import annotations

import threading
import time
from importlib import import_module
from unittest import mock

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory

from idporten.discovery import ProviderMetadata
from idporten.http import IdPortenUnavailable
from idporten.session import (
    ReauthenticationRequired,
    access_token,
    id_token_hint,
    login_details,
    store_login,
)
from idporten.types import LevelOfAssurance

pytestmark = pytest.mark.django_db(transaction=True)

METADATA = ProviderMetadata(
    issuer="https://idporten.example",
    authorization_endpoint="https://idporten.example/authorize",
    token_endpoint="https://idporten.example/token",
    userinfo_endpoint="https://idporten.example/userinfo",
    jwks_uri="https://idporten.example/jwk",
    end_session_endpoint="https://idporten.example/endsession",
)
CLAIMS = {
    "sub": "s",
    "pid": "15878510035",
    "acr": "idporten-loa-high",
    "amr": ["BankID"],
    "sid": "sid-1",
    "auth_time": 1,
}


def token_response(n: int, expires_in: int = 120) -> dict:
    return {
        "access_token": f"access-{n}",
        "refresh_token": f"refresh-{n}",
        "id_token": "id-token",
        "expires_in": expires_in,
    }


def token_answer(status: int, body: object) -> mock.Mock:
    response = mock.Mock(status_code=status)
    response.json.return_value = body
    return response


@pytest.fixture(autouse=True)
def metadata():
    cache.clear()
    with mock.patch("idporten.session.provider_metadata", return_value=METADATA):
        yield


def logged_in_request(expires_in: int = 120):
    request = RequestFactory().get("/min-side/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    store_login(request.session, claims=CLAIMS, token_response=token_response(1, expires_in))
    request.session.save()
    return request


def test_login_details_are_kept_for_the_pages():
    details = login_details(logged_in_request().session)
    assert details.pid == "15878510035"
    assert details.level is LevelOfAssurance.HIGH
    assert details.eid == "BankID"
    assert details.sid == "sid-1"


def test_a_fresh_access_token_is_used_as_it_is():
    request = logged_in_request()
    with mock.patch("idporten.http.SESSION.post") as post:
        assert access_token(request.session) == "access-1"
    post.assert_not_called()


def test_a_token_about_to_expire_is_refreshed_and_the_refresh_token_rotated():
    request = logged_in_request(expires_in=10)
    answer = token_answer(200, token_response(2))
    with mock.patch("idporten.http.SESSION.post", return_value=answer) as post:
        assert access_token(request.session) == "access-2"
    sent = post.call_args
    assert sent.args[0] == METADATA.token_endpoint
    assert sent.kwargs["data"] == {"grant_type": "refresh_token", "refresh_token": "refresh-1"}
    assert sent.kwargs["auth"] == (settings.IDPORTEN_CLIENT_ID, settings.IDPORTEN_CLIENT_SECRET)
    assert sent.kwargs["timeout"]
    # The rotated refresh token is what the next refresh will send.
    assert request.session["idporten_tokens"]["refresh_token"] == "refresh-2"
    assert id_token_hint(request.session) == "id-token"


def test_a_refused_refresh_means_logging_in_again():
    request = logged_in_request(expires_in=10)
    answer = token_answer(400, {"error": "invalid_grant"})
    with (
        mock.patch("idporten.http.SESSION.post", return_value=answer),
        pytest.raises(ReauthenticationRequired),
    ):
        access_token(request.session)


def not_json() -> mock.Mock:
    response = mock.Mock(status_code=200)
    response.json.side_effect = ValueError("not json")
    return response


@pytest.mark.parametrize(
    "post",
    [
        {"side_effect": requests.ReadTimeout("slow")},
        {"return_value": token_answer(503, {})},
        {"return_value": not_json()},
    ],
    ids=["timeout", "server-error", "not-json"],
)
def test_an_unreachable_op_during_refresh_is_reported_as_unavailable(post):
    request = logged_in_request(expires_in=10)
    with mock.patch("idporten.http.SESSION.post", **post), pytest.raises(IdPortenUnavailable):
        access_token(request.session)


def test_no_tokens_means_logging_in_again():
    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    with pytest.raises(ReauthenticationRequired):
        access_token(request.session)


def test_two_requests_of_one_session_refresh_only_once():
    """Refresh tokens rotate: a second refresh with the old one would be seen as theft."""
    first = logged_in_request(expires_in=10)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    second = RequestFactory().get("/min-side/")
    second.session = store(first.session.session_key)
    second.session.load()

    calls = []

    def slow_refresh(*args: object, **kwargs: object) -> mock.Mock:
        calls.append(kwargs["data"]["refresh_token"])
        time.sleep(0.3)
        return token_answer(200, token_response(len(calls) + 1))

    results: list[str] = []
    with mock.patch("idporten.http.SESSION.post", side_effect=slow_refresh):
        threads = [
            threading.Thread(target=lambda r=r: results.append(access_token(r.session)))
            for r in (first, second)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert calls == ["refresh-1"]
    assert sorted(results) == ["access-2", "access-2"]


def test_a_request_that_loaded_the_session_earlier_does_not_save_old_tokens_back():
    """Request A loads the session; request B refreshes the tokens and saves; then A saves
    (every request does: the idle timeout touches the session). The rotated refresh token must
    not come back, or the next refresh would be a replay that ID-porten refuses."""
    refreshing = logged_in_request(expires_in=10)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    earlier = store(refreshing.session.session_key)
    assert earlier["idporten_tokens"]["access_token"] == "access-1"  # loaded now

    with mock.patch(
        "idporten.http.SESSION.post", return_value=token_answer(200, token_response(2))
    ):
        assert access_token(refreshing.session) == "access-2"
    earlier["last_seen"] = time.time()
    earlier.save()

    saved = store(refreshing.session.session_key).load()["idporten_tokens"]
    assert (saved["access_token"], saved["refresh_token"]) == ("access-2", "refresh-2")
    assert earlier["last_seen"] == store(refreshing.session.session_key).load()["last_seen"]


def test_a_request_that_refreshed_itself_saves_its_own_newer_tokens():
    request = logged_in_request(expires_in=10)
    store = import_module(settings.SESSION_ENGINE).SessionStore

    with mock.patch(
        "idporten.http.SESSION.post", return_value=token_answer(200, token_response(2))
    ):
        access_token(request.session)
    request.session.save()

    assert store(request.session.session_key).load()["idporten_tokens"]["refresh_token"] == (
        "refresh-2"
    )
