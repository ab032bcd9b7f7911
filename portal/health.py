"""Readiness checks: what a load balancer needs to know before sending traffic here."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)


def readiness_problems() -> list[str]:
    """Names of the backing services this process cannot reach; empty when ready."""
    problems = []
    try:
        connections["default"].ensure_connection()
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.error("readiness check failed: database unreachable (%s)", type(exc).__name__)
        problems.append("database unreachable")
    try:
        cache.set("readyz", "ok", timeout=5)
    except Exception as exc:  # Redis client errors do not share a base class with Django's.
        logger.error("readiness check failed: cache unreachable (%s)", type(exc).__name__)
        problems.append("cache unreachable")
    return problems
