"""Django's database session, made to keep the newest ID-porten tokens when it saves
(settings.SESSION_ENGINE points here).

Every request of a logged-in citizen saves its session (the idle timeout's last_seen), the
whole of it, as it loaded it. A request that loaded the session before another request of
the same session refreshed the tokens would write the old, already rotated refresh token
back; the next refresh would replay it, ID-porten refuses a replayed refresh token, and the
citizen would have to log in again. So before it saves, the store looks at what is stored now
and keeps the newer tokens (idporten.session.keep_newer_tokens).
"""

from __future__ import annotations

from django.contrib.sessions.backends import db

from idporten.session import TOKENS_KEY, keep_newer_tokens


class SessionStore(db.SessionStore):
    def save(self, must_create: bool = False) -> None:
        if not must_create and self.session_key and self.get(TOKENS_KEY):
            stored = SessionStore(self.session_key).load()
            keep_newer_tokens(self, stored=stored.get(TOKENS_KEY))
        super().save(must_create)
