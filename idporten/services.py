"""Writes of the ID-porten integration."""

from __future__ import annotations

import datetime
from importlib import import_module

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from idporten.models import SessionBySid, UsedLogoutToken
from idporten.session import tokens_forget_for_sid
from idporten.signals import session_ended


def session_sid_record(*, sid: str, session_key: str) -> None:
    SessionBySid.objects.update_or_create(session_key=session_key, defaults={"sid": sid})


def sessions_end_for_sid(*, sid: str) -> int:
    """End every portal session logged in through this ID-porten session, and their tokens;
    returns how many sessions. session_ended goes out for each, so that the apps above can
    forget what they keep per session (the cached login history)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(SessionBySid.objects.filter(sid=sid).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    SessionBySid.objects.filter(session_key__in=keys).delete()
    tokens_forget_for_sid(sid)
    for key in keys:
        session_ended.send(sender=SessionBySid, session_key=key)
    return len(keys)


def session_sid_forget(*, session_key: str | None) -> None:
    if session_key:
        SessionBySid.objects.filter(session_key=session_key).delete()


def logout_token_spend(*, jti: str, keep_until: datetime.datetime) -> bool:
    """Record a back-channel logout token's jti as used; False if it was used before. The
    database's unique constraint decides, so every process and thread agrees on which of two
    concurrent uses is the first. Rows past their time are pruned on the way."""
    UsedLogoutToken.objects.filter(expires_at__lte=timezone.now()).delete()
    try:
        with transaction.atomic():
            UsedLogoutToken.objects.create(jti=jti, expires_at=keep_until)
    except IntegrityError:
        return False
    return True
