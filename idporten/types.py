"""ID-porten's protocol vocabulary.

Levels of assurance: docs.digdir.no "oidc_protocol_id_token" and docs/idporten.md section 5.
The old platform said Level3/Level4; the new one says idporten-loa-substantial/-high. Both
are understood everywhere, and compared through the level they stand for.
"""

from __future__ import annotations

import enum


class LevelOfAssurance(enum.IntEnum):
    LOW = 2
    SUBSTANTIAL = 3  # nivå 3, e.g. MinID
    HIGH = 4  # nivå 4, e.g. BankID, Buypass, Commfides


class Acr(enum.StrEnum):
    LOW = "idporten-loa-low"
    SUBSTANTIAL = "idporten-loa-substantial"
    HIGH = "idporten-loa-high"
    LEVEL3 = "Level3"
    LEVEL4 = "Level4"


ACR_LEVELS: dict[str, LevelOfAssurance] = {
    Acr.LOW: LevelOfAssurance.LOW,
    Acr.SUBSTANTIAL: LevelOfAssurance.SUBSTANTIAL,
    Acr.HIGH: LevelOfAssurance.HIGH,
    Acr.LEVEL3: LevelOfAssurance.SUBSTANTIAL,
    Acr.LEVEL4: LevelOfAssurance.HIGH,
}


def level_of(acr: str | None) -> LevelOfAssurance | None:
    """The level an acr value stands for; None for a value ID-porten does not use."""
    return ACR_LEVELS.get(acr or "")
