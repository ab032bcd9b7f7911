from __future__ import annotations

from django.apps import AppConfig


class AuthlevelConfig(AppConfig):
    name = "authlevel"
    verbose_name = "Authentication level"

    def ready(self) -> None:
        from authlevel.receivers import badge_looked_up_at_login
        from idporten.signals import login_verified

        login_verified.connect(badge_looked_up_at_login, dispatch_uid="authlevel-badge-at-login")
