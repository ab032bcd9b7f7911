from __future__ import annotations

from django.apps import AppConfig


class CaseworkerConfig(AppConfig):
    name = "caseworker"
    verbose_name = "Caseworker preview"
