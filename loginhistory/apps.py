from __future__ import annotations

from django.apps import AppConfig


class LoginHistoryConfig(AppConfig):
    name = "loginhistory"
    verbose_name = "Login history"

    def ready(self) -> None:
        from idporten.signals import session_ended
        from loginhistory.receivers import history_forgotten_with_its_session

        session_ended.connect(
            history_forgotten_with_its_session, dispatch_uid="loginhistory-forgotten-with-session"
        )
