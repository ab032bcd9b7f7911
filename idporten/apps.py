from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class IdPortenConfig(AppConfig):
    name = "idporten"
    verbose_name = "ID-porten"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from idporten.backend import user_cache_forget

        user_model = get_user_model()
        post_save.connect(user_cache_forget, sender=user_model, dispatch_uid="idporten-user-saved")
        post_delete.connect(user_cache_forget, sender=user_model, dispatch_uid="idporten-user-gone")
        # A configured certificate that cannot be used is found at start-up, not when the
        # first citizen's badge is looked up.
        from idporten.credentials import (
            CredentialsError,
            enterprise_credentials,
            explicitly_configured,
        )

        if not explicitly_configured():
            return
        if not settings.IDPORTEN_SERVER_CLIENT_ID:
            raise ImproperlyConfigured(
                "IDPORTEN_SERVER_CLIENT_ID must be set when an enterprise certificate is"
            )
        try:
            enterprise_credentials()
        except CredentialsError as exc:
            raise ImproperlyConfigured(str(exc)) from exc
