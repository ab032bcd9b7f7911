"""The real portal under gunicorn, as production starts it: `gunicorn -c gunicorn.conf.py
portal.wsgi`, in a subprocess with a production-like environment and a PostgreSQL database of
its own, on a free loopback port.

    with gunicorn_portal() as server:
        server.raw_request(b"GET / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n")
        server.output()  # what gunicorn wrote on stdout (the access log) and stderr

Skips the test, saying why, when PostgreSQL does not answer on localhost:5432.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_SERVER = "postgresql://postgres@localhost:5432"
SECRET_KEY = "gunicorn-test-Xq7Lm2Vr9Tb4Nc8Wd1Kf6Hj3Ys5Gp0Ae-long-enough-for-the-deploy-check"
START_TIMEOUT = 30.0
TIMEOUT = 10.0
# Only what a deployment has: nothing of the test process's own settings (DEBUG, SECRET_KEY,
# DJANGO_SETTINGS_MODULE=tests.settings, DATABASE_URL, DJANGO_ALLOW_ASYNC_UNSAFE ...).
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")


def production_environment(database_url: str, bind: str, **overrides: str | None) -> dict[str, str]:
    """The environment of a deployment. An override of None removes the variable, so that
    gunicorn.conf.py's or the settings' own default applies (as in production)."""
    env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="false",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: no TLS in front of this gunicorn.
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        IDPORTEN_ENVIRONMENT="local",
        DATABASE_URL=database_url,
        GUNICORN_BIND=bind,
        GUNICORN_WORKERS="1",
        GUNICORN_TIMEOUT="5",
        # Not in ~/.gunicorn/gunicorn.ctl, which two runs at once would share.
        GUNICORN_CMD_ARGS="--no-control-socket",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database on the local PostgreSQL server (its URL), dropped afterwards."""
    import psycopg
    from psycopg import sql

    try:
        admin = psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL does not answer at {POSTGRES_SERVER} (user postgres): {exc}")
    name = f"portal_gunicorn_{secrets.token_hex(4)}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield f"{POSTGRES_SERVER}/{name}"
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class GunicornPortal:
    host: str
    port: int
    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path
    database_url: str

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def output(self) -> str:
        """Everything gunicorn has written so far: stdout (the access log), then stderr."""
        return "\n".join(
            path.read_text(encoding="utf-8", errors="backslashreplace")
            for path in (self.stdout_path, self.stderr_path)
        )

    def wait_for_output(self, text: str, timeout: float = TIMEOUT) -> str:
        """The output once it contains text (an access line is written after the response)."""
        deadline = time.monotonic() + timeout
        while text not in (output := self.output()):
            if time.monotonic() > deadline:
                raise AssertionError(f"gunicorn never wrote {text!r}; it wrote:\n{output}")
            time.sleep(0.05)
        return output

    def raw_request(self, request: bytes) -> bytes:
        """Sends the bytes as they are (no client library to tidy the path up) and returns the
        whole answer; ask with Connection: close."""
        with socket.create_connection((self.host, self.port), timeout=TIMEOUT) as connection:
            connection.sendall(request)
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def get(self, target: str) -> bytes:
        return self.raw_request(
            f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "Connection: close\r\n\r\n".encode("latin-1")
        )


def _run_manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"


_collected: list[bool] = []


def _static_files_collected(env: dict[str, str]) -> None:
    """With DEBUG off the pages name hashed static files (var/staticfiles, as in production):
    collected once per test run."""
    if not _collected:
        _run_manage(env, "collectstatic", "--noinput", "-v", "0")
        _collected.append(True)


def _wait_until_ready(server: GunicornPortal) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if server.process.poll() is not None:
            raise AssertionError(
                f"gunicorn exited with {server.process.returncode}:\n{server.output()}"
            )
        try:
            if server.get("/healthz").startswith(b"HTTP/1.1 200"):
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"gunicorn did not answer /healthz in time:\n{server.output()}")
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGINT is gunicorn's quick shutdown. The master leads a session of its own (its pid is
    the group's id), so anything of it still there afterwards goes with SIGKILL."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=TIMEOUT)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def gunicorn_portal(
    log_dir: Path | None = None, **environment: str | None
) -> Iterator[GunicornPortal]:
    """The migrated portal under gunicorn, stopped (and its database dropped) on the way out.
    gunicorn's stdout and stderr go to files in log_dir (a temporary directory if none);
    keyword arguments add to or override the production-like environment."""
    with gunicorn_portals(1, log_dir, **environment) as (server,):
        yield server


@contextmanager
def gunicorn_portals(
    count: int, log_dir: Path | None = None, **environment: str | None
) -> Iterator[tuple[GunicornPortal, ...]]:
    """`count` portals under gunicorn, each a process (a master and its workers) of its own on
    a port of its own, sharing one migrated database, as several machines behind a load
    balancer do."""
    with ExitStack() as stack:
        logs = log_dir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database_url = stack.enter_context(fresh_postgres_database())
        host = "127.0.0.1"
        envs = [
            production_environment(database_url, f"{host}:{port}", **environment)
            for port in (free_loopback_port() for _ in range(count))
        ]
        _run_manage(envs[0], "migrate", "--noinput", "-v", "0")
        _static_files_collected(envs[0])
        servers = []
        for number, env in enumerate(envs):
            suffix = f".{number}" if count > 1 else ""
            stdout_path = logs / f"gunicorn{suffix}.stdout"
            stderr_path = logs / f"gunicorn{suffix}.stderr"
            with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"],
                    cwd=ROOT,
                    env=env,
                    stdout=stdout,
                    stderr=stderr,
                    start_new_session=True,
                )
            stack.callback(_stop, process)
            port = int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
            servers.append(
                GunicornPortal(host, port, process, stdout_path, stderr_path, database_url)
            )
        for server in servers:
            _wait_until_ready(server)
        yield tuple(servers)
