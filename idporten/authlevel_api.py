from __future__ import annotations

import enum
from dataclasses import dataclass


class UsedLevel(enum.Enum):
    """What the authlevel API says of a person (seed 000)."""

    HIGH = "high"  # harbruktnivaa4: true
    NOT_HIGH = "not_high"  # harbruktnivaa4: false
    NOT_REGISTERED = "not_registered"  # 404: unknown to ID-porten
    UNKNOWN = "unknown"  # no answer to be had: configuration, ID-porten down, ...


@dataclass(frozen=True)
class AuthlevelLookup:
    used: UsedLevel
    # Set for UNKNOWN when trying again later may help (ID-porten did not answer).
    temporary: bool = False
