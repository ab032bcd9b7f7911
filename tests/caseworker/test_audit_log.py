"""The audit trail is append-only (model, queryset, admin), and exported as safe CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from caseworker.models import AuditRecordImmutable, PreviewLookup, PreviewOutcome
from tests.caseworker.support import CITIZEN_PID, administrator_client, caseworker_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def record() -> PreviewLookup:
    caseworker = User.objects.create_user(username="recorded-caseworker")
    lookup = PreviewLookup.objects.create(
        caseworker=caseworker, caseworker_sub="sub", citizen_pid=CITIZEN_PID, reason="Sak 1"
    )
    PreviewOutcome.objects.create(lookup=lookup, used_level="high")
    return lookup


class TestTheRecordsCannotBeChanged:
    def test_it_refuses_to_save_an_existing_record(self, record):
        record.reason = "something else"
        with pytest.raises(AuditRecordImmutable):
            record.save()
        assert PreviewLookup.objects.get().reason == "Sak 1"

    def test_it_refuses_to_save_an_existing_outcome(self, record):
        outcome = record.outcome
        outcome.used_level = "not_high"
        with pytest.raises(AuditRecordImmutable):
            outcome.save()

    def test_it_refuses_a_new_instance_that_carries_an_existing_id(self, record):
        copy = PreviewLookup(
            pk=record.pk,
            caseworker=record.caseworker,
            caseworker_sub="sub",
            citizen_pid=CITIZEN_PID,
            reason="rewritten",
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            copy.save()
        assert PreviewLookup.objects.get().reason == "Sak 1"

    def test_it_refuses_a_queryset_update(self, record):
        with pytest.raises(AuditRecordImmutable):
            PreviewLookup.objects.filter(pk=record.pk).update(reason="x")
        with pytest.raises(AuditRecordImmutable):
            PreviewOutcome.objects.update(used_level="x")


class TestTheRecordsCannotBeDeleted:
    def test_it_refuses_to_delete_an_instance(self, record):
        with pytest.raises(AuditRecordImmutable):
            record.delete()
        with pytest.raises(AuditRecordImmutable):
            record.outcome.delete()

    def test_it_refuses_to_delete_a_queryset(self, record):
        with pytest.raises(AuditRecordImmutable):
            PreviewLookup.objects.all().delete()
        with pytest.raises(AuditRecordImmutable):
            PreviewOutcome.objects.all().delete()
        assert PreviewLookup.objects.count() == PreviewOutcome.objects.count() == 1

    def test_it_keeps_the_caseworker_who_looked(self, record):
        with pytest.raises(ProtectedError):
            record.caseworker.delete()


@pytest.fixture
def auditor(client) -> User:
    return administrator_client(client, "view_audit")


class TestTheAdminIsReadOnly:
    def test_it_lists_the_records(self, client, auditor, record):
        response = client.get(reverse("admin:caseworker_previewlookup_changelist"))
        assert response.status_code == 200
        assert "Sak 1" in response.content.decode()

    @pytest.mark.parametrize("model", ["previewlookup", "previewoutcome"])
    def test_it_has_no_add_page(self, client, auditor, model):
        assert client.get(reverse(f"admin:caseworker_{model}_add")).status_code == 403

    def test_it_does_not_save_a_change(self, client, auditor, record):
        url = reverse("admin:caseworker_previewlookup_change", args=[record.pk])
        response = client.post(url, {"reason": "changed", "citizen_pid": CITIZEN_PID})
        assert response.status_code == 403
        assert PreviewLookup.objects.get().reason == "Sak 1"

    def test_it_does_not_delete(self, client, auditor, record):
        url = reverse("admin:caseworker_previewlookup_delete", args=[record.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
        changelist = reverse("admin:caseworker_previewlookup_changelist")
        bulk = {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
        client.post(changelist, bulk)
        assert PreviewLookup.objects.count() == 1

    def test_it_hides_the_log_from_staff_without_view_audit(self, client, record):
        administrator_client(client)
        url = reverse("admin:caseworker_previewlookup_changelist")
        assert client.get(url).status_code == 403


class TestTheCsvExport:
    def test_it_lists_every_lookup_with_its_outcome(self, client, record):
        caseworker_client(client, audit=True)
        response = client.get(reverse("caseworker:audit-export"), HTTP_ACCEPT_LANGUAGE="en")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "no-store" in response["Cache-Control"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][0] == "Record"
        assert rows[1][0] == str(record.pk)
        assert rows[1][5:7] == [CITIZEN_PID, "Sak 1"]
        assert rows[1][8] == "high"

    @pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
    def test_it_defuses_spreadsheet_formulas(self, client, start):
        caseworker = caseworker_client(client, audit=True)
        reason = f'{start}HYPERLINK("http://evil.example")'
        PreviewLookup.objects.create(
            caseworker=caseworker, caseworker_sub="sub", citizen_pid=CITIZEN_PID, reason=reason
        )
        response = client.get(reverse("caseworker:audit-export"))
        # In bokmål: semicolons, as Excel with Norwegian settings reads CSV.
        text = io.StringIO(response.content.decode("utf-8-sig"))
        rows = list(csv.reader(text, delimiter=";"))
        assert rows[1][6] == "'" + reason
