"""Check the hash chain of every audit table; report the first broken link.

Exit status 0 when every chain holds, 1 (CommandError) at the first broken link. It prints the
newest hash of each table: kept somewhere else (a ticket, a log), it shows later whether the
newest records were removed, which a chain alone cannot show.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from caseworker.audit import GENESIS, first_broken_link
from caseworker.models import AppendOnlyModel, GrantRecord, PreviewLookup, PreviewOutcome

AUDIT_MODELS: tuple[type[AppendOnlyModel], ...] = (PreviewLookup, PreviewOutcome, GrantRecord)


class Command(BaseCommand):
    help = "Verify the hash chains of the audit log; fails at the first broken link."

    def handle(self, *args: object, **options: object) -> None:
        for model in AUDIT_MODELS:
            table = model._meta.db_table
            records = model._base_manager.order_by("pk")
            broken = first_broken_link(table, (record.chain_record() for record in records))
            if broken is not None:
                raise CommandError(f"The audit log is broken: {broken}.")
            newest = records.values_list("record_hash", flat=True).last() or GENESIS
            count = records.count()
            self.stdout.write(f"{table}: {count} records, the chain holds; newest hash {newest}")
