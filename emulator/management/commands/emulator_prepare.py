"""Make the emulator ready to serve: `make run` calls this before starting it.

Migrates the emulator's database, loads the client registry file into it, makes sure a signing
key and the test PKI of the JWT grant exist, and seeds the synthetic citizens. Every step is
idempotent, so it is safe and fast to run on every start.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from emulator.keys import signing_key_current
from emulator.services import clients_load_file


class Command(BaseCommand):
    help = "Migrate, load clients.json, ensure a signing key and the test PKI, and seed."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("migrate", verbosity=max(verbosity - 1, 0), interactive=False)
        clients = clients_load_file(path=settings.EMULATOR_CLIENTS_FILE)
        if verbosity:
            names = ", ".join(client.client_id for client in clients)
            self.stdout.write(f"Clients from {settings.EMULATOR_CLIENTS_FILE.name}: {names}")
        key = signing_key_current()
        if verbosity > 1:
            self.stdout.write(f"Signing key: {key.kid}")
        # After the clients: the PKI issues a certificate to each client of the JWT grant.
        call_command("emulator_pki", verbosity=verbosity)
        call_command("emulator_seed", verbosity=verbosity)
