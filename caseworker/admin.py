"""The audit trail in the admin, read-only for users with caseworker.view_audit; grants can be
made and removed there too."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from caseworker.decorators import AUDIT_PERMISSION
from caseworker.models import CaseworkerGrant, PreviewLookup, PreviewOutcome


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
    list_display = ("created_at", "caseworker", "caseworker_name", "citizen_pid", "reason")
    list_filter = ("created_at",)
    search_fields = ("citizen_pid", "caseworker_sub", "reason")
    date_hierarchy = "created_at"


@admin.register(PreviewOutcome)
class PreviewOutcomeAdmin(ReadOnlyAuditAdmin):
    list_display = ("recorded_at", "lookup", "used_level", "temporary")


@admin.register(CaseworkerGrant)
class CaseworkerGrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # as above
    list_display = ("__str__", "granted_at", "user")
    fields = ("pid",)
