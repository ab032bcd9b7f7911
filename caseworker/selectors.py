"""Reads of the audit trail."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.cache import cache
from django.db.models import Q, QuerySet

from caseworker.models import CaseworkerGrant, GrantRecord, PreviewLookup
from common.cache import CacheRead, cache_read


def previews_started_since(*, caseworker: AbstractBaseUser, since: datetime.datetime) -> int:
    return PreviewLookup.objects.filter(caseworker_id=caseworker.pk, created_at__gte=since).count()


def previews_of_citizen(*, pid: str) -> QuerySet[PreviewLookup]:
    """Every preview of this citizen, newest first: what "Oppslag på deg" lists."""
    return PreviewLookup.objects.filter(citizen_pid=pid).order_by("-created_at", "-id")


# The lookups are append-only: the one change a citizen's list can have is a new lookup, and its
# receiver drops the copy after the commit (caseworker/receivers.py). The lifetime bounds the
# one race left: a page that read the list just before that commit and wrote it just after.
LOOKUPS_CACHE_SECONDS = 60


@dataclass(frozen=True)
class LookupOfCitizen:
    """What "Oppslag på deg" shows of one lookup."""

    pk: int
    created_at: datetime.datetime
    reason: str


def lookups_cache_key(pid: str) -> str:
    # Hashed: no national identity number in a key of the shared cache.
    return "caseworker:lookups-of:v1:" + hashlib.sha256(pid.encode()).hexdigest()


def lookups_of_citizen(*, pid: str, read: CacheRead = cache_read) -> list[LookupOfCitizen]:
    """ "Oppslag på deg", newest first. With a shared cache, a page view reads it from there
    (with `read`): every page of a logged-in citizen shows it, and it rarely changes."""
    key = lookups_cache_key(pid)
    cached: list[LookupOfCitizen] | None = read(key) if settings.CACHE_IS_SHARED else None
    if cached is not None:
        return cached
    lookups = [
        LookupOfCitizen(pk, created_at, reason)
        for pk, created_at, reason in previews_of_citizen(pid=pid).values_list(
            "pk", "created_at", "reason"
        )
    ]
    if settings.CACHE_IS_SHARED:
        cache.set(key, lookups, LOOKUPS_CACHE_SECONDS)
    return lookups


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
