"""The filtered history as files the citizen can keep: CSV for spreadsheets, JSON for programs."""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.utils.translation import gettext as _

from common.spreadsheets import spreadsheet_csv
from loginhistory.types import Login


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
    return spreadsheet_csv(
        [_("Time"), _("Service"), _("eID"), _("Integration id"), _("Organisation number")],
        (_as_item(login).values() for login in logins),
    )


def logins_as_json(logins: Sequence[Login]) -> str:
    return json.dumps([_as_item(login) for login in logins], ensure_ascii=False, indent=2)
