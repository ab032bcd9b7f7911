"""Writes: caseworker grants, and starting a preview with its audit trail."""

from __future__ import annotations

import datetime
import getpass
import logging
import socket
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from authlevel.selectors import authlevel_lookup
from caseworker.models import CaseworkerGrant, GrantRecord, PreviewLookup, PreviewOutcome
from caseworker.selectors import previews_started_since, users_granted

logger = logging.getLogger(__name__)

PREVIEWS_PER_HOUR = 30


class PreviewRateLimited(Exception):
    """The caseworker has made PREVIEWS_PER_HOUR previews in the last hour."""


class AuditWriteFailed(Exception):
    """The audit record could not be written, so nothing was looked up."""


def _preview_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="caseworker", codename="preview_citizen")


@dataclass(frozen=True)
class Actor:
    """Who changes a grant, and how: what the grant records say of it."""

    how: GrantRecord.How
    name: str  # an admin's sub, or the account and host that ran the command
    pid: str = ""  # an admin's national identity number

    @classmethod
    def command(cls) -> Actor:
        return cls(GrantRecord.How.COMMAND, f"{getpass.getuser()}@{socket.gethostname()}")


def _record(action: GrantRecord.Action, *, pid: str, actor: Actor, user: User | None) -> None:
    GrantRecord.objects.create(
        action=action, how=actor.how, pid=pid, user=user, actor=actor.name, actor_pid=actor.pid
    )


def caseworker_grant_create(*, pid: str, actor: Actor) -> tuple[CaseworkerGrant, bool]:
    """Idempotent: (the grant, whether it is new). The permission follows at the next login."""
    with transaction.atomic():
        grant, created = CaseworkerGrant.objects.get_or_create(pid=pid)
        if created:
            _record(GrantRecord.Action.GRANTED, pid=pid, actor=actor, user=None)
    return grant, created


def caseworker_grant_revoke(*, pid: str, actor: Actor) -> bool:
    """The one way a grant ends, whatever ends it (the admin, a bulk action, the command): the
    grant goes, and the permission is taken at once from every user it was ever applied to.
    False when there was neither a grant nor a permission to take back."""
    with transaction.atomic():
        grant = CaseworkerGrant.objects.filter(pid=pid).first()
        holders = preview_permission_take(users_granted(pid=pid))
        if grant is not None:
            grant.delete()
        if grant is None and not holders:
            return False
        taken_from: list[User | None] = [*holders] or [None]
        for user in taken_from:
            _record(GrantRecord.Action.REVOKED, pid=pid, actor=actor, user=user)
    logger.info("event=caseworker_grant_revoked how=%s users=%d", actor.how, len(holders))
    return True


def preview_permission_take(users: QuerySet[User]) -> list[User]:
    """Takes the preview permission from those of `users` who have it; returns them."""
    permission = _preview_permission()
    holders = list(users.filter(user_permissions=permission))
    permission.user_set.remove(*holders)
    return holders


def caseworker_grant_apply(*, user: User, pid: str) -> None:
    """At login (caseworker.receivers): whoever logs in with a granted pid gets the permission."""
    grant = CaseworkerGrant.objects.filter(pid=pid).first() if pid else None
    if grant is None:
        return
    with transaction.atomic():
        user.user_permissions.add(_preview_permission())
        if grant.user_id != user.pk:
            grant.user = user
            grant.save(update_fields=["user"])
            _record(
                GrantRecord.Action.APPLIED,
                pid=pid,
                actor=Actor(GrantRecord.How.LOGIN, user.get_username()),
                user=user,
            )


def preview_start(*, caseworker: User, caseworker_pid: str, pid: str, reason: str) -> PreviewLookup:
    """Writes the audit record, then looks the citizen up, then records what it answered.

    The record is committed in its own transaction before ID-porten is asked anything: if it
    cannot be written, AuditWriteFailed and no lookup. Raises PreviewRateLimited over the limit.
    """
    try:
        with transaction.atomic(durable=True):
            # Lock the caseworker's row so that two requests at once (in any process) cannot
            # both take the last allowed preview.
            get_user_model().objects.select_for_update().filter(pk=caseworker.pk).first()
            since = timezone.now() - datetime.timedelta(hours=1)
            if previews_started_since(caseworker=caseworker, since=since) >= PREVIEWS_PER_HOUR:
                logger.warning("event=preview_rate_limited user_id=%s", caseworker.pk)
                raise PreviewRateLimited
            lookup = PreviewLookup.objects.create(
                caseworker=caseworker,
                caseworker_sub=caseworker.get_username(),
                caseworker_pid=caseworker_pid,
                citizen_pid=pid,
                reason=reason,
            )
    except DatabaseError as exc:
        logger.error(
            "event=preview_audit_failed user_id=%s error=%s", caseworker.pk, type(exc).__name__
        )
        raise AuditWriteFailed from exc

    answer = authlevel_lookup(pid=pid)
    try:
        PreviewOutcome.objects.create(
            lookup=lookup, used_level=answer.used.value, temporary=answer.temporary
        )
    except DatabaseError as exc:
        # The lookup itself is on record; the preview shows "unknown" without its answer.
        logger.error(
            "event=preview_outcome_failed lookup=%d error=%s", lookup.pk, type(exc).__name__
        )
    logger.info("event=preview_started lookup=%d user_id=%s", lookup.pk, caseworker.pk)
    return lookup
