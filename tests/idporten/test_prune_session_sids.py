from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from idporten.models import SessionBySid

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    now = timezone.now()
    Session.objects.create(
        session_key="live", session_data="", expire_date=now + datetime.timedelta(minutes=5)
    )
    Session.objects.create(
        session_key="expired", session_data="", expire_date=now - datetime.timedelta(minutes=5)
    )
    for key in ("live", "expired", "gone"):
        SessionBySid.objects.create(sid=f"sid-{key}", session_key=key)


def test_it_forgets_the_sids_of_expired_and_vanished_sessions(rows):
    out = StringIO()
    call_command("prune_session_sids", stdout=out)
    assert list(SessionBySid.objects.values_list("session_key", flat=True)) == ["live"]
    assert "Deleted 2 sid rows" in out.getvalue()


def test_a_dry_run_only_counts(rows):
    out = StringIO()
    call_command("prune_session_sids", "--dry-run", stdout=out)
    assert SessionBySid.objects.count() == 3
    assert "Would delete 2 sid rows" in out.getvalue()
