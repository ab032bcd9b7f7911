from __future__ import annotations

from django.apps import AppConfig


class CaseworkerConfig(AppConfig):
    name = "caseworker"
    verbose_name = "Caseworker preview"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from caseworker.models import CaseworkerGrant, PreviewLookup
        from caseworker.receivers import (
            grant_applied_at_login,
            lookups_of_citizen_forget,
            permission_gone_with_its_grant,
        )

        user_logged_in.connect(grant_applied_at_login, dispatch_uid="caseworker-grant-at-login")
        post_delete.connect(
            permission_gone_with_its_grant,
            sender=CaseworkerGrant,
            dispatch_uid="caseworker-permission-gone-with-its-grant",
        )
        post_save.connect(
            lookups_of_citizen_forget,
            sender=PreviewLookup,
            dispatch_uid="caseworker-lookups-of-citizen-forget",
        )
