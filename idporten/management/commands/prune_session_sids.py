"""Forget what ended logins leave behind: which ID-porten session (`sid`) belonged to portal
sessions that no longer exist, and the tokens of logins past their absolute end.

Logout and front- and back-channel logout remove both at once, but a session that simply
expires leaves them behind. Run this beside Django's `clearsessions`, e.g. hourly or daily.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from idporten.models import LoginTokens, SessionBySid


class Command(BaseCommand):
    help = "Delete sid-to-session rows whose portal session has expired or is gone."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        live = Session.objects.filter(expire_date__gt=now).values("session_key")
        stale = SessionBySid.objects.exclude(session_key__in=live)
        ended_tokens = LoginTokens.objects.filter(ends_at__lte=now)
        with transaction.atomic():
            count, tokens = stale.count(), ended_tokens.count()
            if not options["dry_run"]:
                stale.delete()
                ended_tokens.delete()
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(f"{verb} {count} sid rows of ended sessions.")
        self.stdout.write(f"{verb} the tokens of {tokens} logins past their end.")
