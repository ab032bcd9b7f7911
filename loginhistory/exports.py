"""The filtered history as files the citizen can keep: CSV for spreadsheets, JSON for programs."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from django.utils.translation import gettext as _

from loginhistory.types import Login

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (OWASP "CSV Injection"): a service name such as "=HYPERLINK(...)" must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _as_item(login: Login) -> dict[str, str]:
    """The API's own field names, with the time's offset made explicit."""
    return {
        "tidspunkt": login.time.isoformat(),
        "tjeneste": login.service,
        "eid": login.eid,
        "integrasjon_id": login.integration_id,
        "orgno": login.orgno,
    }


def logins_as_csv(logins: Sequence[Login]) -> str:
    out = io.StringIO()
    # A byte order mark, or Excel reads the UTF-8 of "DIREKTORATET FOR ØKONOMISTYRING" wrongly.
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [_("Time"), _("Service"), _("eID"), _("Integration id"), _("Organisation number")]
    )
    for login in logins:
        writer.writerow([spreadsheet_safe(value) for value in _as_item(login).values()])
    return out.getvalue()


def logins_as_json(logins: Sequence[Login]) -> str:
    return json.dumps([_as_item(login) for login in logins], ensure_ascii=False, indent=2)
