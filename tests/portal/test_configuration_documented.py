"""Every environment variable the code reads is in .env.example and in the README's table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["portal/settings.py", "emulator/settings.py", "gunicorn.conf.py"]
# envstr("NAME", ...), envsecret("NAME"), os.environ.get("NAME"), database_from_url("NAME", ...)
READ = re.compile(
    r"""(?:env\w*|environ\.get|database_from_url|fernet_keys)\(\s*"([A-Z][A-Z0-9_]+)"""
)


def variables_read() -> set[str]:
    names: set[str] = set()
    for source in SOURCES:
        names |= set(READ.findall((ROOT / source).read_text()))
    # envsecret("X") also reads X_FILE.
    for source in SOURCES:
        text = (ROOT / source).read_text()
        for name in re.findall(r'(?:envsecret|fernet_keys)\(\s*"([A-Z0-9_]+)"', text):
            names.add(f"{name}_FILE")
    return names


def test_the_scan_finds_the_variables_we_know_of():
    assert {
        "DEBUG",
        "SECRET_KEY",
        "SECRET_KEY_FILE",
        "DATABASE_URL",
        "GUNICORN_BIND",
    } <= variables_read()


def test_every_variable_is_in_env_example():
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert variables_read() - listed == set()


def test_every_variable_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = {name for name in variables_read() if f"`{name}`" not in readme}
    assert missing == set()
