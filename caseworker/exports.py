"""The audit log as CSV, for those who review it in a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from caseworker.models import PreviewLookup
from common.spreadsheets import spreadsheet_csv


def _outcome_cells(lookup: PreviewLookup) -> list[str]:
    outcome = lookup.recorded_outcome
    if outcome is None:
        return ["", ""]
    return [timezone.localtime(outcome.recorded_at).isoformat(), outcome.used_level]


def audit_log_as_csv(lookups: Iterable[PreviewLookup]) -> str:
    return spreadsheet_csv(
        [
            _("Record"),
            _("Time"),
            _("Caseworker's user id"),
            _("Caseworker's sub"),
            _("Caseworker's national identity number"),
            _("Citizen's national identity number"),
            _("Reason or case reference"),
            _("Time of answer"),
            _("Answer"),
        ],
        (
            [
                str(lookup.pk),
                timezone.localtime(lookup.created_at).isoformat(),
                str(lookup.caseworker_id),
                lookup.caseworker_sub,
                lookup.caseworker_pid,
                lookup.citizen_pid,
                lookup.reason,
                *_outcome_cells(lookup),
            ]
            for lookup in lookups
        ),
    )
