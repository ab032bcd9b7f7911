"""Production settings that fail closed: Django system checks, one id per rule.

They run with every `manage.py check` (and `check --deploy`), before runserver and migrate, and
when gunicorn loads the portal (portal/wsgi.py, through checked_at_start): an error stops the
process with a message naming the setting, a warning is logged at start.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from idporten.environments import (
    LOCAL_CLIENT_ID,
    LOCAL_CLIENT_SECRET,
    LOCAL_KEYSTORE,
    LOCAL_SERVER_CLIENT_ID,
)

logger = logging.getLogger(__name__)

# The addresses of ID-porten a real environment must reach over TLS.
ID_PORTEN_ADDRESSES = (
    "IDPORTEN_ISSUER",
    "IDPORTEN_AUTHLEVEL_BASE_URL",
    "IDPORTEN_LOGINHISTORY_BASE_URL",
)
LOCAL_PKI = Path(LOCAL_KEYSTORE).parent


def _real_environment() -> bool:
    return bool(settings.IDPORTEN_ENVIRONMENT != "local")


@checks.register(checks.Tags.security)
def environment_named(**kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return []
    if not settings.IDPORTEN_ENVIRONMENT_NAMED:
        return [
            checks.Error(
                "IDPORTEN_ENVIRONMENT must be set when DEBUG is off: without it the portal "
                "would log citizens in at the local emulator.",
                hint="Set IDPORTEN_ENVIRONMENT to test or prod (or prod-old, ver2, yt2); "
                "local only for staging and benchmarks against the emulator.",
                id="portal.E001",
            )
        ]
    if not _real_environment():
        return [
            checks.Warning(
                "IDPORTEN_ENVIRONMENT=local with DEBUG off: logins go to the local emulator at "
                f"{settings.IDPORTEN_ISSUER}, never to ID-porten.",
                hint="For staging and benchmarks only; never in front of real citizens.",
                id="portal.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security)
def id_porten_over_https(**kwargs: Any) -> list[checks.CheckMessage]:
    if not _real_environment():
        return []
    return [
        checks.Error(
            f"{name} must be an https:// address in IDPORTEN_ENVIRONMENT="
            f"{settings.IDPORTEN_ENVIRONMENT}, not {getattr(settings, name)!r}.",
            id="portal.E002",
        )
        for name in ID_PORTEN_ADDRESSES
        if getattr(settings, name) and not str(getattr(settings, name)).startswith("https://")
    ]


def _is_local_keystore(path: str) -> bool:
    return bool(path) and (
        Path(path).name == Path(LOCAL_KEYSTORE).name
        or Path(path).resolve().parent == (Path(settings.BASE_DIR) / LOCAL_PKI).resolve()
    )


@checks.register(checks.Tags.security)
def no_emulator_values(**kwargs: Any) -> list[checks.CheckMessage]:
    if not _real_environment():
        return []
    found: Sequence[tuple[str, bool]] = (
        ("IDPORTEN_CLIENT_ID", settings.IDPORTEN_CLIENT_ID == LOCAL_CLIENT_ID),
        ("IDPORTEN_CLIENT_SECRET", settings.IDPORTEN_CLIENT_SECRET == LOCAL_CLIENT_SECRET),
        ("IDPORTEN_SERVER_CLIENT_ID", settings.IDPORTEN_SERVER_CLIENT_ID == LOCAL_SERVER_CLIENT_ID),
        ("IDPORTEN_KEYSTORE_PATH", _is_local_keystore(settings.IDPORTEN_KEYSTORE_PATH)),
    )
    return [
        checks.Error(
            f"{name} is the local emulator's, which IDPORTEN_ENVIRONMENT="
            f"{settings.IDPORTEN_ENVIRONMENT} never accepts.",
            hint="Use the values ID-porten registered for the agency.",
            id="portal.E003",
        )
        for name, is_emulators in found
        if is_emulators
    ]


@checks.register(checks.Tags.database)
def postgresql_in_production(**kwargs: Any) -> list[checks.CheckMessage]:
    engine = settings.DATABASES["default"]["ENGINE"]
    if settings.DEBUG or engine == "django.db.backends.postgresql":
        return []
    return [
        checks.Error(
            "DATABASE_URL must name a PostgreSQL database when DEBUG is off: SQLite refuses "
            'concurrent logins ("database is locked").',
            hint="DATABASE_URL=postgres://user:password@host:5432/dbname",
            id="portal.E004",
        )
    ]


@checks.register(checks.Tags.caches)
def shared_cache_in_production(**kwargs: Any) -> list[checks.CheckMessage]:
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or not backend.endswith("LocMemCache"):
        return []
    return [
        checks.Warning(
            "REDIS_URL is not set: each process keeps its own cache, so histories, server "
            "tokens and discovery are fetched once per process.",
            hint="Set REDIS_URL when running more than one process.",
            id="portal.W002",
        )
    ]


@checks.register(checks.Tags.security)
def admin_reachable(**kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.ADMIN_ENABLED or settings.ADMIN_PIDS:
        return []
    return [
        checks.Warning(
            "ADMIN_ENABLED is on but ADMIN_PIDS is empty: nobody can use the admin.",
            hint="List the administrators' national identity numbers in ADMIN_PIDS.",
            id="portal.W003",
        )
    ]


def checked_at_start() -> None:
    """Every check, the deployment ones included, before the first request: errors stop the
    process (ImproperlyConfigured naming the settings), warnings are logged."""
    messages = checks.run_checks(include_deployment_checks=not settings.DEBUG)
    errors = [message for message in messages if message.is_serious()]
    for message in messages:
        if not message.is_serious() and not message.is_silenced():
            logger.warning("event=system_check id=%s message=%s", message.id, message.msg)
    if errors:
        raise ImproperlyConfigured("; ".join(f"{message.id}: {message.msg}" for message in errors))
