"""Tokens encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256, from cryptography).

The keys come from TOKEN_ENCRYPTION_KEYS, newest first: the first encrypts, every one decrypts,
so a key is rotated by putting a new one in front and dropping the old one once the tokens it
sealed have expired (a login lasts at most IDPORTEN_SESSION_MAX_SECONDS). Without the setting
the key is derived from SECRET_KEY, so rotating SECRET_KEY also ends every stored login.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SealBroken(Exception):
    """Sealed with a key no longer configured, or changed: the tokens are lost."""


@functools.cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(b"idporten tokens at rest\x00" + secret_key.encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.TOKEN_ENCRYPTION_KEYS), settings.SECRET_KEY)


def seal(values: dict[str, Any]) -> bytes:
    return _current().encrypt(json.dumps(values).encode())


def unseal(sealed: bytes | memoryview) -> dict[str, Any]:
    try:
        values: dict[str, Any] = json.loads(_current().decrypt(bytes(sealed)))
    except InvalidToken:
        raise SealBroken("the tokens were sealed with a key no longer configured") from None
    return values
