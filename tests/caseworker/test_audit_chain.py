"""The audit records below the ORM: PostgreSQL refuses to change or delete them, each is chained
to the one before by hashes, and verify_audit_log finds the first broken link."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from caseworker.audit import GENESIS
from caseworker.models import GrantRecord, PreviewLookup, PreviewOutcome
from tests.caseworker.support import (
    CASEWORKER_PID,
    CITIZEN_PID,
    administrator_client,
    caseworker_client,
)

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers are PostgreSQL's (CI runs it)"
)


def lookups(count: int) -> list[PreviewLookup]:
    caseworker = User.objects.create_user(username="chained-caseworker")
    return [
        PreviewLookup.objects.create(
            caseworker=caseworker,
            caseworker_sub="sub",
            caseworker_pid=CASEWORKER_PID,
            citizen_pid=CITIZEN_PID,
            reason=f"Sak {n}",
        )
        for n in range(count)
    ]


def raw(sql: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tampered(sql: str, *params: object) -> None:
    """As a database superuser could: past the triggers (replica mode fires none), if any."""
    if connection.vendor == "postgresql":
        raw("SET session_replication_role = replica")
        raw(sql, *params)
        raw("SET session_replication_role = origin")
    else:
        raw(sql, *params)


def test_each_record_follows_the_one_before():
    first, second, third = lookups(3)
    assert first.previous_hash == GENESIS
    assert second.previous_hash == first.record_hash
    assert third.previous_hash == second.record_hash
    assert len({first.record_hash, second.record_hash, third.record_hash}) == 3


def test_the_command_says_the_chains_hold_and_names_the_newest_hash(capsys):
    *_, newest = lookups(3)
    outcome = PreviewOutcome.objects.create(lookup=newest, used_level="high")

    call_command("verify_audit_log")

    out = capsys.readouterr().out
    assert (
        f"caseworker_previewlookup: 3 records, the chain holds; newest hash {newest.record_hash}"
        in out
    )
    assert f"newest hash {outcome.record_hash}" in out
    assert "caseworker_grantrecord: 0 records" in out


def test_a_record_changed_through_raw_sql_is_found():
    _, second, _ = lookups(3)
    tampered("UPDATE caseworker_previewlookup SET reason = %s WHERE id = %s", "x", second.pk)

    with pytest.raises(CommandError, match=f"record {second.pk}: its content was changed"):
        call_command("verify_audit_log")


def test_a_record_deleted_through_raw_sql_is_found():
    _, second, third = lookups(3)
    tampered("DELETE FROM caseworker_previewlookup WHERE id = %s", second.pk)

    with pytest.raises(CommandError, match=f"record {third.pk}: does not follow the record"):
        call_command("verify_audit_log")


def test_a_record_moved_by_the_orms_own_back_doors_is_found():
    first, _ = lookups(2)
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses these itself: see the trigger tests")
    PreviewLookup._base_manager.filter(pk=first.pk).update(reason="rewritten")
    with pytest.raises(CommandError, match=f"record {first.pk}"):
        call_command("verify_audit_log")


@on_postgresql
@pytest.mark.parametrize(
    "table", ["caseworker_previewlookup", "caseworker_previewoutcome", "caseworker_grantrecord"]
)
def test_postgresql_refuses_update_and_delete(table):
    (lookup,) = lookups(1)
    PreviewOutcome.objects.create(lookup=lookup, used_level="high")
    call_command("grant_caseworker", CASEWORKER_PID)
    # The table names come from the parametrize list above, not from input.
    for statement in (f"UPDATE {table} SET record_hash = 'x'", f"DELETE FROM {table}"):  # noqa: S608
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(statement)
    assert PreviewLookup.objects.count() == 1
    assert GrantRecord.objects.count() == 1


@on_postgresql
def test_postgresql_refuses_the_orms_back_doors():
    (lookup,) = lookups(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        PreviewLookup._base_manager.filter(pk=lookup.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        PreviewLookup.objects.filter(pk=lookup.pk)._raw_delete(connection.alias)
    assert PreviewLookup.objects.get().reason == "Sak 0"


class TestTheCaseworkerIsNamed:
    def test_masked_in_the_admins_list(self, client):
        lookups(1)
        administrator_client(client, "view_audit")

        page = client.get(reverse("admin:caseworker_previewlookup_changelist")).content.decode()

        assert "278588*****" in page and "158785*****" in page
        assert CASEWORKER_PID not in page and CITIZEN_PID not in page

    def test_in_full_in_the_csv_for_view_audit(self, client):
        lookups(1)
        caseworker_client(client, audit=True)

        response = client.get(reverse("caseworker:audit-export"), HTTP_ACCEPT_LANGUAGE="en")

        header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert row[header.index("Caseworker's national identity number")] == CASEWORKER_PID
        assert row[header.index("Citizen's national identity number")] == CITIZEN_PID
