"""One login as the login-history API gives it; the eIDs it names are in idporten/eids.py."""

from __future__ import annotations

import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

# The login log's times are Norwegian wall-clock time (idporten-facts 2.1).
OSLO = ZoneInfo("Europe/Oslo")

# "00-05": a login that starts in one of these local hours is marked as a night-time login.
NIGHT_HOURS = range(6)


class Login(NamedTuple):
    """One item of the login-history API (seed 002), with its time made aware in Europe/Oslo
    and the flags the whole fetched history gives it.

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
