from __future__ import annotations

import uuid

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


class LoginTokens(models.Model):
    """One login's tokens, server-side: the session holds only this row's id.

    `sealed` is the access, refresh and ID token together, encrypted (idporten/sealing.py);
    the expiry times stay readable so that no decryption is needed to see a token is stale.
    A refresh locks the row (select_for_update), so however many requests and processes need a
    new token, one of them refreshes and the others use what it stored.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # ID-porten's session: back-channel and front-channel logout end every login of one sid.
    sid = models.CharField(max_length=200, blank=True, db_index=True)
    sealed = models.BinaryField()
    access_expires_at = models.DateTimeField()
    # None when ID-porten did not say (refresh_token_expires_in, docs/idporten.md 8.4).
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    # The login's absolute end (IDPORTEN_SESSION_MAX_SECONDS): prune_session_sids deletes
    # rows past it, whose session has ended in any case.
    ends_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"tokens {self.pk}"


class ServerToken(models.Model):
    """The JWT grant's server token for one scope, shared by every process until it expires."""

    scope = models.CharField(max_length=200, primary_key=True)
    sealed = models.BinaryField(null=True)
    expires_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.scope


class UsedLogoutToken(models.Model):
    """A back-channel logout token's jti already used, kept until the token would be refused
    anyway (too old or expired), so that a replay is refused by every process alike: the
    unique jti makes the second insert fail (idporten.services.logout_token_spend)."""

    jti = models.CharField(max_length=255, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.jti
