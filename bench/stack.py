"""What `make bench` measures: the emulator and the portal as production runs it, on loopback.

The portal runs under gunicorn with gunicorn.conf.py as it is (2 workers x 4 threads, DEBUG off),
a fresh PostgreSQL database and Redis under a key prefix of its own (tests/gunicorn_support.py
starts it, as for the tests that need a real gunicorn). The emulator (tests/emulator/support.py)
runs beside it with its personas, the citizens of bench/citizens.py, and its control API for
the latency faults. Citizens log in through the real flow: the portal's /logg-inn/, the
emulator's TestID page, the callback.
"""

from __future__ import annotations

import secrets
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from idporten.environments import LOCAL_SERVER_CLIENT_ID
from tests.emulator.support import Emulator, EmulatorServer
from tests.gunicorn_support import GunicornPortal, gunicorn_portal
from tests.idporten.portal_flow import Portal, portal_client_register

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_SERVER = "postgresql://postgres@localhost:5432"
REDIS_URL = "redis://localhost:6379/0"
HISTORY_PAGE = "/min-side/"
SESSION_COOKIE = "portal_session"  # SECURE_COOKIES is off on plain-HTTP loopback
CSRF_COOKIE = "portal_csrf"
TIMEOUT = 30
DISCOVERY_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/jwk"


class BenchError(RuntimeError):
    """Something the measurements rely on did not work: the run stops and says what."""


def services_missing() -> list[str]:
    """What of PostgreSQL and Redis on localhost does not answer, in words."""
    import psycopg
    import redis

    missing = []
    try:
        psycopg.connect(f"{POSTGRES_SERVER}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        missing.append(f"PostgreSQL at {POSTGRES_SERVER} (user postgres): {exc}".strip())
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError as exc:
        missing.append(f"Redis at {REDIS_URL}: {exc}")
    return missing


@dataclass
class Stack:
    emulator: Emulator
    portal: Portal
    server: GunicornPortal

    def login(self, pid: str) -> requests.Session:
        """A citizen logged in through the real flow at the substantial level (TestID), so that
        the page asks the authlevel API too; the login ends on the history page, which has
        fetched the history into the cache."""
        browser, page = self.portal.login(pid=pid, eid="TestID")
        _expect_history_page(page)
        return browser

    def cold_history_page_ms(self, pid: str) -> float:
        """Logs a citizen in and times the first history page after the login alone (the
        callback's redirect to it is not counted). Queue the faults first."""
        browser = requests.Session()
        page = self.portal.start_login(browser)
        answer = browser.post(
            page.url, data={"pid": pid, "eid": "TestID"}, allow_redirects=False, timeout=TIMEOUT
        )
        while answer.is_redirect:
            target = urljoin(answer.url, answer.headers["Location"])
            if urlsplit(target).path == HISTORY_PAGE:
                break
            answer = browser.get(target, allow_redirects=False, timeout=TIMEOUT)
        else:
            raise BenchError(f"the login did not lead to the history page: {answer.url}")
        started = time.perf_counter()
        page = browser.get(target, allow_redirects=False, timeout=TIMEOUT)
        elapsed = (time.perf_counter() - started) * 1000
        _expect_history_page(page)
        return elapsed

    def fetches(self, path: str) -> int:
        """GET requests for `path` the emulator has answered so far, from its access log
        (`"GET /jwk HTTP/1.1" 200 ...`)."""
        return self.emulator.server.stderr().count(f'"GET {path} ')

    def server_tokens_issued(self) -> int:
        """Tokens of the JWT grant so far: the emulator makes a grant row for each it issues."""
        return self._emulator_query(
            "SELECT count(*) FROM emulator_grant g JOIN emulator_client c ON c.id = g.client_id"
            " WHERE c.client_id = ?"
        )

    def server_token_lifetime(self) -> int:
        """Seconds, as registered for the portal's server client."""
        return self._emulator_query(
            "SELECT access_token_lifetime FROM emulator_client WHERE client_id = ?"
        )

    def _emulator_query(self, sql: str) -> int:
        """One number from the emulator's database, about the portal's server client."""
        with closing(sqlite3.connect(self.emulator.server.database_path)) as connection:
            (value,) = connection.execute(sql, (LOCAL_SERVER_CLIENT_ID,)).fetchone()
        return int(value)

    def session_cookie(self, browser: requests.Session) -> str:
        """The Cookie header a logged-in browser sends the portal: the session, and the CSRF
        cookie the first page set (without it, every page would make a new CSRF secret)."""
        values = {name: browser.cookies.get(name) for name in (SESSION_COOKIE, CSRF_COOKIE)}
        if missing := [name for name, value in values.items() if not value]:
            raise BenchError(f"no {' or '.join(missing)} cookie after the login")
        return "; ".join(f"{name}={value}" for name, value in values.items())


def _expect_history_page(page: requests.Response) -> None:
    if page.status_code != 200 or urlsplit(page.url).path != HISTORY_PAGE:
        raise BenchError(
            f"expected the history page, got {page.status_code} at {page.url}:\n{page.text[:500]}"
        )


class _EmulatorUnderGunicorn(EmulatorServer):
    """The emulator as the bench's upstream: under gunicorn rather than runserver. runserver
    (wsgiref) sends a response's status line, headers and body in separate writes on a socket
    with Nagle's algorithm on, so on a kept-alive connection (the portal's pooled session) the
    body waits for the client's delayed ACK: a small GET took 48 ms that way against 3 ms on a
    new connection, a delay no latency fault asked for and ID-porten does not have. gunicorn
    sets TCP_NODELAY. Its access log has the request line that Stack.fetches counts."""

    def start(self) -> None:
        prepared = self.manage("emulator_prepare", "--verbosity=0")
        if prepared.returncode != 0:
            raise RuntimeError(f"emulator_prepare failed:\n{prepared.stderr}")
        with self.stderr_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own server)
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--config=/dev/null",  # not the portal's gunicorn.conf.py beside it
                    f"--bind=127.0.0.1:{self.port}",
                    "--worker-class=gthread",
                    "--workers=1",
                    "--threads=16",
                    "--graceful-timeout=1",
                    "--access-logfile=-",
                    "--no-control-socket",
                    "django.core.wsgi:get_wsgi_application()",
                ],
                cwd=ROOT,
                env={**self.env, "DJANGO_SETTINGS_MODULE": "emulator.settings"},
                stdout=log,
                stderr=log,
            )
        self._wait_until_ready()


