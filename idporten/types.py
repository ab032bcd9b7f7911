"""ID-porten's protocol vocabulary.

Levels of assurance: docs.digdir.no "oidc_protocol_id_token" and docs/idporten.md sections 5
and 8.2. The old platform said Level3/Level4; the new one says idporten-loa-substantial/-high,
eidas-loa-* for foreign eIDs, and selfregistered-email for e-mail login. All are understood
everywhere, and compared through the level they stand for.
"""

from __future__ import annotations

import enum
import re


class LevelOfAssurance(enum.IntEnum):
    # selfregistered-email: "no standardized level of assurance" (docs/idporten.md 8.2). Kept
    # as a level below low rather than as no level at all, so that every "at least" check
    # refuses it by itself, and only the pages meant for it let it in.
    SELF_REGISTERED = 1
    LOW = 2
    SUBSTANTIAL = 3  # nivå 3, e.g. MinID
    HIGH = 4  # nivå 4, e.g. BankID, Buypass, Commfides


class Acr(enum.StrEnum):
    LOW = "idporten-loa-low"
    SUBSTANTIAL = "idporten-loa-substantial"
    HIGH = "idporten-loa-high"
    EIDAS_SUBSTANTIAL = "eidas-loa-substantial"
    # Not in the table of 8.2, but named on the same page as the level an eIDAS-notified eID
    # reaches when its country declares it high.
    EIDAS_HIGH = "eidas-loa-high"
    SELF_REGISTERED_EMAIL = "selfregistered-email"
    LEVEL3 = "Level3"
    LEVEL4 = "Level4"


ACR_LEVELS: dict[str, LevelOfAssurance] = {
    Acr.LOW: LevelOfAssurance.LOW,
    Acr.SUBSTANTIAL: LevelOfAssurance.SUBSTANTIAL,
    Acr.HIGH: LevelOfAssurance.HIGH,
    Acr.EIDAS_SUBSTANTIAL: LevelOfAssurance.SUBSTANTIAL,
    Acr.EIDAS_HIGH: LevelOfAssurance.HIGH,
    Acr.SELF_REGISTERED_EMAIL: LevelOfAssurance.SELF_REGISTERED,
    Acr.LEVEL3: LevelOfAssurance.SUBSTANTIAL,
    Acr.LEVEL4: LevelOfAssurance.HIGH,
}

# Digdir: new values will be "<legal framework>-<loa level>", with the same postfix for levels
# ID-porten considers comparable, so that a service needing the high level "can thus in their
# validation logic only validate on the -high postfix" (docs/idporten.md 8.2).
_FRAMEWORK_HIGH = re.compile(r"[a-z0-9][a-z0-9.]*(?:-[a-z0-9.]+)*-high")


def level_of(acr: object) -> LevelOfAssurance | None:
    """The level an acr value stands for; None for a value ID-porten does not use.

    Any `<framework>-...-high` counts as high, as Digdir advises, even one not known here yet;
    other unknown values have no level and are refused wherever a level is required.
    """
    if not isinstance(acr, str):
        return None
    known = ACR_LEVELS.get(acr)
    if known is not None:
        return known
    if _FRAMEWORK_HIGH.fullmatch(acr):
        return LevelOfAssurance.HIGH
    return None
