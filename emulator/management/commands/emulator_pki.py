"""Create the emulator's test PKI: a test CA and an enterprise certificate per JWT-grant client.

ID-porten's JWT grant wants assertions signed with a Buypass or Commfides enterprise
certificate; their test chains are out of reach here, so the emulator issues look-alikes and
trusts only its own CA. Each client's certificate is a password-protected PKCS#12 file with
its password beside it, the way the real ones are delivered. `emulator_prepare` runs this, so
`make run` creates the PKI once; later runs only add what is missing, and --force renews all.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from emulator.jwt_grant import jwt_bearer_clients
from emulator.pki import CA_CERTIFICATE_FILE, password_path, pkcs12_path, pki_apply, pki_plan


class Command(BaseCommand):
    help = (
        "Create the test CA and a PKCS#12 enterprise certificate for every client of the JWT "
        "grant in EMULATOR_PKI_DIR (default var/pki); only what is missing, unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Renew the CA and every certificate."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be created; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = settings.EMULATOR_PKI_DIR
        plan = pki_plan(
            directory=directory, subscribers=jwt_bearer_clients(), force=options["force"]
        )
        if not options["dry_run"]:
            pki_apply(plan)
        if not options["verbosity"]:
            return
        prefix = "Would create" if options["dry_run"] else "Created"
        if plan.new_ca:
            self.stdout.write(f"{prefix} the test CA {directory / CA_CERTIFICATE_FILE}")
        for subscriber in plan.certificates:
            self.stdout.write(
                f"{prefix} {pkcs12_path(directory, subscriber.client_id)} for orgno "
                f"{subscriber.orgno}; password in "
                f"{password_path(directory, subscriber.client_id).name}"
            )
        if not plan.new_ca and not plan.certificates:
            self.stdout.write(f"The test PKI in {directory} is complete.")