def _seed_citizens(server: EmulatorServer, count: int) -> None:
    seeded = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "-m", "bench.citizens", f"--count={count}"],
        cwd=ROOT,
        env={**server.env, "DJANGO_SETTINGS_MODULE": "emulator.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    if seeded.returncode != 0:
        raise BenchError(f"seeding the bench citizens failed:\n{seeded.stderr}")


def _tail(name: str, output: str, lines: int = 30) -> str:
    return f"--- the last lines of {name}'s output:\n" + "\n".join(output.splitlines()[-lines:])


def _redis_forget(prefix: str) -> None:
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(match=f"{prefix}:*", count=1000):
        connection.delete(key)


@contextmanager
def running_stack(workdir: Path, *, citizens: int) -> Iterator[Stack]:
    """The emulator (with `citizens` bench citizens) and the portal, stopped on the way out;
    the portal's database is dropped and its Redis keys deleted."""
    server = _EmulatorUnderGunicorn(workdir)
    server.start()
    prefix = f"bench-{secrets.token_hex(4)}"
    try:
        _seed_citizens(server, citizens)
        emulator = Emulator(server)
        client_id, secret = f"bench-portal-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
        pki = server.pki_dir
        with gunicorn_portal(
            workdir,
            # gunicorn.conf.py's own workers, threads and timeout: production's.
            GUNICORN_WORKERS=None,
            GUNICORN_TIMEOUT=None,
            REDIS_URL=REDIS_URL,
            CACHE_KEY_PREFIX=prefix,
            IDPORTEN_ISSUER=emulator.issuer,
            IDPORTEN_CLIENT_ID=client_id,
            IDPORTEN_CLIENT_SECRET=secret,
            IDPORTEN_LOGINHISTORY_BASE_URL=emulator.url,
            IDPORTEN_AUTHLEVEL_BASE_URL=emulator.url,
            IDPORTEN_KEYSTORE_PATH=str(pki / f"{LOCAL_SERVER_CLIENT_ID}.p12"),
            IDPORTEN_KEYSTORE_PASSWORD_FILE=str(pki / f"{LOCAL_SERVER_CLIENT_ID}.password"),
        ) as portal_server:
            portal_client_register(emulator, portal_server.url, client_id, secret)
            try:
                yield Stack(emulator, Portal(portal_server.url, client_id, emulator), portal_server)
            except Exception:
                # What the servers said last is usually why.
                print(_tail("gunicorn", portal_server.output()), file=sys.stderr)
                print(_tail("emulator", server.stderr()), file=sys.stderr)
                raise
    finally:
        server.stop()
        _redis_forget(prefix)


# --- Memory of the gunicorn workers -----------------------------------------------------------


def _children(parent: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == parent:
            children.append(int(stat.parent.name))
    return children


def _peak_rss_kib(pid: int) -> int | None:
    """VmHWM: the most resident memory the process has had."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


@dataclass
class WorkerMemory:
    """Samples the peak resident memory of each gunicorn worker, for as long as it runs. A
    worker is replaced after max_requests (gunicorn.conf.py), and its peak goes with it, so one
    reading at the end would see only the workers that happen to be alive then."""

    master: int
    interval: float = 0.5
    peaks_kib: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def workers(self) -> list[int]:
        return _children(self.master)

    def _sample(self) -> None:
        for pid in self.workers():
            peak = _peak_rss_kib(pid)
            if peak is not None:
                self.peaks_kib[pid] = max(peak, self.peaks_kib.get(pid, 0))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> WorkerMemory:
        self._sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()
