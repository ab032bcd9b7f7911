"""A circuit breaker per upstream: while ID-porten keeps failing, stop calling it for a while.

Each failure to get a sensible answer (no answer, a 5xx, a body past the size limit) counts
for FAILURE_WINDOW seconds; FAILURES_TO_OPEN of them open the circuit for COOL_DOWN seconds,
during which calls fail at once (IdPortenUnavailable) and the page shows its degraded part
without waiting on a timeout. Then calls go through again, and the next failures count anew.
The counts live in the Django cache, so with Redis every process agrees; without it each
process has its own (portal.W002 says so at start).
"""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

FAILURES_TO_OPEN = 3
FAILURE_WINDOW = 30
COOL_DOWN = 15


def _keys(upstream: str) -> tuple[str, str]:
    name = upstream.replace(" ", "-")
    return f"idporten:breaker:{name}:failures", f"idporten:breaker:{name}:open"


def circuit_open(upstream: str) -> bool:
    return bool(cache.get(_keys(upstream)[1]))


def failure_record(upstream: str) -> None:
    failures, open_key = _keys(upstream)
    cache.add(failures, 0, FAILURE_WINDOW)
    try:
        count = cache.incr(failures)
    except ValueError:  # expired between add and incr
        cache.add(failures, 1, FAILURE_WINDOW)
        count = 1
    if count >= FAILURES_TO_OPEN:
        cache.set(open_key, True, COOL_DOWN)
        cache.delete(failures)
        logger.error(
            "event=circuit_opened upstream=%s failures=%d cool_down=%d",
            upstream.replace(" ", "_"),
            count,
            COOL_DOWN,
        )
