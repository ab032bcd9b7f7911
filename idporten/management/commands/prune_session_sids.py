"""Forget which ID-porten session (`sid`) belonged to portal sessions that no longer exist.

Logout and front-channel logout remove their rows at once, but a session that simply expires
leaves its row behind. Run this beside Django's `clearsessions`, e.g. daily.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from idporten.models import SessionBySid


class Command(BaseCommand):
    help = "Delete sid-to-session rows whose portal session has expired or is gone."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        stale = SessionBySid.objects.exclude(session_key__in=live)
        with transaction.atomic():
            count = stale.count()
            if not options["dry_run"]:
                stale.delete()
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(f"{verb} {count} sid rows of ended sessions.")
