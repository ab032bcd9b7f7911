"""The emulator's test PKI: a test CA and enterprise certificates ("virksomhetssertifikat").

ID-porten's JWT grant takes assertions signed with a Buypass or Commfides enterprise certificate
with key usage digitalSignature (docs/idporten.md 1.5 and 4). Neither issuer's test chain can be
reached from a laptop or CI, so the emulator issues look-alikes from a CA of its own and trusts
only that CA. Nothing here touches the database or Django settings: the management command, the
grant and the tests all call these functions with a directory.

How the organisation number sits in the subject: Buypass and Commfides put the nine digits in
the subject's serialNumber attribute (2.5.4.5, "SERIALNUMBER=991825827"); certificates under
the newer SEID 2.0 profile carry organizationIdentifier (2.5.4.97) "NTRNO-991825827". Relying
parties such as Digipost's libraries look at both. The emulator writes both and reads both.
"""

from __future__ import annotations

import datetime
import os
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

CA_CERTIFICATE_FILE = "test-ca.pem"
CA_KEY_FILE = "test-ca-key.pem"
CA_NAME = "Local ID-porten emulator test CA"
CA_LIFETIME = datetime.timedelta(days=10 * 365)
CERTIFICATE_LIFETIME = datetime.timedelta(days=365)
# The SEID 2.0 form of the organisation number: "NTRNO-" and the nine digits.
SEID2_ORGNO_PREFIX = "NTRNO-"
_ORGNO = re.compile(r"[0-9]{9}")
# Certificates are backdated a little so that a clock a few seconds behind still accepts them.
_BACKDATE = datetime.timedelta(minutes=5)


class ChainError(Exception):
    """The x5c chain is not acceptable; `reason` says which check failed."""

    def __init__(self, reason: str, description: str) -> None:
        super().__init__(description)
        self.reason = reason
        self.description = description


UNTRUSTED = "untrusted"
EXPIRED = "expired"


@dataclass(frozen=True)
class Issued:
    """A certificate and its private key."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


@dataclass(frozen=True)
class Subscriber:
    """Who an enterprise certificate is for: a registered client of the JWT grant."""

    client_id: str
    orgno: str
    organisation_name: str


KEY_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)


def key_usage(*usages: str) -> x509.KeyUsage:
    """A keyUsage extension with exactly these usages (names as in KEY_USAGES)."""
    unknown = set(usages) - set(KEY_USAGES)
    if unknown:
        raise ValueError(f"unknown key usages: {', '.join(sorted(unknown))}")
    return x509.KeyUsage(**{name: name in usages for name in KEY_USAGES})


# "key usage: Digital Signature" (docs/idporten.md 1.5), and nothing else.
DIGITAL_SIGNATURE_ONLY = key_usage("digital_signature")
CA_KEY_USAGE = key_usage("key_cert_sign", "crl_sign")


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _issue(
    *,
    subject: x509.Name,
    issuer: Issued | None,
    not_before: datetime.datetime | None,
    lifetime: datetime.timedelta,
    usage: x509.KeyUsage,
) -> Issued:
    """A new key and its certificate, signed by `issuer`, or self-signed without one."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start = not_before or _utcnow() - _BACKDATE
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + lifetime)
        # Only a certificate that may sign certificates is a CA.
        .add_extension(x509.BasicConstraints(ca=usage.key_cert_sign, path_length=None), True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False
        )
    return Issued(key, builder.sign(issuer.key if issuer else key, hashes.SHA256()))


def ca_create(
    *,
    common_name: str = CA_NAME,
    issuer: Issued | None = None,
    not_before: datetime.datetime | None = None,
    lifetime: datetime.timedelta = CA_LIFETIME,
) -> Issued:
    """A CA certificate: self-signed (a root) without `issuer`, an intermediate with one."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NO"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Local ID-porten emulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    return _issue(
        subject=subject, issuer=issuer, not_before=not_before, lifetime=lifetime, usage=CA_KEY_USAGE
    )


def enterprise_certificate_issue(
    *,
    issuer: Issued,
    orgno: str,
    organisation_name: str,
    not_before: datetime.datetime | None = None,
    lifetime: datetime.timedelta = CERTIFICATE_LIFETIME,
    usage: x509.KeyUsage = DIGITAL_SIGNATURE_ONLY,
) -> Issued:
    """An enterprise certificate shaped like Buypass's and Commfides's: O and CN are the
    organisation's name, serialNumber and organizationIdentifier its organisation number."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NO"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation_name),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, SEID2_ORGNO_PREFIX + orgno),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation_name} TEST"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, orgno),
        ]
    )
    return _issue(
        subject=subject, issuer=issuer, not_before=not_before, lifetime=lifetime, usage=usage
    )


def certificate_orgno(certificate: x509.Certificate) -> str | None:
    """The organisation number in the subject, or None when it is missing or ambiguous."""
    found: set[str] = set()
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        found.add(str(attribute.value))
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER):
        found.add(str(attribute.value).removeprefix(SEID2_ORGNO_PREFIX))
    if len(found) != 1:
        return None
    (orgno,) = found
    return orgno if _ORGNO.fullmatch(orgno) else None


def _key_usage(certificate: x509.Certificate) -> x509.KeyUsage | None:
    try:
        return certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None


