"""The audit log as CSV, for those who review it in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from caseworker.models import PreviewLookup
from loginhistory.exports import spreadsheet_safe


def _outcome_cells(lookup: PreviewLookup) -> list[str]:
    outcome = lookup.recorded_outcome
    if outcome is None:
        return ["", ""]
    return [timezone.localtime(outcome.recorded_at).isoformat(), outcome.used_level]


def audit_log_as_csv(lookups: Iterable[PreviewLookup]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # or Excel misreads the UTF-8 of names such as "Bjørn"
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            _("Record"),
            _("Time"),
            _("Caseworker's user id"),
            _("Caseworker's sub"),
            _("Caseworker's name"),
            _("Citizen's national identity number"),
            _("Reason or case reference"),
            _("Time of answer"),
            _("Answer"),
        ]
    )
    for lookup in lookups:
        row = [
            str(lookup.pk),
            timezone.localtime(lookup.created_at).isoformat(),
            str(lookup.caseworker_id),
            lookup.caseworker_sub,
            lookup.caseworker_name,
            lookup.citizen_pid,
            lookup.reason,
            *_outcome_cells(lookup),
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()
