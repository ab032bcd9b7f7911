"""The token store: one encrypted row per login, refreshed before expiry, rotated, and once
however many requests ask at the same time."""

from __future__ import annotations

import datetime
import threading
import time
from importlib import import_module
from unittest import mock

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from idporten.discovery import ProviderMetadata
from idporten.http import IdPortenUnavailable
from idporten.models import LoginTokens
from idporten.session import (
    LAST_SEEN_KEY,
    TOKENS_KEY,
    ReauthenticationRequired,
    access_token,
    id_token_hint,
    login_details,
    store_login,
    tokens_forget,
)
from idporten.types import LevelOfAssurance
from tests.idporten.token_rows import expire_access_token, row_of, tokens_of

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
    assert tokens_of(request.session)["refresh_token"] == "refresh-2"
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
    # Nothing was lost: the same refresh token can be tried again.
    assert tokens_of(request.session)["refresh_token"] == "refresh-1"


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


def test_a_session_saved_after_another_request_refreshed_keeps_the_new_tokens():
    """Request A loads the session; request B refreshes; then A saves its session (every
    request may). The session holds only the row's id, so nothing old can come back."""
    refreshing = logged_in_request(expires_in=10)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    earlier = store(refreshing.session.session_key)
    earlier.load()

    with mock.patch(
        "idporten.http.SESSION.post", return_value=token_answer(200, token_response(2))
    ):
        assert access_token(refreshing.session) == "access-2"
    earlier[LAST_SEEN_KEY] = time.time()
    earlier.save()

    assert tokens_of(store(refreshing.session.session_key))["refresh_token"] == "refresh-2"


def test_the_tokens_are_encrypted_at_rest_and_not_in_the_session():
    request = logged_in_request()
    raw = bytes(row_of(request.session).sealed)
    for secret in (b"access-1", b"refresh-1", b"id-token"):
        assert secret not in raw
    assert set(request.session.keys()) == {"idporten_login", TOKENS_KEY, LAST_SEEN_KEY}
    assert "access-1" not in str(dict(request.session.items()))


NEW_KEY = "8Vw7S2QpJ2yqv0fN1cS6c8fXcM0oQv1vQWb3kzj9N8U="
OLD_KEY = "H9n2l0Zt4Yk3sW5cR7pX1mB8vQ6eD2fG0aJ4uI9oL3s="


def test_a_key_rotation_keeps_the_logins_sealed_with_the_old_key(settings):
    settings.TOKEN_ENCRYPTION_KEYS = (OLD_KEY,)
    request = logged_in_request()
    settings.TOKEN_ENCRYPTION_KEYS = (NEW_KEY, OLD_KEY)

    assert access_token(request.session) == "access-1"

    settings.TOKEN_ENCRYPTION_KEYS = (NEW_KEY,)  # the old key dropped: those logins end
    with pytest.raises(ReauthenticationRequired):
        access_token(request.session)


def test_a_refresh_token_past_its_expiry_is_not_sent():
    request = logged_in_request(expires_in=10)
    row = row_of(request.session)
    row.refresh_expires_at = timezone.now() - datetime.timedelta(seconds=1)
    row.save()
    with (
        mock.patch("idporten.http.SESSION.post") as post,
        pytest.raises(ReauthenticationRequired),
    ):
        access_token(request.session)
    post.assert_not_called()


def test_the_refresh_tokens_expiry_slides_with_each_refresh():
    request = logged_in_request(expires_in=10)
    answer = token_answer(200, {**token_response(2), "refresh_token_expires_in": 3600})
    with mock.patch("idporten.http.SESSION.post", return_value=answer):
        access_token(request.session)
    row = row_of(request.session)
    assert row.refresh_expires_at is not None
    assert 3500 < (row.refresh_expires_at - row.updated_at).total_seconds() <= 3600


def test_logout_takes_the_tokens_with_it():
    request = logged_in_request()
    key = request.session[TOKENS_KEY]
    tokens_forget(request.session)
    assert not LoginTokens.objects.filter(pk=key).exists()
    with pytest.raises(ReauthenticationRequired):
        access_token(request.session)


def test_an_expired_access_token_is_refreshed_through_the_row(settings):
    request = logged_in_request()
    expire_access_token(request.session)
    with mock.patch(
        "idporten.http.SESSION.post", return_value=token_answer(200, token_response(2))
    ):
        assert access_token(request.session) == "access-2"