def has_digital_signature_usage(certificate: x509.Certificate) -> bool:
    usage = _key_usage(certificate)
    return usage is not None and usage.digital_signature


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    usage = _key_usage(certificate)
    return constraints.ca and (usage is None or usage.key_cert_sign)


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _path_to(
    chain: Sequence[x509.Certificate], trusted: x509.Certificate
) -> list[x509.Certificate]:
    """The path leaf, intermediates..., trusted CA, or ChainError when there is none."""
    path = [chain[0]]
    candidates = list(chain[1:])
    # Each step uses one more certificate, so the walk ends within len(chain) steps.
    for _ in range(len(chain)):
        current = path[-1]
        if _issued_by(current, trusted):
            return [*path, trusted]
        issuer = next((c for c in candidates if _is_ca(c) and _issued_by(current, c)), None)
        if issuer is None:
            break
        candidates.remove(issuer)
        path.append(issuer)
    raise ChainError(UNTRUSTED, "the certificate chain does not lead to a trusted CA")


def chain_verify(
    chain: Sequence[x509.Certificate], *, trusted: x509.Certificate, at: datetime.datetime
) -> x509.Certificate:
    """Check that `chain` (leaf first) leads to the trusted CA, every link signed by a CA
    certificate, and every certificate on the path valid at `at`; returns the leaf."""
    if not chain:
        raise ChainError(UNTRUSTED, "the certificate chain is empty")
    if not _is_ca(trusted):
        raise ChainError(UNTRUSTED, "the trusted certificate is not a CA")
    for certificate in _path_to(chain, trusted):
        if not certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc:
            raise ChainError(
                EXPIRED,
                f"the certificate {certificate.subject.rfc4514_string()} is valid from "
                f"{certificate.not_valid_before_utc:%Y-%m-%dT%H:%M:%SZ} to "
                f"{certificate.not_valid_after_utc:%Y-%m-%dT%H:%M:%SZ}, not at "
                f"{at:%Y-%m-%dT%H:%M:%SZ}",
            )
    return chain[0]


# --- Files -----------------------------------------------------------------------------


def _write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read, replacing any old one in one step."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def _certificate_pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def pkcs12_path(directory: Path, client_id: str) -> Path:
    return directory / f"{client_id}.p12"


def password_path(directory: Path, client_id: str) -> Path:
    return directory / f"{client_id}.password"


def trusted_ca_load(directory: Path) -> x509.Certificate | None:
    """The test CA the JWT grant trusts, read afresh so a re-created PKI is used at once."""
    try:
        return x509.load_pem_x509_certificate((directory / CA_CERTIFICATE_FILE).read_bytes())
    except (OSError, ValueError):
        return None


def ca_load(directory: Path) -> Issued | None:
    """The test CA with its key, to issue certificates from; None when there is none."""
    certificate = trusted_ca_load(directory)
    try:
        key = serialization.load_pem_private_key(
            (directory / CA_KEY_FILE).read_bytes(), password=None
        )
    except (OSError, ValueError):
        return None
    if certificate is None or not isinstance(key, rsa.RSAPrivateKey):
        return None
    return Issued(key, certificate)


def _ca_save(directory: Path, ca: Issued) -> None:
    _write_private(directory / CA_CERTIFICATE_FILE, _certificate_pem(ca.certificate))
    _write_private(
        directory / CA_KEY_FILE,
        ca.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def pkcs12_bytes(issued: Issued, *, ca: x509.Certificate, name: str, password: str) -> bytes:
    """A password-protected PKCS#12 file with the key, the certificate and the CA, the way
    Buypass and Commfides deliver enterprise certificates."""
    return pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"),
        issued.key,
        issued.certificate,
        [ca],
        serialization.BestAvailableEncryption(password.encode("utf-8")),
    )


@dataclass(frozen=True)
class PkiPlan:
    directory: Path
    new_ca: bool
    certificates: tuple[Subscriber, ...]


def pki_plan(*, directory: Path, subscribers: Iterable[Subscriber], force: bool) -> PkiPlan:
    """What pki_apply would create: everything with `force` or without a usable CA, otherwise
    only the certificates that are missing."""
    new_ca = force or ca_load(directory) is None
    wanted = tuple(
        subscriber
        for subscriber in subscribers
        if new_ca
        or not pkcs12_path(directory, subscriber.client_id).is_file()
        or not password_path(directory, subscriber.client_id).is_file()
    )
    return PkiPlan(directory, new_ca, wanted)


def pki_apply(plan: PkiPlan) -> None:
    directory = plan.directory
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if plan.new_ca:
        _ca_save(directory, ca_create())
    ca = ca_load(directory)
    if ca is None:
        raise RuntimeError(f"the test CA in {directory} cannot be read")
    for subscriber in plan.certificates:
        issued = enterprise_certificate_issue(
            issuer=ca, orgno=subscriber.orgno, organisation_name=subscriber.organisation_name
        )
        password = secrets.token_urlsafe(24)
        data = pkcs12_bytes(issued, ca=ca.certificate, name=subscriber.client_id, password=password)
        _write_private(password_path(directory, subscriber.client_id), password.encode("ascii"))
        _write_private(pkcs12_path(directory, subscriber.client_id), data)
