"""The agency's enterprise certificate ("virksomhetssertifikat") for the JWT grant.

From a password-protected PKCS#12 keystore (IDPORTEN_KEYSTORE_PATH and
IDPORTEN_KEYSTORE_PASSWORD, or IDPORTEN_KEYSTORE_PASSWORD_FILE for a mounted secret), or from PEM
files (IDPORTEN_CERTIFICATE_PATH with the chain, leaf first, and IDPORTEN_PRIVATE_KEY_PATH).
In the local environment the default is the keystore the emulator's test PKI writes at
`make run`, with its password in the file beside it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings


class CredentialsError(Exception):
    """The configured certificate cannot be used; `setting` names the variable to fix."""

    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(f"{setting}: {reason}")
        self.setting = setting


@dataclass(frozen=True)
class EnterpriseCredentials:
    private_key: RSAPrivateKey
    # The certificate chain as the JWT header's x5c wants it: base64 DER, leaf first.
    x5c: tuple[str, ...]


def _x5c(certificates: list[x509.Certificate]) -> tuple[str, ...]:
    return tuple(
        base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")
        for cert in certificates
    )


def _read(setting: str, path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CredentialsError(setting, f"cannot read {path}: {exc.strerror}") from None


def _from_pkcs12(path: str, password: str, password_setting: str) -> EnterpriseCredentials:
    data = _read("IDPORTEN_KEYSTORE_PATH", path)
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(data, password.encode())
    except ValueError:
        raise CredentialsError(
            password_setting, f"{path} cannot be opened: wrong password or not a PKCS#12 file"
        ) from None
    if not isinstance(key, RSAPrivateKey) or certificate is None:
        raise CredentialsError("IDPORTEN_KEYSTORE_PATH", f"{path} holds no RSA key and certificate")
    return EnterpriseCredentials(private_key=key, x5c=_x5c([certificate, *extra]))


def _from_pem(certificate_path: str, key_path: str, password: str) -> EnterpriseCredentials:
    try:
        chain = x509.load_pem_x509_certificates(
            _read("IDPORTEN_CERTIFICATE_PATH", certificate_path)
        )
    except ValueError:
        raise CredentialsError("IDPORTEN_CERTIFICATE_PATH", "not PEM certificates") from None
    try:
        key = serialization.load_pem_private_key(
            _read("IDPORTEN_PRIVATE_KEY_PATH", key_path), password.encode() or None
        )
    except (ValueError, TypeError):
        raise CredentialsError(
            "IDPORTEN_PRIVATE_KEY_PATH", "not a PEM private key, or the wrong password"
        ) from None
    if not isinstance(key, RSAPrivateKey):
        raise CredentialsError("IDPORTEN_PRIVATE_KEY_PATH", "not an RSA key")
    return EnterpriseCredentials(private_key=key, x5c=_x5c(chain))


def explicitly_configured() -> bool:
    return bool(settings.IDPORTEN_KEYSTORE_PATH or settings.IDPORTEN_CERTIFICATE_PATH)


@cache
def _load(
    keystore: str, password: str, certificate: str, private_key: str, local_default: str
) -> EnterpriseCredentials | None:
    if keystore:
        return _from_pkcs12(keystore, password, "IDPORTEN_KEYSTORE_PASSWORD")
    if certificate or private_key:
        if not (certificate and private_key):
            missing = "IDPORTEN_PRIVATE_KEY_PATH" if certificate else "IDPORTEN_CERTIFICATE_PATH"
            raise CredentialsError(missing, "the certificate and the key are set together")
        return _from_pem(certificate, private_key, password)
    if local_default and Path(local_default).exists():
        password_file = Path(local_default).with_suffix(".password")
        local_password = password or password_file.read_text(encoding="ascii").strip()
        return _from_pkcs12(local_default, local_password, "IDPORTEN_KEYSTORE_PASSWORD")
    return None


def enterprise_credentials() -> EnterpriseCredentials | None:
    """The certificate and key, or None when none is configured (or, locally, not made yet).

    Raises CredentialsError when what is configured cannot be used."""
    return _load(
        settings.IDPORTEN_KEYSTORE_PATH,
        settings.IDPORTEN_KEYSTORE_PASSWORD,
        settings.IDPORTEN_CERTIFICATE_PATH,
        settings.IDPORTEN_PRIVATE_KEY_PATH,
        settings.IDPORTEN_LOCAL_KEYSTORE_PATH,
    )
