"""The login history's vocabulary: one login as the portal keeps it, and the eIDs it names."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass
from typing import NamedTuple

from idporten.types import LevelOfAssurance

# "00-05": a login that starts in one of these local hours is marked as a night-time login.
NIGHT_HOURS = range(6)


class Login(NamedTuple):
    """One item of the login-history API (seed 002), with its time made aware in Europe/Oslo
    and the flags the whole fetched history gives it.

    A named tuple, not a dataclass: the heaviest histories (10,000 logins) go through the
    cache on every page view, and plain tuples are what pickle reads fastest.
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


class Issuer(enum.StrEnum):
    """Whom a citizen contacts about an eID they did not use; the help page has a part for
    each (templates/portal/help.html, #not-you-<issuer>), and general advice (#not-you)."""

    MINID = "minid"
    BANKID = "bankid"
    BUYPASS = "buypass"
    COMMFIDES = "commfides"
    OTHER = "other"


@dataclass(frozen=True)
class EidInfo:
    level: LevelOfAssurance | None
    issuer: Issuer


# The login log's eID names (idporten-facts sections 2 and 5), lower-cased. Federated is a
# single sign-on without a new authentication, so it has no level of its own.
_EIDS: dict[str, EidInfo] = {
    "minid": EidInfo(LevelOfAssurance.SUBSTANTIAL, Issuer.MINID),
    "minid pin": EidInfo(LevelOfAssurance.SUBSTANTIAL, Issuer.MINID),
    "minid otc": EidInfo(LevelOfAssurance.SUBSTANTIAL, Issuer.MINID),
    "minid app": EidInfo(LevelOfAssurance.SUBSTANTIAL, Issuer.MINID),
    "bankid": EidInfo(LevelOfAssurance.HIGH, Issuer.BANKID),
    "bankid mobil": EidInfo(LevelOfAssurance.HIGH, Issuer.BANKID),
    "buypass": EidInfo(LevelOfAssurance.HIGH, Issuer.BUYPASS),
    "commfides": EidInfo(LevelOfAssurance.HIGH, Issuer.COMMFIDES),
}
_UNKNOWN = EidInfo(None, Issuer.OTHER)

FEDERATED = "federated"


def eid_info(eid: str) -> EidInfo:
    return _EIDS.get(eid.strip().lower(), _UNKNOWN)


def is_federated(eid: str) -> bool:
    return eid.strip().lower() == FEDERATED
