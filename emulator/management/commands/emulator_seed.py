"""Give the seeded personas their login histories in the emulator's database.

Why: the portal's pages, both APIs and the performance work need citizens with believable
histories (and one with 10,000 logins) from the first `make run`, and the README, the tests and
the TestID page's one-click buttons all rely on the same fixed personas (emulator/personas.py).
`make run` calls this through emulator_prepare on every start, so it does nothing once the
personas exist; --reset puts every persona back to its starting state, the new user included.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from common.logging import mask_national_identity_numbers
from emulator.models import Person
from emulator.personas import PERSONAS
from emulator.seeding import PLANS, generate_history
from emulator.services import person_history_write


@dataclass(frozen=True)
class SeedResult:
    seeded: dict[str, int]  # pid -> logins written
    already_there: list[str]


def personas_seed(*, reset: bool, dry_run: bool = False) -> SeedResult:
    """Create every missing persona with its history; with `reset`, recreate them all first."""
    now = timezone.now()
    with transaction.atomic():
        existing = set(
            Person.objects.filter(pid__in=[plan.persona.pid for plan in PLANS]).values_list(
                "pid", flat=True
            )
        )
        plans = [plan for plan in PLANS if reset or plan.persona.pid not in existing]
        if reset and not dry_run:
            Person.objects.filter(pid__in=[persona.pid for persona in PERSONAS]).delete()
        seeded: dict[str, int] = {}
        for plan in plans:
            history = generate_history(plan, now=now)
            if not dry_run:
                person_history_write(pid=plan.persona.pid, history=history)
            seeded[plan.persona.pid] = len(history)
    return SeedResult(seeded=seeded, already_there=[] if reset else sorted(existing))


class Command(BaseCommand):
    help = (
        "Create the seeded test citizens of the local ID-porten with their login histories. "
        "Does nothing for personas that already exist; --reset recreates them all."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete every persona (and any logins made with them) and seed them again.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Generate the histories and report what would be written, without writing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        started = time.monotonic()
        result = personas_seed(reset=options["reset"], dry_run=options["dry_run"])
        elapsed = time.monotonic() - started
        if verbosity >= 2:
            for pid in result.already_there:
                self.stdout.write(f"{mask_national_identity_numbers(pid)} already seeded")
            for pid, count in result.seeded.items():
                self.stdout.write(f"{mask_national_identity_numbers(pid)}: {count} logins")
        if verbosity >= 1:
            verb = "Would seed" if options["dry_run"] else "Seeded"
            if result.seeded:
                total = sum(result.seeded.values())
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{verb} {len(result.seeded)} personas with {total} logins "
                        f"in {elapsed:.1f} s."
                    )
                )
            else:
                self.stdout.write("The personas are already seeded; --reset seeds them again.")
