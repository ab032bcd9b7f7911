"""One login as the history page shows it; the eIDs it names are in idporten/eids.py."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from idporten.loginhistory_api import OSLO, LoginRecord

__all__ = ["NIGHT_HOURS", "OSLO", "HistoryFilter", "Login", "LoginRecord", "MonthCount"]

# "00-05": a login that starts in one of these local hours is marked as a night-time login.
NIGHT_HOURS = range(6)


class Login(NamedTuple):
    """A LoginRecord of the login-history API, with the flags the whole fetched history gives
    it (loginhistory.history.flagged).

    A named tuple: cheap to build for the rows a page shows. Between page views the history
    is kept in columns instead (loginhistory/history.py).
    """

    time: datetime.datetime
    service: str  # "tjeneste": the organisation's name in Enhetsregisteret
    eid: str  # as the login log names it: "MinID PIN", "BankID mobil", "Federated", ...
    integration_id: str
    orgno: str
    first_at_service: bool = False
    first_with_eid: bool = False

    @property
    def at_night(self) -> bool:
        return self.time.hour in NIGHT_HOURS


@dataclass(frozen=True)
class HistoryFilter:
    """What the citizen asked to see; empty means everything."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    eids: frozenset[str] = field(default_factory=frozenset)
    services: frozenset[str] = field(default_factory=frozenset)
    text: str = ""

    @property
    def active(self) -> bool:
        return self != HistoryFilter()


@dataclass(frozen=True)
class MonthCount:
    month: datetime.date  # the first day of the month
    count: int
