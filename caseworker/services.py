"""Writes: caseworker grants, and starting a preview with its audit trail."""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
from django.db import DatabaseError, transaction
from django.utils import timezone

from authlevel.selectors import authlevel_lookup
from caseworker.models import CaseworkerGrant, PreviewLookup, PreviewOutcome
from caseworker.selectors import previews_started_since

logger = logging.getLogger(__name__)

PREVIEWS_PER_HOUR = 30


class PreviewRateLimited(Exception):
    """The caseworker has made PREVIEWS_PER_HOUR previews in the last hour."""


class AuditWriteFailed(Exception):
    """The audit record could not be written, so nothing was looked up."""


def _preview_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="caseworker", codename="preview_citizen")


def caseworker_grant_create(*, pid: str) -> tuple[CaseworkerGrant, bool]:
    """Idempotent: (the grant, whether it is new). The permission follows at the next login."""
    return CaseworkerGrant.objects.get_or_create(pid=pid)


def caseworker_grant_revoke(*, pid: str) -> bool:
    """Takes the permission back at once from the user the grant was applied to."""
    grant = CaseworkerGrant.objects.filter(pid=pid).select_related("user").first()
    if grant is None:
        return False
    with transaction.atomic():
        if grant.user is not None:
            grant.user.user_permissions.remove(_preview_permission())
        grant.delete()
    return True


def caseworker_grant_apply(*, user: User, pid: str) -> None:
    """At login (caseworker.receivers): whoever logs in with a granted pid gets the permission."""
    grant = CaseworkerGrant.objects.filter(pid=pid).first() if pid else None
    if grant is None:
        return
    user.user_permissions.add(_preview_permission())
    if grant.user_id != user.pk:
        grant.user = user
        grant.save(update_fields=["user"])


def preview_start(*, caseworker: User, pid: str, reason: str) -> PreviewLookup:
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
                caseworker_name=caseworker.get_full_name(),
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
