"""What the badge says, from what the authlevel API answered and how the citizen logged in now.

A pure function, so every combination is a unit test (tests/authlevel/test_badge.py)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from idporten.authlevel_api import AuthlevelLookup, UsedLevel
from idporten.types import LevelOfAssurance


class BadgeKind(enum.StrEnum):
    """What the badge says; the template picks its text and colour by it."""

    HIGH = "high"
    SUBSTANTIAL = "substantial"
    NOT_REGISTERED = "not_registered"
    UNKNOWN = "unknown"
    # Logged in without a national identity number (e-mail, or a foreign eID that ID-porten
    # could not match to one, docs/idporten.md 8.3): the API is asked by that number, so
    # there is nothing to ask it, and the badge says so.
    NO_NATIONAL_ID = "no_national_id"


@dataclass(frozen=True)
class Badge:
    kind: BadgeKind
    # True when the badge says unknown because ID-porten did not answer this time.
    temporary: bool = False


def badge_for(*, lookup: AuthlevelLookup, current_level: LevelOfAssurance | None) -> Badge:
    # A login at the high level right now is proof enough, whatever the API said.
    if current_level is not None and current_level >= LevelOfAssurance.HIGH:
        return Badge(BadgeKind.HIGH)
    if lookup.used is UsedLevel.HIGH:
        return Badge(BadgeKind.HIGH)
    if lookup.used is UsedLevel.NOT_HIGH:
        return Badge(BadgeKind.SUBSTANTIAL)
    if lookup.used is UsedLevel.NOT_REGISTERED:
        # A citizen logged in right now is registered, whatever the API said; a preview of
        # someone else has no current login.
        if current_level is None:
            return Badge(BadgeKind.NOT_REGISTERED)
        return Badge(BadgeKind.SUBSTANTIAL)
    # UNKNOWN: say so plainly; the badge shows the current login's level beside it.
    return Badge(BadgeKind.UNKNOWN, temporary=lookup.temporary)
