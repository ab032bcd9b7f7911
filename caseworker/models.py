"""Who may preview citizens (grants), and the append-only audit trail: every preview, and
every grant given, applied and taken back."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseworker.audit import GENESIS, HASH_FIELDS, ChainRecord, record_hash
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

    @property
    def masked_pid(self) -> str:
        return mask_national_identity_numbers(self.pid)


_M = TypeVar("_M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditRecordImmutable("audit records cannot be deleted")

    def update(self, **kwargs: Any) -> int:
        raise AuditRecordImmutable("audit records cannot be changed")


class AppendOnlyModel(models.Model):
    """Rows are inserted once and never changed or deleted: not through the application (here),
    not through SQL on PostgreSQL (triggers, migration 0002), and each row is chained to the
    one before it by hashes (caseworker/audit.py) so that a change made anyway shows."""

    previous_hash = models.CharField(max_length=64, editable=False)
    record_hash = models.CharField(max_length=64, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditRecordImmutable("audit records cannot be changed")
        # An INSERT always: a new instance carrying an existing id must not become an UPDATE.
        kwargs["force_insert"] = True
        database = router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=database):
            # One writer at a time per table, so that two records never follow the same one.
            _lock_for_appending(type(self), database)
            last = (
                type(self)
                ._base_manager.using(database)
                .order_by("-pk")
                .values_list("record_hash", flat=True)
                .first()
            )
            self.previous_hash = last or GENESIS
            self.record_hash = record_hash(
                table=self._meta.db_table, previous=self.previous_hash, values=self.chained_values()
            )
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditRecordImmutable("audit records cannot be deleted")

    def chained_values(self) -> dict[str, object]:
        """What the record's hash covers: every stored value but the id and the hashes."""
        return {
            field.attname: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if not field.primary_key and field.attname not in HASH_FIELDS
        }

    def chain_record(self) -> ChainRecord:
        return ChainRecord(self.pk, self.previous_hash, self.record_hash, self.chained_values())


def _lock_for_appending(model: type[models.Model], database: str) -> None:
    connection = connections[database]
    if connection.vendor == "postgresql":
        # Conflicts with itself, not with reading: appends queue, readers never wait.
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    # SQLite takes a write lock on the whole database for the INSERT anyway.


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
    # The sub is pairwise and says nothing to a reader of the trail; the number names a person,
    # and stays when the grant is taken back.
    caseworker_pid = models.CharField(_("caseworker's national identity number"), max_length=11)
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
    def masked_caseworker_pid(self) -> str:
        return mask_national_identity_numbers(self.caseworker_pid)

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


class GrantRecord(AppendOnlyModel):
    """One change of who may preview: a grant given, applied to a user at login, or taken
    back; with whom it concerns, who made it and how."""

    class Action(models.TextChoices):
        GRANTED = "granted", _("granted")
        APPLIED = "applied", _("applied at login")
        REVOKED = "revoked", _("revoked")

    class How(models.TextChoices):
        ADMIN = "admin", _("in the admin")
        ADMIN_BULK = "admin-bulk", _("in the admin, several at once")
        COMMAND = "command", _("with grant_caseworker")
        LOGIN = "login", _("at login")

    created_at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    how = models.CharField(_("how"), max_length=10, choices=How.choices)
    pid = models.CharField(_("caseworker's national identity number"), max_length=11)
    # The user the permission was given to or taken from, when there was one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Who did it: an admin's sub and number, or the account and host that ran the command.
    actor = models.CharField(_("done by"), max_length=255)
    actor_pid = models.CharField(_("done by (national identity number)"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("grant record")
        verbose_name_plural = _("grant records")
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        indexes = [models.Index(fields=["pid", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.masked_pid}"

    @property
    def masked_pid(self) -> str:
        return mask_national_identity_numbers(self.pid)

    @property
    def masked_actor_pid(self) -> str:
        return mask_national_identity_numbers(self.actor_pid)
