from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from emulator.models import Client, Fault, LoginEvent, Person, SigningKey

# Every admin page names the emulator as what it is (and templates/admin/base_site.html adds
# the test-emulator notice).
admin.site.site_header = _("Local ID-porten (test emulator)")
admin.site.site_title = _("Local ID-porten (test emulator)")


# ModelAdmin takes no type argument at run time (django-stubs-ext would patch that in).
@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("client_id", "service_name", "orgno")
    search_fields = ("client_id", "service_name", "orgno")


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # as above
    list_display = ("kid", "created_at", "retired_at", "published_until")
    # Rotate with `manage.py emulator_rotate_keys`; the private key is never shown.
    exclude = ("private_key_pem",)
    readonly_fields = ("kid", "created_at", "retired_at", "published_until")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # as above
    list_display = ("__str__", "created_at")


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # as above
    list_display = ("timestamp", "service_name", "eid", "integration_id", "orgno")
    list_select_related = ("person",)
    raw_id_fields = ("person",)


admin.site.register(Fault)
