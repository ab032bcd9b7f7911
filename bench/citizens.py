"""Synthetic citizens for `make bench`, besides the emulator's personas.

The load test needs 50 citizens logged in at once, each with a history of their own, and the
cold-page measurement needs citizens whose authentication level nobody has looked up yet. Each
is made like the ordinary persona (emulator/seeding.py: about 300 logins with everyday eIDs)
under a synthetic number of its own; generate_history seeds its randomness with the number, so
every citizen's history differs.

    python -m bench.citizens --count 70     # with the emulator's settings and database

`synthetic_pids` is pure; the seeding needs DJANGO_SETTINGS_MODULE=emulator.settings.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime

FIRST_BIRTH_DATE = datetime.date(1950, 1, 1)
DAYS_BETWEEN_BIRTHS = 173
# 100-499 gives a birth year in the 1900s (docs/idporten.md 6.2).
FIRST_INDIVIDUAL_NUMBER = 100
INDIVIDUAL_NUMBERS = 400


def synthetic_pids(count: int) -> list[str]:
    """`count` distinct valid synthetic numbers (Tenor's: month + 80), the same every run, none
    of them a persona's. common.nin decides validity: of the hundred endings of a date and an
    individnummer, the one it accepts is the number."""
    from common.nin import InvalidNationalIdentityNumber, parse_national_identity_number
    from emulator.personas import PERSONAS

    taken = {persona.pid for persona in PERSONAS}
    pids: list[str] = []
    index = 0
    while len(pids) < count:
        birth = FIRST_BIRTH_DATE + datetime.timedelta(days=DAYS_BETWEEN_BIRTHS * index)
        individual = FIRST_INDIVIDUAL_NUMBER + index % INDIVIDUAL_NUMBERS
        prefix = f"{birth:%d}{birth.month + 80:02d}{birth:%y}{individual:03d}"
        index += 1
        for ending in range(100):
            candidate = f"{prefix}{ending:02d}"
            try:
                parse_national_identity_number(candidate)
            except InvalidNationalIdentityNumber:
                continue
            if candidate not in taken:
                pids.append(candidate)
            break
    return pids


def citizens_seed(*, pids: list[str]) -> int:
    """Give each number a person and an ordinary persona's kind of history; the logins written."""
    from django.db import transaction
    from django.utils import timezone

    from emulator.personas import HIGH_LEVEL_USER
    from emulator.seeding import PLANS, generate_history
    from emulator.services import person_history_write

    ordinary = next(plan for plan in PLANS if plan.persona.pid == HIGH_LEVEL_USER.pid)
    now = timezone.now()
    written = 0
    with transaction.atomic():
        for pid in pids:
            plan = dataclasses.replace(
                ordinary, persona=dataclasses.replace(ordinary.persona, pid=pid)
            )
            history = generate_history(plan, now=now)
            person_history_write(pid=pid, history=history)
            written += len(history)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, required=True)
    count = parser.parse_args().count
    import django

    django.setup()
    written = citizens_seed(pids=synthetic_pids(count))
    print(f"seeded {count} citizens with {written} logins")


if __name__ == "__main__":
    main()
