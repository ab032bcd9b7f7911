"""The settings helpers refuse bad values loudly, naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from common.env import (
    database_from_url,
    envbool,
    envchoice,
    envfloat,
    envint,
    envlist,
    envsecret,
    envurl,
)


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("Off", False)])
def test_envbool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert envbool("FLAG", not expected) is expected


def test_envbool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert envbool("FLAG", True) is True


def test_envbool_rejects_anything_else(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        envbool("FLAG", False)


def test_envint_rejects_text_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="COUNT must be a whole number"):
        envint("COUNT", 1)
    monkeypatch.setenv("COUNT", "-1")
    with pytest.raises(ImproperlyConfigured, match="COUNT must be at least 0"):
        envint("COUNT", 1, minimum=0)
    monkeypatch.setenv("COUNT", "7")
    assert envint("COUNT", 1, minimum=0) == 7


def test_envfloat_rejects_text_and_negative_values(monkeypatch):
    monkeypatch.setenv("SECONDS", "soon")
    with pytest.raises(ImproperlyConfigured, match="SECONDS"):
        envfloat("SECONDS", 1.0)
    monkeypatch.setenv("SECONDS", "-0.5")
    with pytest.raises(ImproperlyConfigured, match="SECONDS must be at least 0"):
        envfloat("SECONDS", 1.0)
    monkeypatch.setenv("SECONDS", "2.5")
    assert envfloat("SECONDS", 1.0) == 2.5


def test_envlist_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , ,b.example")
    assert envlist("HOSTS", []) == ["a.example", "b.example"]


def test_envchoice_rejects_unknown_values(monkeypatch):
    monkeypatch.setenv("MODE", "prod")
    with pytest.raises(ImproperlyConfigured, match="MODE must be one of dev, test"):
        envchoice("MODE", "dev", ("dev", "test"))


def test_envurl_rejects_a_url_without_http_scheme(monkeypatch):
    monkeypatch.setenv("ISSUER", "idporten.no")
    with pytest.raises(ImproperlyConfigured, match="ISSUER must be an http"):
        envurl("ISSUER", "https://example.org")


def test_envsecret_prefers_a_mounted_file(monkeypatch, tmp_path: Path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-file\n")
    monkeypatch.setenv("TOKEN", "from-variable")
    monkeypatch.setenv("TOKEN_FILE", str(secret_file))
    assert envsecret("TOKEN") == "from-file"


def test_envsecret_names_an_unreadable_file(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="TOKEN_FILE"):
        envsecret("TOKEN")


def test_database_url_for_postgresql(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("DB_URL", "postgres://app:p%40ss@db.internal:5433/portal?sslmode=require")
    config = database_from_url("DB_URL", tmp_path / "x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("portal", "app", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "5433")
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_database_url_defaults_to_sqlite(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("DB_URL", raising=False)
    config = database_from_url("DB_URL", tmp_path / "x.sqlite3")
    assert config == {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "x.sqlite3")}


@pytest.mark.parametrize("raw", ["mysql://host/db", "postgres://host/"])
def test_database_url_rejects_unknown_schemes_and_missing_names(monkeypatch, tmp_path, raw):
    monkeypatch.setenv("DB_URL", raw)
    with pytest.raises(ImproperlyConfigured, match="DB_URL"):
        database_from_url("DB_URL", tmp_path / "x.sqlite3")
