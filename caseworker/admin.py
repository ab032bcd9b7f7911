"""The audit trail in the admin, read-only for users with caseworker.view_audit, national
identity numbers masked (the full ones are in the CSV export); grants are given and taken back
there too, through the same services as the command."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from caseworker.decorators import AUDIT_PERMISSION
from caseworker.models import CaseworkerGrant, GrantRecord, PreviewLookup, PreviewOutcome
from caseworker.services import Actor, caseworker_grant_create, caseworker_grant_revoke
from idporten.session import login_details


# ModelAdmin takes no type argument at run time (django-stubs-ext would patch that in).
class ReadOnlyAuditAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(AUDIT_PERMISSION)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(AUDIT_PERMISSION)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PreviewLookup)
class PreviewLookupAdmin(ReadOnlyAuditAdmin):
    list_display = ("created_at", "caseworker_sub", "masked_caseworker_pid", "masked_pid", "reason")
    list_filter = ("created_at",)
    search_fields = ("citizen_pid", "caseworker_pid", "caseworker_sub", "reason")
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "created_at",
        "caseworker_sub",
        "masked_caseworker_pid",
        "masked_pid",
        "reason",
        "previous_hash",
        "record_hash",
    )


@admin.register(PreviewOutcome)
class PreviewOutcomeAdmin(ReadOnlyAuditAdmin):
    list_display = ("recorded_at", "lookup", "used_level", "temporary")


@admin.register(GrantRecord)
class GrantRecordAdmin(ReadOnlyAuditAdmin):
    list_display = ("created_at", "action", "how", "masked_pid", "actor", "masked_actor_pid")
    list_filter = ("action", "how", "created_at")
    search_fields = ("pid", "actor", "actor_pid")
    fields = readonly_fields = (
        "created_at",
        "action",
        "how",
        "masked_pid",
        "user",
        "actor",
        "masked_actor_pid",
        "previous_hash",
        "record_hash",
    )


def _admin_actor(request: HttpRequest, how: GrantRecord.How) -> Actor:
    details = login_details(request.session)
    return Actor(how, request.user.get_username(), details.pid if details else "")


@admin.register(CaseworkerGrant)
class CaseworkerGrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # as above
    """A grant is given or taken back, never edited: a changed number would be another grant,
    and the permission already given would stay with the first person."""

    list_display = ("masked_pid", "granted_at", "user")
    fields = ("pid",)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self,
        request: HttpRequest,
        obj: CaseworkerGrant,
        form: ModelForm[CaseworkerGrant],
        change: bool,
    ) -> None:
        grant, _ = caseworker_grant_create(
            pid=obj.pid, actor=_admin_actor(request, GrantRecord.How.ADMIN)
        )
        obj.pk, obj._state.adding = grant.pk, False  # for the admin's message and redirect

    def delete_model(self, request: HttpRequest, obj: CaseworkerGrant) -> None:
        caseworker_grant_revoke(pid=obj.pid, actor=_admin_actor(request, GrantRecord.How.ADMIN))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CaseworkerGrant]) -> None:
        actor = _admin_actor(request, GrantRecord.How.ADMIN_BULK)
        for pid in queryset.values_list("pid", flat=True):
            caseworker_grant_revoke(pid=pid, actor=actor)
