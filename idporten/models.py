from __future__ import annotations

from django.db import models


class SessionBySid(models.Model):
    """Which portal session belongs to which ID-porten session (`sid`), written at login.

    Front-channel logout names only the sid; this index finds the sessions to end without
    scanning every session in the database.
    """

    sid = models.CharField(max_length=200, db_index=True)
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sid
