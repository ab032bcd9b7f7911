"""Deterministic, realistic login histories for the seeded personas.

Each persona draws from its own random.Random seeded with its number, and no draw depends on the
moment of seeding, so the same `now` always gives the same rows. `now` is an input at all because
the personas are defined relative to "the last 18 months", the authlevel API's window
(docs/idporten.md 1.2): a history is laid out backwards from the day before seeding.

Pure functions without the database: emulator_seed writes what they return.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from emulator.catalogue import OWN_AGENCY, SERVICES, PublicService
from emulator.personas import (
    DEMO_CASEWORKER,
    HEAVY_USER,
    HIGH_LEVEL_LONG_AGO_USER,
    HIGH_LEVEL_USER,
    MINID_ONLY_USER,
    Persona,
)
from emulator.types import FEDERATED

OSLO = ZoneInfo("Europe/Oslo")
HISTORY_DAYS = 730
LEVEL4_WINDOW_MONTHS = 18
# "More than 18 months ago" must hold whichever way a reader counts 18 months (calendar months,
# 540 or 558 days), so the long-ago persona's level-4 logins stay this much further back.
LONG_AGO_MARGIN = datetime.timedelta(days=14)
# Every seeded citizen has a few logins to the portal itself, so that the login-history API's
# "own organisation only" answer is never empty.
OWN_AGENCY_SESSIONS = 3

# Relative likelihood of a login starting in each local hour 00-23: mostly working hours and
# evenings, rarely at night (which is what night-time flags are for).
HOUR_WEIGHTS = (
    1.0, 0.5, 0.3, 0.2, 0.3, 0.6, 2, 4, 6, 8, 8, 8,
    8, 8, 8, 7, 6, 6, 7, 8, 8, 7, 5, 3,
)  # fmt: skip
# Citizens log in less at weekends; this share of weekend logins moves to the Friday before.
WEEKEND_TO_FRIDAY = 0.4
# Chance that a login is followed by a single sign-on reuse at another service ("Federated"),
# asked again after each reuse.
FEDERATED_CHANCE = 0.15
FEDERATED_MAX_PER_SESSION = 3

EidHabit = tuple[tuple[str, float], ...]

# BankID dominates; MinID app and Commfides are rare (docs/idporten.md section 5 lists the names).
EVERYDAY_HABIT: EidHabit = (
    ("BankID", 44),
    ("BankID mobil", 12),
    ("MinID PIN", 16),
    ("MinID OTC", 12),
    ("MinID app", 4),
    ("BuyPass", 9),
    ("Commfides", 3),
)
MINID_HABIT: EidHabit = (("MinID PIN", 55), ("MinID OTC", 38), ("MinID app", 7))


@dataclass(frozen=True)
class HistoryPlan:
    persona: Persona
    logins: int
    eids: EidHabit
    # For the persona who used level 4 only long ago: the eIDs of logins before
    # long_ago_cutoff(now); `eids` applies after it.
    eids_long_ago: EidHabit | None = None


PLANS: tuple[HistoryPlan, ...] = (
    HistoryPlan(HIGH_LEVEL_USER, logins=300, eids=EVERYDAY_HABIT),
    HistoryPlan(MINID_ONLY_USER, logins=140, eids=MINID_HABIT),
    HistoryPlan(HEAVY_USER, logins=10_000, eids=EVERYDAY_HABIT),
    HistoryPlan(
        HIGH_LEVEL_LONG_AGO_USER, logins=180, eids=MINID_HABIT, eids_long_ago=EVERYDAY_HABIT
    ),
    HistoryPlan(DEMO_CASEWORKER, logins=220, eids=EVERYDAY_HABIT),
)


@dataclass(frozen=True)
class GeneratedLogin:
    timestamp: datetime.datetime  # aware, Europe/Oslo
    service: PublicService
    eid: str


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` calendar months earlier, or that month's last day."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def long_ago_cutoff(now: datetime.datetime) -> datetime.datetime:
    """Level-4 logins of the long-ago persona are all older than this."""
    return months_before(now, LEVEL4_WINDOW_MONTHS) - LONG_AGO_MARGIN


def generate_history(plan: HistoryPlan, *, now: datetime.datetime) -> list[GeneratedLogin]:
    """Exactly `plan.logins` logins over the 24 months before `now`, oldest first."""
    rng = random.Random(int(plan.persona.pid))  # noqa: S311 (repeatable test data, no secret)
    services = _services_used(rng)
    cutoff = long_ago_cutoff(now)
    today = now.astimezone(OSLO).date()
    logins: list[GeneratedLogin] = []
    session = 0
    while len(logins) < plan.logins:
        start = _session_start(rng, today)
        service = _choose_service(rng, services, month=start.month)
        if session < OWN_AGENCY_SESSIONS:
            service = OWN_AGENCY
        habit = plan.eids_long_ago if plan.eids_long_ago and start < cutoff else plan.eids
        logins.append(GeneratedLogin(start, service, _choose(rng, habit)))
        logins.extend(_federated_reuses(rng, services, after=logins[-1]))
        session += 1
    return sorted(logins[: plan.logins], key=lambda login: login.timestamp)


def _services_used(rng: random.Random) -> list[PublicService]:
    return [service for service in SERVICES if rng.random() < service.reach]


def _session_start(rng: random.Random, today: datetime.date) -> datetime.datetime:
    # From two days back, so that a reuse a few minutes after a late-evening login is still in
    # the past, whatever the hour of seeding.
    day = today - datetime.timedelta(days=rng.randint(2, HISTORY_DAYS))
    move_to_friday = rng.random() < WEEKEND_TO_FRIDAY
    if day.weekday() >= 5 and move_to_friday:
        day -= datetime.timedelta(days=day.weekday() - 4)
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    local = datetime.datetime.combine(
        day, datetime.time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=OSLO
    )
    return _normalised(local)


def _normalised(local: datetime.datetime) -> datetime.datetime:
    # A wall-clock time that the spring DST change skips (02:00-03:00) becomes the real one.
    return local.astimezone(datetime.UTC).astimezone(OSLO)


def _choose_service(
    rng: random.Random, services: Sequence[PublicService], *, month: int
) -> PublicService:
    return rng.choices(services, weights=[service.weight_in(month) for service in services])[0]


def _choose(rng: random.Random, habit: EidHabit) -> str:
    names, weights = zip(*habit, strict=True)
    name: str = rng.choices(names, weights=weights)[0]
    return name


def _federated_reuses(
    rng: random.Random, services: Sequence[PublicService], *, after: GeneratedLogin
) -> list[GeneratedLogin]:
    """Logins to other services minutes later that reuse the SSO session of `after`."""
    reuses: list[GeneratedLogin] = []
    previous = after
    while len(reuses) < FEDERATED_MAX_PER_SESSION and rng.random() < FEDERATED_CHANCE:
        others = [service for service in services if service != previous.service]
        timestamp = previous.timestamp + datetime.timedelta(minutes=rng.randint(1, 15))
        service = _choose_service(rng, others, month=timestamp.month)
        previous = GeneratedLogin(_normalised(timestamp), service, FEDERATED)
        reuses.append(previous)
    return reuses
