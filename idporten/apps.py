from __future__ import annotations

from django.apps import AppConfig


class IdPortenConfig(AppConfig):
    name = "idporten"
    verbose_name = "ID-porten"
