"""The filtered history as files the citizen can keep: CSV for spreadsheets, JSON for programs."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from common.spreadsheets import spreadsheet_csv
from loginhistory.tables import level_tag
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


def _level(eid: str) -> str:
    # The words of the table's tag, so that the file and the page never name a level apart.
    return html.unescape(strip_tags(level_tag(eid)))


def _yes_no(flag: bool) -> str:
    return _("Yes") if flag else _("No")


def logins_as_csv(logins: Sequence[Login]) -> str:
    """What the table shows of each login, the flags included, a column each so that a
    spreadsheet can filter on them."""
    return spreadsheet_csv(
        [
            _("Time"),
            _("Service"),
            _("eID"),
            _("Security level"),
            _("Integration id"),
            _("Organisation number"),
            _("At night"),
            _("First time at the service"),
            _("First time with the eID"),
        ],
        (
            [
                login.time.isoformat(),
                login.service,
                login.eid,
                _level(login.eid),
                login.integration_id,
                login.orgno,
                _yes_no(login.at_night),
                _yes_no(login.first_at_service),
                _yes_no(login.first_with_eid),
            ]
            for login in logins
        ),
    )


def logins_as_json(logins: Sequence[Login]) -> str:
    return json.dumps([_as_item(login) for login in logins], ensure_ascii=False, indent=2)
