from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Min innloggingshistorikk"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portal import checks  # noqa: F401  (registers the production checks)
        from portal.receivers import administrator_set_at_login

        user_logged_in.connect(administrator_set_at_login, dispatch_uid="portal-administrator")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the portal's site: ID-porten logins only (portal/admin.py)."""

    default = False  # named in INSTALLED_APPS; the portal app's own config is PortalConfig
    default_site = "portal.admin.PortalAdminSite"
