"""Signing keys: the newest unretired key signs, retired keys stay in /jwk for a grace period
so that relying parties can still verify tokens signed just before a rotation."""

from __future__ import annotations

import datetime
import json
import secrets
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import transaction
from django.db.models import Q
from jwt.algorithms import RSAAlgorithm

from emulator.clock import now
from emulator.models import SigningKey


def _new_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


@lru_cache(maxsize=16)
def private_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("signing keys are RSA keys")
    return key


def signing_key_create() -> SigningKey:
    return SigningKey.objects.create(
        kid=secrets.token_urlsafe(16), private_key_pem=_new_private_key_pem(), created_at=now()
    )


def signing_key_current() -> SigningKey:
    key = SigningKey.objects.filter(retired_at__isnull=True).first()
    return key or signing_key_create()


def signing_key_rotate(*, grace: datetime.timedelta) -> SigningKey:
    """Retire the signing key(s), keep publishing them for `grace`, and sign with a new key."""
    moment = now()
    with transaction.atomic():
        SigningKey.objects.filter(retired_at__isnull=True).update(
            retired_at=moment, published_until=moment + grace
        )
        return signing_key_create()


def signing_keys_published() -> list[SigningKey]:
    return list(
        SigningKey.objects.filter(Q(retired_at__isnull=True) | Q(published_until__gt=now()))
    )


def public_jwk(key: SigningKey) -> dict[str, str]:
    jwk = json.loads(RSAAlgorithm.to_jwk(private_key(key.private_key_pem).public_key()))
    # `use` only: RFC 7517 4.3 says `use` and `key_ops` SHOULD NOT be used together.
    jwk.pop("key_ops", None)
    return {**jwk, "kid": key.kid, "use": "sig", "alg": "RS256"}


def jwks() -> dict[str, list[dict[str, str]]]:
    return {"keys": [public_jwk(key) for key in signing_keys_published()]}
