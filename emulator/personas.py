"""The seeded test citizens: fixed, valid Tenor-style synthetic numbers that the README,
the tests and the TestID page's one-click buttons all rely on; and the test people who log in
without a national identity number."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from emulator.types import EIDAS, EMAIL


@dataclass(frozen=True)
class Persona:
    pid: str
    # Translated for the built-in personas; as written for those of a team's own file
    # (emulator/persona_config.py).
    description: str | Promise
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


@dataclass(frozen=True)
class PersonaWithoutPid:
    """Someone who logs in without a Norwegian national identity number: with e-mail, or with
    a foreign eID that ID-porten could not match to one (docs/idporten.md 8.3).

    `key` stands where a pid would, in the SSO session, the grant and the login log, whose
    columns hold 11 characters; it has letters, so it is never taken for a number. `subject`
    is the person's own identifier, which the pairwise `sub` is made from (the e-mail address,
    or the eIDAS PersonIdentifier), so that the same person always has the same `sub` at a
    client. A fixed set rather than any address typed in: the records have no column for one.
    """

    key: str
    eid: str  # the TestID page's `eid` choice: EMAIL's or EIDAS's
    subject: str
    description: Promise
    # eIDAS's mandatory attributes (docs.digdir.no "oidc_func_eidas"); empty for e-mail.
    first_name: str = ""
    family_name: str = ""
    date_of_birth: str = ""

    @property
    def is_email(self) -> bool:
        return self.eid == EMAIL.choice


EMAIL_USER = PersonaWithoutPid(
    "email-kari", EMAIL.choice, "kari.nordmann@example.com", _("e-mail login")
)
OTHER_EMAIL_USER = PersonaWithoutPid(
    "email-ola", EMAIL.choice, "ola.nordmann@example.org", _("e-mail login")
)
EIDAS_USER = PersonaWithoutPid(
    "eidas-erika",
    EIDAS.choice,
    "DE/NO/EM19640812",
    _("Erika Mustermann, a German eID through eIDAS"),
    first_name="Erika",
    family_name="Mustermann",
    date_of_birth="1964-08-12",
)

PERSONAS_WITHOUT_PID: tuple[PersonaWithoutPid, ...] = (EMAIL_USER, OTHER_EMAIL_USER, EIDAS_USER)
_WITHOUT_PID_BY_KEY = {persona.key: persona for persona in PERSONAS_WITHOUT_PID}


def persona_without_pid(key: str) -> PersonaWithoutPid | None:
    """The persona a login without a pid was recorded under (its `key` in the pid column)."""
    return _WITHOUT_PID_BY_KEY.get(key)
