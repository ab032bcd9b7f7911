"""PKCE (RFC 7636), S256 only, as ID-porten (docs/idporten.md 3.2)."""

from __future__ import annotations

import hashlib
import hmac
import re

from emulator.jose import b64url

# RFC 7636 4.1: 43 to 128 characters of the unreserved set; the S256 challenge is 43 characters
# of base64url without padding.
_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
_CHALLENGE = re.compile(r"^[A-Za-z0-9\-_]{43}$")


def pkce_verifier_is_well_formed(verifier: str) -> bool:
    return bool(_VERIFIER.match(verifier))


def pkce_challenge_is_well_formed(challenge: str) -> bool:
    return bool(_CHALLENGE.match(challenge))


def pkce_s256_matches(*, verifier: str, challenge: str) -> bool:
    computed = b64url(hashlib.sha256(verifier.encode("ascii")).digest())
    return hmac.compare_digest(computed, challenge)
