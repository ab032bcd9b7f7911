from __future__ import annotations

from django.apps import AppConfig


class LoginHistoryConfig(AppConfig):
    name = "loginhistory"
    verbose_name = "Login history"
