"""The emulator's one clock. Tests shift it (POST /_emulator/clock) to expire SSO sessions,
codes and refresh tokens without sleeping, so every time the emulator reads goes through now()."""

from __future__ import annotations

import datetime

from django.utils import timezone

from emulator.models import ClockOffset


def clock_offset() -> float:
    row = ClockOffset.objects.filter(pk=1).first()
    return row.seconds if row else 0.0


def clock_set_offset(*, seconds: float) -> None:
    ClockOffset.objects.update_or_create(pk=1, defaults={"seconds": seconds})


def now() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=clock_offset())


def epoch(moment: datetime.datetime) -> int:
    return int(moment.timestamp())
