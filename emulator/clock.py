"""The emulator's one clock. Tests shift it (POST /_emulator/clock) to expire SSO sessions,
codes and refresh tokens without sleeping, so every time the emulator reads goes through now().

The offset lives in the database (the control API and the views may run in different
processes), and a token request reads the clock several times. clock_middleware keeps the
offset read once for the request being answered: the next request reads it again, so a change
through the control API takes effect from the next request on. Outside a request (management
commands, the shell) every read goes to the database.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from emulator.models import ClockOffset


@dataclass
class _RequestOffset:
    """The offset as read for one request; None until the request first reads the clock."""

    seconds: float | None = None


# A context variable, not a module global: runserver and gunicorn's threads answer requests at
# the same time, each in its own context.
_request_offset: ContextVar[_RequestOffset | None] = ContextVar(
    "emulator_clock_request_offset", default=None
)


def clock_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Read the clock offset at most once per request."""

    def middleware(request: HttpRequest) -> HttpResponse:
        token = _request_offset.set(_RequestOffset())
        try:
            return get_response(request)
        finally:
            _request_offset.reset(token)

    return middleware


def clock_offset() -> float:
    memo = _request_offset.get()
    if memo is not None and memo.seconds is not None:
        return memo.seconds
    row = ClockOffset.objects.filter(pk=1).first()
    seconds = row.seconds if row else 0.0
    if memo is not None:
        memo.seconds = seconds
    return seconds


def clock_set_offset(*, seconds: float) -> None:
    ClockOffset.objects.update_or_create(pk=1, defaults={"seconds": seconds})
    # The request that sets the clock (the control API answers with the new time) sees it too.
    memo = _request_offset.get()
    if memo is not None:
        memo.seconds = seconds


def now() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=clock_offset())


def epoch(moment: datetime.datetime) -> int:
    return int(moment.timestamp())
