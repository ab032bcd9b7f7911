""" "Oppslag på deg": the inclusion tag lists every preview of the logged-in citizen, and only
theirs, rendered the way a page renders it."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from caseworker.models import PreviewLookup
from idporten.session import store_login
from idporten.types import Acr
from tests.caseworker.support import CITIZEN_PID, UNKNOWN_CITIZEN_PID

pytestmark = pytest.mark.django_db

TAG = Template("{% load caseworker_tags %}{% lookups_of_me %}")


def render_for(pid: str | None, language: str = "en") -> str:
    request = RequestFactory().get("/min-side/")
    request.session = SessionStore()
    if pid is not None:
        store_login(
            request.session,
            claims={"pid": pid, "acr": Acr.SUBSTANTIAL, "amr": ["MinID"], "sid": "s"},
            token_response={"access_token": "a", "id_token": "i"},
        )
    with translation.override(language):
        return TAG.render(Context({"request": request}))


@pytest.fixture
def caseworker() -> User:
    return User.objects.create_user(username="caseworker-sub")


def preview_of(caseworker: User, pid: str, reason: str, minutes_ago: int) -> PreviewLookup:
    return PreviewLookup.objects.create(
        caseworker=caseworker,
        caseworker_sub=caseworker.username,
        citizen_pid=pid,
        reason=reason,
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def test_it_lists_the_citizens_lookups_newest_first_with_agency_and_reason(caseworker, settings):
    settings.AGENCY_NAME = "Testetaten"
    preview_of(caseworker, CITIZEN_PID, "Sak 2025/1 - telefon", minutes_ago=90)
    preview_of(caseworker, CITIZEN_PID, "Sak 2025/2 - brev", minutes_ago=5)

    html = render_for(CITIZEN_PID)

    assert "Lookups of you" in html
    assert html.index("Sak 2025/2 - brev") < html.index("Sak 2025/1 - telefon")
    assert html.count("<td>Testetaten</td>") == 2


def test_it_never_shows_lookups_of_someone_else(caseworker):
    preview_of(caseworker, UNKNOWN_CITIZEN_PID, "Someone else's case", minutes_ago=1)
    preview_of(caseworker, CITIZEN_PID, "My case", minutes_ago=2)

    html = render_for(CITIZEN_PID)

    assert "My case" in html
    assert "Someone else&#x27;s case" not in html
    assert "Someone else" not in html


def test_it_says_so_when_nobody_has_looked(caseworker):
    preview_of(caseworker, UNKNOWN_CITIZEN_PID, "Someone else", minutes_ago=1)

    assert "No caseworker has looked at your page." in render_for(CITIZEN_PID)


def test_it_shows_nothing_personal_without_a_login(caseworker):
    preview_of(caseworker, CITIZEN_PID, "My case", minutes_ago=1)

    html = render_for(None)

    assert "My case" not in html
    assert "No caseworker has looked at your page." in html


@pytest.mark.parametrize(
    ("language", "heading"), [("nb", "Oppslag på deg"), ("nn", "Oppslag på deg")]
)
def test_it_speaks_norwegian(caseworker, language, heading):
    preview_of(caseworker, CITIZEN_PID, "Sak", minutes_ago=1)

    assert heading in render_for(CITIZEN_PID, language)
