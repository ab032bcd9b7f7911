"""Who may preview citizens (grants), and the append-only audit trail of every preview."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import validate_national_identity_number
from common.logging import mask_national_identity_numbers
from idporten.authlevel_api import UsedLevel


class AuditRecordImmutable(Exception):
    """An audit record was about to be changed or deleted: the trail must stay as written."""


class CaseworkerGrant(models.Model):
    """The preview permission promised to whoever logs in with this pid.

    Made before the person's first login (there is no user to give it to yet), and applied at
    every login (caseworker.receivers). The pid is personal data, but matching on it is the point.
    """

    pid = models.CharField(
        max_length=11, unique=True, validators=[validate_national_identity_number]
    )
    granted_at = models.DateTimeField(default=timezone.now)
    # The user it was applied to at login, so that a revoke can take the permission back at once.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("caseworker grant")
        verbose_name_plural = _("caseworker grants")

    def __str__(self) -> str:
        return mask_national_identity_numbers(self.pid)


_M = TypeVar("_M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditRecordImmutable("audit records cannot be deleted")

    def update(self, **kwargs: Any) -> int:
        raise AuditRecordImmutable("audit records cannot be changed")


class AppendOnlyModel(models.Model):
    """Rows are inserted once and never changed or deleted through the application."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditRecordImmutable("audit records cannot be changed")
        # An INSERT always: a new instance carrying an existing id must not become an UPDATE.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditRecordImmutable("audit records cannot be deleted")


class PreviewLookup(AppendOnlyModel):
    """One preview of a citizen, written (and committed) before anything is looked up."""

    created_at = models.DateTimeField(_("time"), default=timezone.now)
    # PROTECT: a caseworker with previews on record cannot be deleted, or the trail would lose
    # who looked.
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworker"),
        on_delete=models.PROTECT,
        related_name="preview_lookups",
    )
    caseworker_sub = models.CharField(_("caseworker's sub"), max_length=255)
    caseworker_name = models.CharField(_("caseworker's name"), max_length=300, blank=True)
    citizen_pid = models.CharField(_("citizen's national identity number"), max_length=11)
    reason = models.CharField(_("reason or case reference"), max_length=200)

    class Meta:
        verbose_name = _("preview")
        verbose_name_plural = _("previews")
        ordering = ["-created_at", "-id"]
        # Nobody adds, changes or deletes these; reading them is view_audit.
        default_permissions = ()
        permissions = [
            ("preview_citizen", "Can preview what a citizen sees"),
            ("view_audit", "Can read the audit log of previews"),
        ]
        indexes = [
            models.Index(fields=["caseworker", "created_at"]),
            models.Index(fields=["citizen_pid", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.masked_pid}"

    @property
    def masked_pid(self) -> str:
        """The birth-date part only: what the banner and the lists show."""
        return mask_national_identity_numbers(self.citizen_pid)

    @property
    def recorded_outcome(self) -> PreviewOutcome | None:
        """None while the lookup is under way, or if its answer could not be written."""
        try:
            return self.outcome
        except PreviewOutcome.DoesNotExist:
            return None


class PreviewOutcome(AppendOnlyModel):
    """What the lookup answered: a second row, because the first one is never changed."""

    lookup = models.OneToOneField(
        PreviewLookup, verbose_name=_("preview"), on_delete=models.PROTECT, related_name="outcome"
    )
    recorded_at = models.DateTimeField(_("time"), default=timezone.now)
    used_level = models.CharField(
        _("answer"), max_length=20, choices=[(used.value, used.value) for used in UsedLevel]
    )
    # ID-porten did not answer this time (an unknown answer that may change).
    temporary = models.BooleanField(_("temporary"), default=False)

    class Meta:
        verbose_name = _("preview outcome")
        verbose_name_plural = _("preview outcomes")
        ordering = ["-recorded_at", "-id"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.lookup} {self.used_level}"
