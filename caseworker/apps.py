from __future__ import annotations

from django.apps import AppConfig


class CaseworkerConfig(AppConfig):
    name = "caseworker"
    verbose_name = "Caseworker preview"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from caseworker.receivers import grant_applied_at_login

        user_logged_in.connect(grant_applied_at_login, dispatch_uid="caseworker-grant-at-login")
