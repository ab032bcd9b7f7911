"""The enterprise certificate: read from PKCS#12 or PEM, and a clear start-up error naming
the setting when a configured one cannot be used."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from idporten.credentials import enterprise_credentials
from tests.authlevel.credentials import make_keystore
from tests.portal.test_settings import manage, production_with


def test_a_pkcs12_keystore_gives_the_key_and_the_chain(settings, tmp_path):
    key = make_keystore(tmp_path / "a.p12", "pw-one")
    settings.IDPORTEN_KEYSTORE_PATH = str(tmp_path / "a.p12")
    settings.IDPORTEN_KEYSTORE_PASSWORD = "pw-one"
    credentials = enterprise_credentials()
    assert credentials.private_key.private_numbers() == key.private_numbers()
    assert len(credentials.x5c) == 1


def test_pem_files_work_as_well(settings, tmp_path):
    make_keystore(tmp_path / "b.p12", "pw-two")
    key, certificate, _ = pkcs12.load_key_and_certificates(
        (tmp_path / "b.p12").read_bytes(), b"pw-two"
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"pw-two"),
        )
    )
    settings.IDPORTEN_CERTIFICATE_PATH = str(tmp_path / "cert.pem")
    settings.IDPORTEN_PRIVATE_KEY_PATH = str(tmp_path / "key.pem")
    settings.IDPORTEN_KEYSTORE_PASSWORD = "pw-two"
    assert enterprise_credentials().private_key.key_size == 2048


def start(**env: str):
    """`manage.py check` as a staging deployment against the emulator runs it."""
    staging = production_with(
        IDPORTEN_ENVIRONMENT="local", IDPORTEN_CLIENT_ID="", IDPORTEN_CLIENT_SECRET=""
    )
    return manage("check", **{**staging, **env})


def test_a_missing_keystore_stops_start_up_naming_the_setting(tmp_path):
    result = start(IDPORTEN_KEYSTORE_PATH=str(tmp_path / "missing.p12"))
    assert result.returncode != 0
    assert "IDPORTEN_KEYSTORE_PATH: cannot read" in result.stderr


def test_a_wrong_password_stops_start_up_naming_the_setting(tmp_path):
    make_keystore(tmp_path / "c.p12", "right")
    result = start(IDPORTEN_KEYSTORE_PATH=str(tmp_path / "c.p12"), IDPORTEN_KEYSTORE_PASSWORD="x")
    assert result.returncode != 0
    assert "IDPORTEN_KEYSTORE_PASSWORD: " in result.stderr
    assert "wrong password" in result.stderr


def test_a_certificate_without_its_key_stops_start_up(tmp_path):
    result = start(IDPORTEN_CERTIFICATE_PATH=str(tmp_path / "cert.pem"))
    assert result.returncode != 0
    assert "IDPORTEN_PRIVATE_KEY_PATH" in result.stderr


def test_a_good_keystore_from_a_mounted_password_file_starts(tmp_path):
    make_keystore(tmp_path / "d.p12", "from-file")
    (tmp_path / "password").write_text("from-file\n")
    result = start(
        IDPORTEN_KEYSTORE_PATH=str(tmp_path / "d.p12"),
        IDPORTEN_KEYSTORE_PASSWORD_FILE=str(tmp_path / "password"),
    )
    assert result.returncode == 0, result.stderr
