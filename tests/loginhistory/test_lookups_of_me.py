""" "Oppslag på deg" on the history page: every preview of the logged-in citizen, and only
theirs, chosen by the view and rendered with the page."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone

from caseworker.models import PreviewLookup
from caseworker.selectors import lookups_cache_key
from tests.caseworker.support import CITIZEN_PID, UNKNOWN_CITIZEN_PID
from tests.loginhistory.conftest import StubApi, logged_in_client

pytestmark = pytest.mark.django_db


def render_for(pid: str, api: StubApi, language: str = "en") -> str:
    """The citizen's history page, as the citizen with this pid sees it."""
    client = logged_in_client(pid=pid)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/min-side/")
    assert response.status_code == 200
    return response.content.decode()


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


def test_it_lists_the_citizens_lookups_newest_first_with_agency_and_reason(
    caseworker, api, settings
):
    settings.AGENCY_NAME = "Testetaten"
    preview_of(caseworker, CITIZEN_PID, "Sak 2025/1 - telefon", minutes_ago=90)
    preview_of(caseworker, CITIZEN_PID, "Sak 2025/2 - brev", minutes_ago=5)

    html = render_for(CITIZEN_PID, api)

    assert "Who has looked you up" in html
    assert html.index("Sak 2025/2 - brev") < html.index("Sak 2025/1 - telefon")
    assert html.count("<td>Testetaten</td>") == 2


def test_it_never_shows_lookups_of_someone_else(caseworker, api):
    preview_of(caseworker, UNKNOWN_CITIZEN_PID, "Someone else's case", minutes_ago=1)
    preview_of(caseworker, CITIZEN_PID, "My case", minutes_ago=2)

    html = render_for(CITIZEN_PID, api)

    assert "My case" in html
    assert "Someone else&#x27;s case" not in html
    assert "Someone else" not in html


def test_it_says_so_when_nobody_has_looked(caseworker, api):
    preview_of(caseworker, UNKNOWN_CITIZEN_PID, "Someone else", minutes_ago=1)

    assert "No caseworker has looked at your page." in render_for(CITIZEN_PID, api)


def test_a_login_without_a_national_identity_number_is_shown_no_lookups(caseworker, api):
    preview_of(caseworker, CITIZEN_PID, "My case", minutes_ago=1)
    preview_of(caseworker, "", "A record without a number", minutes_ago=1)

    html = render_for("", api)

    assert "My case" not in html
    assert "A record without a number" not in html
    assert "No caseworker has looked at your page." in html


@pytest.mark.parametrize(
    ("language", "heading"), [("nb", "Oppslag på deg"), ("nn", "Oppslag på deg")]
)
def test_it_speaks_norwegian(caseworker, api, language, heading):
    preview_of(caseworker, CITIZEN_PID, "Sak", minutes_ago=1)

    assert heading in render_for(CITIZEN_PID, api, language)


def test_with_a_shared_cache_a_new_lookup_shows_on_the_next_page_view(
    caseworker, api, shared_cache
):
    client = logged_in_client(pid=CITIZEN_PID)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "No caseworker has looked at your page." in client.get("/min-side/").content.decode()

    preview_of(caseworker, CITIZEN_PID, "Sak 2025/3 - telefon", minutes_ago=0)

    assert "Sak 2025/3 - telefon" in client.get("/min-side/").content.decode()


def test_a_page_that_read_the_lookups_just_before_the_commit_does_not_hide_the_new_one(
    caseworker, api, shared_cache, django_capture_on_commit_callbacks
):
    """The race the second deletion is for: a page view reads the list while the lookup's
    transaction is still open, and writes it to the cache after the first deletion."""
    client = logged_in_client(pid=CITIZEN_PID)
    with django_capture_on_commit_callbacks(execute=True):
        preview_of(caseworker, CITIZEN_PID, "Sak 2025/4 - brev", minutes_ago=0)
        cache.set(lookups_cache_key(CITIZEN_PID), [], 60)  # what that page wrote

    assert "Sak 2025/4 - brev" in client.get("/min-side/").content.decode()


def test_the_shared_cache_holds_the_lookups_under_a_hash_of_the_number(
    caseworker, api, shared_cache
):
    preview_of(caseworker, CITIZEN_PID, "Sak", minutes_ago=1)
    render_for(CITIZEN_PID, api)

    key = lookups_cache_key(CITIZEN_PID)
    assert CITIZEN_PID not in key
    assert [lookup.reason for lookup in cache.get(key)] == ["Sak"]
