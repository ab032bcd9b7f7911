"""refresh_token_expires_in end to end (docs/idporten.md 8.4): the emulator says how long each
refresh token lives, the expiry slides with every refresh, and the portal's token row keeps
exactly what was said (idporten.session._fill)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pytest
import requests
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from idporten import session as idporten_session
from idporten.backend import IdPortenBackend
from idporten.session import ReauthenticationRequired, access_token
from tests.idporten.portal_flow import Portal
from tests.idporten.token_rows import expire_access_token, row_of

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Said:
    """One token response and the portal's clock on either side of it."""

    before: datetime.datetime
    body: dict[str, Any]
    after: datetime.datetime

    def seconds(self, name: str) -> datetime.timedelta:
        return datetime.timedelta(seconds=self.body[name])


@pytest.fixture
def token_responses(monkeypatch: pytest.MonkeyPatch) -> list[Said]:
    """What the emulator's token endpoint answered: the code exchange (in the live server's
    thread, through the backend) and each refresh (idporten.session)."""
    said: list[Said] = []

    def timed(call: Callable[[], Any], body_of: Callable[[Any], dict[str, Any]]) -> Any:
        before = timezone.now()
        result = call()
        said.append(Said(before, body_of(result), timezone.now()))
        return result

    real_get_token = IdPortenBackend.get_token
    real_post = idporten_session.post_to_token_endpoint

    def get_token(self: IdPortenBackend, payload: dict[str, Any]) -> dict[str, Any]:
        return timed(lambda: real_get_token(self, payload), lambda body: body)

    def post_to_token_endpoint(*args: Any, **kwargs: Any) -> tuple[int, dict[str, Any]]:
        return timed(lambda: real_post(*args, **kwargs), lambda answer: answer[1])

    monkeypatch.setattr(IdPortenBackend, "get_token", get_token)
    monkeypatch.setattr(idporten_session, "post_to_token_endpoint", post_to_token_endpoint)
    return said


def session_of(browser: requests.Session) -> SessionBase:
    session: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(
        browser.cookies["portal_session"]
    )
    session.load()
    return session


def refresh(session: SessionBase) -> None:
    expire_access_token(session)
    access_token(session)


def assert_row_keeps(session: SessionBase, said: Said) -> None:
    """Both expiries are counted from the one moment the portal stored the answer, so their
    difference is exactly what the emulator said; and that moment is around the answer."""
    row = row_of(session)
    assert row.refresh_expires_at is not None
    lifetime = said.seconds("refresh_token_expires_in")
    assert row.refresh_expires_at - row.access_expires_at == lifetime - said.seconds("expires_in")
    slack = datetime.timedelta(seconds=5)
    assert said.before - slack <= row.refresh_expires_at - lifetime <= said.after + slack


def test_the_row_keeps_the_expiry_of_the_login_and_of_each_refresh(
    portal: Portal, token_responses: list[Said]
):
    browser, _ = portal.login()
    session = session_of(browser)

    login = token_responses[-1]
    assert login.body["refresh_token_expires_in"] == 600
    assert_row_keeps(session, login)

    portal.emulator.shift_clock(500)  # 500 s on: the login's token has 100 s left
    refresh(session)

    refreshed = token_responses[-1]
    assert refreshed.body["refresh_token_expires_in"] == 600  # slid: a full lifetime again
    assert_row_keeps(session, refreshed)
    assert row_of(session).refresh_expires_at > login.after + login.seconds(
        "refresh_token_expires_in"
    )


def test_near_the_end_of_the_authorization_the_row_keeps_what_is_left(
    portal: Portal, token_responses: list[Said]
):
    browser, _ = portal.login()
    session = session_of(browser)
    for _ in range(13):  # 13 x 550 s = 7150 s of the 7200 s the authorization lives
        portal.emulator.shift_clock(550)
        refresh(session)

    last = token_responses[-1]
    assert 45 <= last.body["refresh_token_expires_in"] <= 50
    assert_row_keeps(session, last)

    portal.emulator.shift_clock(60)
    with pytest.raises(ReauthenticationRequired):
        refresh(session)
