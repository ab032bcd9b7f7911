"""Give (or take back) the preview permission by national identity number.

The grant is made before the person's first login, when no user exists to give it to; the
login applies it to whoever logs in with this pid (caseworker.receivers). `make run` grants the demo
caseworker this way.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseworker.services import Actor, caseworker_grant_create, caseworker_grant_revoke
from common.forms import national_identity_number_from


class Command(BaseCommand):
    help = "Let whoever logs in with this national identity number preview citizens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pid", help="the caseworker's national identity number")
        parser.add_argument(
            "--revoke", action="store_true", help="take the permission back instead"
        )

    def handle(self, *args: object, pid: str, revoke: bool, **options: object) -> None:
        try:
            number = national_identity_number_from(pid)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        masked = number.masked()
        if revoke:
            revoked = caseworker_grant_revoke(pid=number.value, actor=Actor.command())
            self.stdout.write(
                f"Revoked {masked}." if revoked else f"{masked} had no grant and no permission."
            )
            return
        _, created = caseworker_grant_create(pid=number.value, actor=Actor.command())
        self.stdout.write(f"Granted {masked}." if created else f"{masked} already had a grant.")
