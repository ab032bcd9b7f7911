"""Reads of the audit trail."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from caseworker.models import PreviewLookup


def previews_started_since(*, caseworker: AbstractBaseUser, since: datetime.datetime) -> int:
    return PreviewLookup.objects.filter(caseworker_id=caseworker.pk, created_at__gte=since).count()


def previews_of_citizen(*, pid: str) -> QuerySet[PreviewLookup]:
    """Every preview of this citizen, newest first: what "Oppslag på deg" lists."""
    return PreviewLookup.objects.filter(citizen_pid=pid).order_by("-created_at", "-id")


def audit_log() -> QuerySet[PreviewLookup]:
    """The whole trail, oldest first, each lookup with its outcome (if one was recorded)."""
    return PreviewLookup.objects.select_related("outcome").order_by("created_at", "id")
