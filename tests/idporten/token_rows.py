"""Reading and ageing the token store's rows in tests, as only idporten.session does in code."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from idporten.models import LoginTokens
from idporten.sealing import unseal
from idporten.session import TOKENS_KEY


def row_of(session: SessionBase) -> LoginTokens:
    return LoginTokens.objects.get(pk=session[TOKENS_KEY])


def tokens_of(session: SessionBase) -> dict[str, Any]:
    return unseal(row_of(session).sealed)


def expire_access_token(session: SessionBase, *, seconds_left: float = 0) -> None:
    """As if the access token were `seconds_left` from its end."""
    LoginTokens.objects.filter(pk=session[TOKENS_KEY]).update(
        access_expires_at=timezone.now() + timezone.timedelta(seconds=seconds_left)
    )
