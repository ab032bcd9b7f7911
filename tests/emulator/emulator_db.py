"""The emulator's own database, for tests that run under the portal's settings.

pytest runs with tests.settings, where the emulator app is not installed, so these tests run the
emulator's management commands in a subprocess with --settings=emulator.settings and a scratch
EMULATOR_DATABASE_URL, the way `make run` runs them. A probe is Python code that
`manage.py shell -c` runs in such a process; it prints one JSON value.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class EmulatorDatabase:
    url: str

    def manage(self, *args: str) -> str:
        """Run a management command of the emulator against this database; its stdout."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args, "--settings=emulator.settings"],
            cwd=REPO,
            # DEBUG as `make run` has it: with DEBUG off the emulator wants a secret key.
            env={**os.environ, "DEBUG": "true", "EMULATOR_DATABASE_URL": self.url},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def probe(self, code: str) -> Any:
        return json.loads(self.manage("shell", "--verbosity=0", "--command", code))


def sqlite_copy(template: Path, directory: Path) -> EmulatorDatabase:
    """A fresh copy of a migrated SQLite file: cheaper than migrating again."""
    path = directory / f"emulator-{uuid.uuid4().hex}.sqlite3"
    shutil.copyfile(template, path)
    return EmulatorDatabase(f"sqlite:///{path}")


def migrated_sqlite(directory: Path) -> tuple[EmulatorDatabase, Path]:
    path = directory / "emulator-migrated.sqlite3"
    database = EmulatorDatabase(f"sqlite:///{path}")
    database.manage("migrate", "--verbosity=0")
    return database, path


@contextmanager
def scratch_postgresql() -> Iterator[EmulatorDatabase]:
    """A new database on the PostgreSQL server of DATABASE_URL (as in CI), dropped afterwards."""
    server = urlsplit(os.environ.get("DATABASE_URL", ""))
    if server.scheme not in {"postgres", "postgresql"}:
        pytest.skip("DATABASE_URL is not a PostgreSQL URL: the PostgreSQL plan is checked in CI")
    import psycopg

    name = f"emulator_test_{uuid.uuid4().hex[:12]}"
    maintenance = urlunsplit(server._replace(path="/postgres", query=""))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield EmulatorDatabase(urlunsplit(server._replace(path=f"/{name}")))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
