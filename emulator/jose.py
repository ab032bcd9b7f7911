"""Compact JWS by hand: the faulty tokens (alg none, HMAC, a broken signature, an unpublished
key) are exactly what a JOSE library refuses to make, so all tokens are built here alike."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from emulator.keys import private_key, signing_keys_published


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _segment(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def signing_input(header: dict[str, Any], payload: dict[str, Any]) -> str:
    return f"{_segment(header)}.{_segment(payload)}"


def rs256_signature(key: rsa.RSAPrivateKey, data: str) -> bytes:
    return key.sign(data.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())


def hs256_signature(secret: str, data: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), data.encode("ascii"), hashlib.sha256).digest()


def rs256_jws(payload: dict[str, Any], *, key: rsa.RSAPrivateKey, kid: str | None) -> str:
    header: dict[str, Any] = {"alg": "RS256", "typ": "JWT"}
    if kid is not None:
        header["kid"] = kid
    data = signing_input(header, payload)
    return f"{data}.{b64url(rs256_signature(key, data))}"


def verified_claims(token: str) -> dict[str, Any] | None:
    """The claims of a token the emulator signed with a published key, else None.

    Expiry is not checked here: the emulator's clock can be shifted, so callers compare `exp`
    with emulator.clock.now() themselves.
    """
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        return None
    for key in signing_keys_published():
        if key.kid != kid:
            continue
        try:
            return jwt.decode(
                token,
                private_key(key.private_key_pem).public_key(),
                algorithms=["RS256"],
                options={"verify_exp": False, "verify_aud": False, "verify_iat": False},
            )
        except jwt.PyJWTError:
            return None
    return None
