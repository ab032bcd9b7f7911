from __future__ import annotations

from django.apps import AppConfig


class AuthlevelConfig(AppConfig):
    name = "authlevel"
    verbose_name = "Authentication level"
