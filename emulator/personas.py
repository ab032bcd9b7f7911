"""The seeded test citizens: fixed, valid Tenor-style synthetic numbers that the README,
the tests and the TestID page's one-click buttons all rely on."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Persona:
    pid: str
    description: Promise
    # False for the one persona ID-porten has never seen before its first login.
    seeded: bool = True


HIGH_LEVEL_USER = Persona(
    "15878510035", _("Used BankID within the last 18 months, about 300 logins")
)
MINID_ONLY_USER = Persona("04899220043", _("Only ever used MinID"))
HEAVY_USER = Persona("23917130140", _("Heavy user with 10,000 logins"))
HIGH_LEVEL_LONG_AGO_USER = Persona("30856440032", _("Used BankID only more than 18 months ago"))
NEW_USER = Persona("11810160073", _("Unknown to ID-porten until the first login"), seeded=False)
DEMO_CASEWORKER = Persona("27858815024", _("The demo caseworker"))

PERSONAS: tuple[Persona, ...] = (
    HIGH_LEVEL_USER,
    MINID_ONLY_USER,
    HEAVY_USER,
    HIGH_LEVEL_LONG_AGO_USER,
    NEW_USER,
    DEMO_CASEWORKER,
)
