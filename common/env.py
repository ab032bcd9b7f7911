"""Typed readers for settings that come from environment variables.

Each helper fails loudly with ImproperlyConfigured naming the variable, so a typo in a
deployment stops the process at start-up instead of silently falling back to a default.
The emulator's settings use the same helpers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from common.nin import InvalidNationalIdentityNumber, parse_national_identity_number

_N = TypeVar("_N", int, float)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    return _envnumber(name, default, int, "a whole number", minimum)


def envfloat(name: str, default: float, *, minimum: float = 0.0) -> float:
    return _envnumber(name, default, float, "a number", minimum)


def _envnumber(
    name: str, default: _N, parse: Callable[[str], _N], kind: str, minimum: _N | None
) -> _N:
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = parse(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be {kind}, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def envnumbers(name: str) -> tuple[str, ...]:
    """Comma-separated national identity numbers, each checked as common.nin checks one."""
    numbers = []
    for raw in envlist(name, []):
        try:
            numbers.append(parse_national_identity_number(raw).value)
        except InvalidNationalIdentityNumber as exc:
            masked = f"{raw[:6]}*****" if len(raw) >= 6 else "(too short)"
            raise ImproperlyConfigured(
                f"{name} holds {masked}, which is not a national identity number ({exc.reason})"
            ) from None
    return tuple(numbers)


def fernet_keys(name: str) -> tuple[str, ...]:
    """Comma-separated Fernet keys (from NAME or NAME_FILE), each checked now, not at first use."""
    from cryptography.fernet import Fernet

    keys = tuple(key.strip() for key in (envsecret(name) or "").split(",") if key.strip())
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: key {position} is not a Fernet key (32 url-safe base64-encoded bytes; "
                "make one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)"
            ) from None
    return keys


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def envsecret(name: str) -> str:
    """Read a secret from NAME_FILE (a mounted secret file) or else from NAME; "" if neither.

    Files win because orchestrators mount secrets as files and leave a stale variable behind.
    """
    path = os.environ.get(f"{name}_FILE", "").strip()
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE points at {path!r}, which cannot be read: {exc.strerror}"
            ) from None
    return os.environ.get(name, "")


def envurl(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"{name} must be an http(s) URL, not {value!r}")
    return value


def database_from_url(name: str, default_sqlite: Path) -> dict[str, object]:
    """Django DATABASES entry from NAME (postgres://user:pass@host:port/db?opt=v), else SQLite."""
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite)}
    parts = urlsplit(raw)
    if parts.scheme in {"postgres", "postgresql"}:
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise ImproperlyConfigured(f"{name} must name a database, as in postgres://host/dbname")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
            # Keep connections between requests; checked before reuse so a restarted
            # database server does not leave us with dead connections.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    if parts.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parts.path) or str(default_sqlite),
        }
    raise ImproperlyConfigured(
        f"{name} must be a postgres:// or sqlite:// URL, not {parts.scheme!r}"
    )
