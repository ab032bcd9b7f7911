"""Starting a preview: the form's checks, the rate limit, and the audit record that is written,
and committed, before the real authlevel lookup at the emulator."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import timezone

from caseworker import services
from caseworker.models import PreviewLookup
from tests.caseworker.support import (
    CASEWORKER_PID,
    CITIZEN_PID,
    SYNTHETIC_D_NUMBER,
    UNKNOWN_CITIZEN_PID,
    caseworker_client,
    session_login,
)
from tests.idporten.token_rows import tokens_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def lookups(monkeypatch):
    """Every authlevel lookup the service makes, passed on to the real one."""
    made: list[str] = []
    real = services.authlevel_lookup

    def recording(*, pid: str):
        made.append(pid)
        return real(pid=pid)

    monkeypatch.setattr(services, "authlevel_lookup", recording)
    return made


def start(client, pid: str, reason: str = "Sak 2025/1234, telefon"):
    return client.post(
        reverse("caseworker:start"), {"pid": pid, "reason": reason}, HTTP_ACCEPT_LANGUAGE="en"
    )


@pytest.mark.parametrize(
    ("pid", "message"),
    [
        ("1587851003", "A national identity number has exactly 11 digits."),
        ("15878510036", "the check digits do not match. Check that you typed it correctly."),
        ("52998012309", "the birth date part is not a date."),
        ("", "Enter the citizen&#x27;s national identity number."),
    ],
)
def test_a_bad_number_is_a_form_error_and_nothing_is_looked_up(client, lookups, pid, message):
    caseworker_client(client)

    response = start(client, pid)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PreviewLookup.objects.exists()
    assert lookups == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_missing_reason_is_a_form_error(client, lookups, reason):
    caseworker_client(client)

    response = start(client, CITIZEN_PID, reason=reason)

    assert response.status_code == 400
    assert "Write the reason for the lookup, or the case reference." in response.content.decode()
    assert lookups == []


def test_synthetic_numbers_are_refused_in_production(client, settings, lookups):
    settings.IDPORTEN_ENVIRONMENT = "prod"
    caseworker_client(client)

    response = start(client, CITIZEN_PID)

    assert response.status_code == 400
    assert "Synthetic test numbers cannot be looked up in production." in response.content.decode()
    assert lookups == []


def test_a_d_number_starts_a_preview_and_shows_not_registered(
    client, authlevel_at_emulator, lookups
):
    caseworker_client(client)

    response = start(client, SYNTHETIC_D_NUMBER)

    assert response.status_code == 302
    assert response["Location"] == reverse("caseworker:preview")
    assert lookups == [SYNTHETIC_D_NUMBER]
    page = client.get(reverse("caseworker:preview"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not registered in ID-porten" in page
    assert "558575*****" in page
    assert SYNTHETIC_D_NUMBER not in page


def test_the_preview_shows_the_badge_from_the_real_lookup(client, authlevel_at_emulator):
    caseworker = caseworker_client(client)

    start(client, CITIZEN_PID, reason="Ringte om BankID")

    lookup = PreviewLookup.objects.get()
    assert (lookup.caseworker, lookup.caseworker_sub) == (caseworker, "caseworker-sub")
    # Named by number too: the sub is pairwise, and the grant that linked the two may go.
    assert lookup.caseworker_pid == CASEWORKER_PID
    assert (lookup.citizen_pid, lookup.reason) == (CITIZEN_PID, "Ringte om BankID")
    assert lookup.outcome.used_level == "high"
    response = client.get(reverse("caseworker:preview"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "High level (level 4) used in the last 18 months" in page
    assert "Only the citizen can see their logins." in page
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_citizen_is_not_registered(client, authlevel_at_emulator):
    caseworker_client(client)

    start(client, UNKNOWN_CITIZEN_PID)

    assert PreviewLookup.objects.get().outcome.used_level == "not_registered"


@pytest.mark.django_db(transaction=True)
def test_the_audit_record_is_committed_before_the_lookup(
    client, authlevel_at_emulator, monkeypatch
):
    caseworker_client(client)
    seen_at_lookup: list[tuple[bool, bool]] = []
    real = services.authlevel_lookup

    def checking(*, pid: str):
        committed = not connection.in_atomic_block
        seen_at_lookup.append((committed, PreviewLookup.objects.filter(citizen_pid=pid).exists()))
        return real(pid=pid)

    monkeypatch.setattr(services, "authlevel_lookup", checking)

    start(client, CITIZEN_PID)

    assert seen_at_lookup == [(True, True)]


def test_nothing_is_looked_up_when_the_audit_record_cannot_be_written(
    client, lookups, monkeypatch, caplog
):
    caseworker_client(client)

    def failing_save(self, *args, **kwargs):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(PreviewLookup, "save", failing_save)

    response = start(client, CITIZEN_PID)

    assert response.status_code == 503
    assert "could not be written to the audit log, so it was not made" in response.content.decode()
    assert lookups == []
    assert not PreviewLookup.objects.exists()
    assert client.get(reverse("caseworker:preview")).status_code == 302
    assert "event=preview_audit_failed" in caplog.text


def previews_at(caseworker, when: datetime.datetime, count: int) -> None:
    for number in range(count):
        PreviewLookup.objects.create(
            caseworker=caseworker,
            caseworker_sub=caseworker.username,
            citizen_pid=CITIZEN_PID,
            reason=f"earlier {number}",
            created_at=when,
        )


def test_the_31st_preview_within_an_hour_is_refused_and_logged(client, lookups, caplog):
    caseworker = caseworker_client(client)
    previews_at(caseworker, timezone.now() - datetime.timedelta(minutes=59), 30)

    with caplog.at_level(logging.WARNING):
        response = start(client, CITIZEN_PID)

    assert response.status_code == 429
    assert "You have started 30 previews in the last hour" in response.content.decode()
    assert PreviewLookup.objects.count() == 30
    assert lookups == []
    assert f"event=preview_rate_limited user_id={caseworker.pk}" in caplog.text


def test_previews_older_than_an_hour_do_not_count(client, authlevel_at_emulator):
    caseworker = caseworker_client(client)
    previews_at(caseworker, timezone.now() - datetime.timedelta(minutes=61), 30)

    assert start(client, CITIZEN_PID).status_code == 302


def test_the_caseworkers_own_login_is_untouched_by_a_preview(client, authlevel_at_emulator):
    caseworker_client(client)
    before = session_login(client)

    start(client, CITIZEN_PID)
    client.post(reverse("caseworker:leave"))

    assert session_login(client) == before
    assert tokens_of(client.session)["access_token"] == "not-used"
