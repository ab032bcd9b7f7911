"""Portal sessions live like ID-porten's: 30 minutes idle, 120 minutes at most."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone

from idporten.session import LAST_SEEN_KEY, LOGIN_KEY, store_login

pytestmark = pytest.mark.django_db

CLAIMS = {"sub": "sub-a", "pid": "15878510035", "acr": "idporten-loa-high", "amr": ["BankID"]}
TOKENS = {"access_token": "a", "refresh_token": "r", "id_token": "i", "expires_in": 120}


@pytest.fixture
def citizen(client):
    user = get_user_model().objects.create_user(username="sub-a")
    client.force_login(user, backend="idporten.backend.IdPortenBackend")
    session = client.session
    store_login(session, claims=CLAIMS, token_response=TOKENS)
    session.save()
    return client


def set_login_time(client, seconds_ago: float) -> None:
    session = client.session
    session[LOGIN_KEY] = {**session[LOGIN_KEY], "logged_in_at": time.time() - seconds_ago}
    session.save()


def test_a_session_younger_than_two_hours_is_kept(citizen):
    set_login_time(citizen, 119 * 60)
    assert citizen.get("/min-side/").status_code == 200


def test_after_two_hours_the_citizen_is_logged_out_whatever_the_activity(citizen):
    set_login_time(citizen, 121 * 60)
    response = citizen.get("/min-side/", follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    assert "Du ble logget ut fordi økten din var utløpt." in response.content.decode()
    assert citizen.get("/min-side/").status_code == 302


def test_the_session_expires_after_thirty_idle_minutes_and_activity_extends_it(citizen):
    key = citizen.session.session_key
    session = citizen.session
    session[LAST_SEEN_KEY] = time.time() - 120  # last request two minutes ago
    session.save()
    # About to expire: the last write was nearly 30 minutes ago.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timezone.timedelta(seconds=60)
    )
    citizen.get("/min-side/")
    expiry = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert 29 * 60 < expiry.total_seconds() <= 30 * 60


def test_a_request_within_a_minute_does_not_write_the_session_again(citizen):
    citizen.get("/min-side/")
    key = citizen.session.session_key
    before = Session.objects.get(session_key=key).expire_date
    citizen.get("/min-side/")
    assert Session.objects.get(session_key=key).expire_date == before


def test_the_first_page_after_the_login_does_not_write_the_session_again(citizen):
    key = citizen.session.session_key
    before = Session.objects.get(session_key=key).expire_date
    citizen.get("/min-side/")
    assert Session.objects.get(session_key=key).expire_date == before


def test_the_session_cookie_is_http_only_and_lax(citizen, settings):
    session = citizen.session
    session[LAST_SEEN_KEY] = time.time() - 120  # so that this request writes the session
    session.save()
    response = citizen.get("/min-side/")
    assert response.status_code == 200
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 30 * 60
