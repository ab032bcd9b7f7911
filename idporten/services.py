"""Writes of the ID-porten integration."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings

from idporten.models import SessionBySid
from idporten.session import tokens_forget_for_sid


def session_sid_record(*, sid: str, session_key: str) -> None:
    SessionBySid.objects.update_or_create(session_key=session_key, defaults={"sid": sid})


def sessions_end_for_sid(*, sid: str) -> int:
    """End every portal session logged in through this ID-porten session, and their tokens;
    returns how many sessions."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(SessionBySid.objects.filter(sid=sid).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    SessionBySid.objects.filter(session_key__in=keys).delete()
    tokens_forget_for_sid(sid)
    return len(keys)


def session_sid_forget(*, session_key: str | None) -> None:
    if session_key:
        SessionBySid.objects.filter(session_key=session_key).delete()
