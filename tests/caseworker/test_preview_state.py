"""The open preview: a banner on every page, read-only, and over after 15 minutes."""

from __future__ import annotations

import datetime
import html
import re
import time

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from caseworker import preview
from caseworker.models import PreviewLookup, PreviewOutcome
from tests.caseworker.support import CITIZEN_PID, caseworker_client, user_with

pytestmark = pytest.mark.django_db

MASKED = "158785*****"


def open_preview(client, caseworker, *, signed_seconds_ago: float = 0) -> PreviewLookup:
    """A preview as preview_start leaves it, its session value signed that long ago."""
    lookup = PreviewLookup.objects.create(
        caseworker=caseworker,
        caseworker_sub="caseworker-sub",
        citizen_pid=CITIZEN_PID,
        reason="r",
        # As preview_start leaves it too: the record written just before the session value.
        created_at=timezone.now() - datetime.timedelta(seconds=signed_seconds_ago),
    )
    PreviewOutcome.objects.create(lookup=lookup, used_level="not_high")
    signer = signing.TimestampSigner(salt="caseworker.preview")
    signed_at = time.time() - signed_seconds_ago
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: signed_at)
        value = signer.sign(str(lookup.pk))
    session = client.session
    session[preview.SESSION_KEY] = value
    session.save()
    return lookup


def get(client, path: str):
    return client.get(path, HTTP_ACCEPT_LANGUAGE="en")


def test_every_page_carries_the_banner_with_the_masked_number(client):
    open_preview(client, caseworker_client(client))

    for path in ("/", reverse("portal:help"), reverse("caseworker:start")):
        response = get(client, path)
        page = response.content.decode()
        assert f"the citizen with national identity number {MASKED}" in page, path
        assert reverse("caseworker:leave") in page
        assert CITIZEN_PID not in page
        assert "no-store" in response["Cache-Control"]


def test_the_preview_page_shows_the_recorded_answer(client):
    open_preview(client, caseworker_client(client))

    page = get(client, reverse("caseworker:preview")).content.decode()

    assert f"The page of {MASKED}" in page
    assert "Substantial level (level 3)" in page


def main_text(response) -> str:
    """What a reader of <main> sees: its words, the markup gone."""
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main.split(">", 1)[1])).split())


def test_the_preview_says_plainly_what_the_caseworker_sees_and_why_not_the_logins(client):
    open_preview(client, caseworker_client(client))

    text = main_text(get(client, reverse("caseworker:preview")))

    assert "the box with the highest security level they have used" in text
    assert "Their logins are not shown to you." in text
    assert "Only the citizen can see their logins." in text
    assert "This is what the citizen sees" not in text
    assert "API" not in text
    assert "token" not in text.lower()


@pytest.mark.parametrize(
    ("minutes_ago", "left"),
    [(0, "15 minutes left"), (10.5, "5 minutes left"), (14.9, "1 minute left")],
)
def test_the_banner_says_how_long_the_preview_has_left(client, minutes_ago, left):
    lookup = open_preview(client, caseworker_client(client), signed_seconds_ago=minutes_ago * 60)

    text = main_text(get(client, reverse("portal:help")))

    ends_at = timezone.localtime(lookup.created_at + preview.MAX_AGE).strftime("%H:%M")
    assert f"{left}: the preview ends at {ends_at}." in text


def test_the_banner_links_to_the_preview_except_from_the_preview_itself(client):
    open_preview(client, caseworker_client(client))
    link = f'href="{reverse("caseworker:preview")}"'

    assert link in get(client, reverse("portal:help")).content.decode()
    assert link not in get(client, reverse("caseworker:preview")).content.decode()


def test_leaving_returns_to_the_start_form_and_the_banner_is_gone(client):
    open_preview(client, caseworker_client(client))

    response = client.post(reverse("caseworker:leave"), HTTP_ACCEPT_LANGUAGE="en")

    assert response["Location"] == reverse("caseworker:start")
    page = get(client, reverse("caseworker:start")).content.decode()
    assert "You have left the preview." in page
    assert MASKED not in page
    assert get(client, reverse("caseworker:preview"))["Location"] == reverse("caseworker:start")


def test_a_preview_ends_after_15_minutes(client):
    open_preview(client, caseworker_client(client), signed_seconds_ago=15 * 60 + 1)

    response = get(client, reverse("caseworker:preview"))

    assert response["Location"] == reverse("caseworker:start")
    page = get(client, reverse("caseworker:start")).content.decode()
    assert "Your preview ended: a preview lasts 15 minutes." in page
    assert MASKED not in page
    assert preview.SESSION_KEY not in client.session


def test_a_preview_is_still_open_just_before_15_minutes(client):
    open_preview(client, caseworker_client(client), signed_seconds_ago=15 * 60 - 5)

    assert get(client, reverse("caseworker:preview")).status_code == 200


@pytest.mark.parametrize(
    "path",
    [reverse("caseworker:start"), "/min-side/oppdater/", "/admin/login/", "/no-such-page/"],
)
def test_nothing_can_be_sent_from_a_preview(client, path):
    open_preview(client, caseworker_client(client))

    response = client.post(path, {"pid": CITIZEN_PID, "reason": "x"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert "Nothing can be changed in a preview" in response.content.decode()
    assert PreviewLookup.objects.count() == 1


def test_the_caseworkers_own_history_page_leads_to_the_preview(client):
    open_preview(client, caseworker_client(client))

    response = get(client, reverse("loginhistory:overview"))

    assert response["Location"] == reverse("caseworker:preview")


def test_a_tampered_preview_value_opens_nothing(client):
    lookup = open_preview(client, caseworker_client(client))
    session = client.session
    session[preview.SESSION_KEY] = (
        f"{lookup.pk + 1}:{session[preview.SESSION_KEY].split(':', 1)[1]}"
    )
    session.save()

    assert get(client, reverse("caseworker:preview"))["Location"] == reverse("caseworker:start")


def test_a_session_cannot_open_another_caseworkers_preview(client):
    caseworker_client(client)
    open_preview(client, user_with("another-caseworker", "preview_citizen"))

    assert get(client, reverse("caseworker:preview"))["Location"] == reverse("caseworker:start")
    assert MASKED not in get(client, "/").content.decode()


def test_a_revoked_caseworkers_preview_ends_at_once(client):
    caseworker = caseworker_client(client)
    open_preview(client, caseworker)
    caseworker.user_permissions.clear()

    assert MASKED not in get(client, "/").content.decode()
    assert preview.SESSION_KEY not in client.session
