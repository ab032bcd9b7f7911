"""Reads of the audit trail."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, User
from django.db.models import Q, QuerySet

from caseworker.models import CaseworkerGrant, GrantRecord, PreviewLookup


def previews_started_since(*, caseworker: AbstractBaseUser, since: datetime.datetime) -> int:
    return PreviewLookup.objects.filter(caseworker_id=caseworker.pk, created_at__gte=since).count()


def previews_of_citizen(*, pid: str) -> QuerySet[PreviewLookup]:
    """Every preview of this citizen, newest first: what "Oppslag på deg" lists."""
    return PreviewLookup.objects.filter(citizen_pid=pid).order_by("-created_at", "-id")


def audit_log() -> QuerySet[PreviewLookup]:
    """The whole trail, oldest first, each lookup with its outcome (if one was recorded)."""
    return PreviewLookup.objects.select_related("outcome").order_by("created_at", "id")


def users_granted(*, pid: str) -> QuerySet[User]:
    """Every user a grant for this number was applied to at login, now or before: the grant
    row names the latest, the grant records all of them."""
    applied = GrantRecord.objects.filter(pid=pid, action=GrantRecord.Action.APPLIED)
    current = CaseworkerGrant.objects.filter(pid=pid)
    users: QuerySet[User] = get_user_model().objects.filter(
        Q(pk__in=applied.values("user_id")) | Q(pk__in=current.values("user_id"))
    )
    return users
