"""Rotate the emulator's signing key, as ID-porten rotates its own.

The new key signs from now on; the old one stays published in /jwk for the grace period, so
relying parties can still verify tokens it signed, and must refetch the key set when they meet
the new `kid`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from emulator.keys import signing_key_rotate


class Command(BaseCommand):
    help = "Sign with a new key from now on; keep publishing the old one for --grace-hours."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=24.0,
            help="How long the previous key stays in /jwk (default 24).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        grace = datetime.timedelta(hours=options["grace_hours"])
        key = signing_key_rotate(grace=grace)
        if options["verbosity"]:
            self.stdout.write(f"New signing key {key.kid}; the previous key stays for {grace}.")
