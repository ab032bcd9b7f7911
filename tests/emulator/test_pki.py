"""`emulator_pki`: the test CA and the PKCS#12 enterprise certificates of the JWT grant.

The command runs in a subprocess with the emulator's settings, a scratch database holding the
registry of clients.json, and a scratch EMULATOR_PKI_DIR, as `make run` would run it.
"""

from __future__ import annotations

import datetime
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from emulator.pki import certificate_orgno, key_usage
from tests.emulator.emulator_db import EmulatorDatabase, migrated_sqlite, sqlite_copy

SERVER = "local-min-innloggingshistorikk-server"
FILES = {"test-ca.pem", "test-ca-key.pem", f"{SERVER}.p12", f"{SERVER}.password"}


@pytest.fixture(scope="module")
def registry_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated emulator database with clients.json loaded, copied for each test."""
    database, path = migrated_sqlite(tmp_path_factory.mktemp("pki-db"))
    database.manage(
        "shell",
        "--command",
        "from django.conf import settings\n"
        "from emulator.services import clients_load_file\n"
        "clients_load_file(path=settings.EMULATOR_CLIENTS_FILE)",
    )
    return path


@pytest.fixture
def pki_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "pki"
    monkeypatch.setenv("EMULATOR_PKI_DIR", str(directory))
    return directory


@pytest.fixture
def database(registry_template: Path, tmp_path: Path, pki_dir: Path) -> EmulatorDatabase:
    return sqlite_copy(registry_template, tmp_path)


def _contents(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in directory.iterdir()}


def _open_pkcs12(
    directory: Path, password: bytes | None = None
) -> tuple[x509.Certificate, list[x509.Certificate]]:
    if password is None:
        password = (directory / f"{SERVER}.password").read_bytes()
    key, certificate, additional = pkcs12.load_key_and_certificates(
        (directory / f"{SERVER}.p12").read_bytes(), password
    )
    assert key is not None and certificate is not None
    return certificate, additional


def _ca(directory: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate((directory / "test-ca.pem").read_bytes())


def test_it_writes_the_ca_and_a_pkcs12_for_the_server_client_only_its_owner_reads(
    database: EmulatorDatabase, pki_dir: Path
) -> None:
    database.manage("emulator_pki")

    # The portal's login client and the NAV demo client use secrets: no certificate for them.
    assert {path.name for path in pki_dir.iterdir()} == FILES
    assert stat.S_IMODE(pki_dir.stat().st_mode) == 0o700
    for path in pki_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_a_second_run_changes_nothing(database: EmulatorDatabase, pki_dir: Path) -> None:
    database.manage("emulator_pki")
    before = _contents(pki_dir)

    output = database.manage("emulator_pki")

    assert _contents(pki_dir) == before
    assert "complete" in output


def test_force_renews_the_ca_and_every_certificate(
    database: EmulatorDatabase, pki_dir: Path
) -> None:
    database.manage("emulator_pki")
    before = _contents(pki_dir)

    database.manage("emulator_pki", "--force")

    after = _contents(pki_dir)
    assert set(after) == FILES
    assert all(after[name] != before[name] for name in FILES)
    certificate, _ = _open_pkcs12(pki_dir)
    certificate.verify_directly_issued_by(_ca(pki_dir))


def test_a_missing_certificate_is_issued_again_by_the_same_ca(
    database: EmulatorDatabase, pki_dir: Path
) -> None:
    database.manage("emulator_pki")
    ca_before = (pki_dir / "test-ca.pem").read_bytes()
    (pki_dir / f"{SERVER}.p12").unlink()

    database.manage("emulator_pki")

    assert (pki_dir / "test-ca.pem").read_bytes() == ca_before
    certificate, _ = _open_pkcs12(pki_dir)
    certificate.verify_directly_issued_by(_ca(pki_dir))


def test_a_dry_run_writes_nothing(database: EmulatorDatabase, pki_dir: Path) -> None:
    output = database.manage("emulator_pki", "--dry-run")

    assert not pki_dir.exists()
    assert "Would create the test CA" in output
    assert f"{SERVER}.p12" in output


def test_the_pkcs12_opens_only_with_its_password(database: EmulatorDatabase, pki_dir: Path) -> None:
    database.manage("emulator_pki")
    data = (pki_dir / f"{SERVER}.p12").read_bytes()

    with pytest.raises((TypeError, ValueError)):
        pkcs12.load_key_and_certificates(data, None)
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(data, b"not-the-password")
    _, additional = _open_pkcs12(pki_dir)
    assert [ca.subject for ca in additional] == [_ca(pki_dir).subject]


def test_the_certificate_names_the_organisation_as_buypass_and_commfides_do(
    database: EmulatorDatabase, pki_dir: Path
) -> None:
    database.manage("emulator_pki")

    certificate, _ = _open_pkcs12(pki_dir)

    subject = certificate.subject
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        "DIGITALISERINGSDIREKTORATET"
    )
    assert subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "991825827"
    assert (
        subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)[0].value
        == "NTRNO-991825827"
    )
    assert certificate_orgno(certificate) == "991825827"
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value == key_usage("digital_signature")
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert lifetime == datetime.timedelta(days=365)
    certificate.verify_directly_issued_by(_ca(pki_dir))


def test_the_ca_is_self_signed_and_constrained_to_be_a_ca(
    database: EmulatorDatabase, pki_dir: Path
) -> None:
    database.manage("emulator_pki")

    ca = _ca(pki_dir)

    ca.verify_directly_issued_by(ca)
    constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    assert ca.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
