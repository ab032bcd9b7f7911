"""How long the login-history API's query takes on a login log of 1,000,000 rows.

The API (emulator/views/loginhistory.py) answers with login_events_for_person(pid, orgno,
limit=maxhits). This script builds a log of --rows rows in the emulator's own schema, then
times that query's SQL for one heavy user at maxhits=100 (database time: execute and fetch,
no model instances), many times, next to the same question asked so that no index can
answer it (a full scan and a sort). Shared machines are noisy, so the ratio of the two in one
run is the result; absolute times are printed for context.

    .venv/bin/python bench/loginhistory_query.py                     # SQLite in var/
    DATABASE_URL=postgres://postgres@localhost:5432/postgres \\
        .venv/bin/python bench/loginhistory_query.py                 # PostgreSQL

With DATABASE_URL the script works in a database of its own on that server
(bench_loginhistory), created when missing. Both databases are kept between runs and rebuilt
only when their row count differs from --rows (or with --rebuild); --drop removes the
PostgreSQL one afterwards.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATABASE = "bench_loginhistory"
SQLITE_PATH = ROOT / "var" / "bench-loginhistory.sqlite3"
# One citizen as heavy as the heaviest persona; the rest of the log is spread over ordinary
# citizens with about 100 logins each, in time order, as a real log grows.
TARGET_LOGINS = 10_000
LOGINS_PER_CITIZEN = 100
HISTORY = datetime.timedelta(days=730)
BATCH = 20_000
MAXHITS = 100
ORGNO = "991825827"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2000, help="timed indexed queries")
    parser.add_argument("--scan-repeat", type=int, default=30, help="timed full scans")
    parser.add_argument("--rebuild", action="store_true", help="build the log even if it exists")
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL database after")
    parser.add_argument("--json", type=Path, help="also write the timings here (make bench)")
    return parser.parse_args()


def _postgresql_url(server_url: str, database: str) -> str:
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{database}", query=""))


def _ensure_postgresql_database(server_url: str) -> None:
    import psycopg

    with psycopg.connect(_postgresql_url(server_url, "postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (BENCH_DATABASE,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')


def _drop_postgresql_database(server_url: str) -> None:
    import psycopg

    with psycopg.connect(_postgresql_url(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def _configure() -> str | None:
    """Point the emulator's settings at the bench database; the PostgreSQL server URL if any."""
    server_url = os.environ.get("DATABASE_URL", "")
    if urlsplit(server_url).scheme in {"postgres", "postgresql"}:
        _ensure_postgresql_database(server_url)
        os.environ["EMULATOR_DATABASE_URL"] = _postgresql_url(server_url, BENCH_DATABASE)
    else:
        server_url = ""
        SQLITE_PATH.parent.mkdir(exist_ok=True)
        os.environ["EMULATOR_DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "emulator.settings"
    # A developer's emulator: its fixed local key (with DEBUG off it wants one of its own).
    os.environ.setdefault("DEBUG", "true")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return server_url or None


def _build(rows: int) -> None:
    from django.db import connection, transaction

    from emulator.catalogue import LOGIN_LOG_EIDS, SERVICES
    from emulator.models import LoginEvent, Person
    from emulator.personas import HEAVY_USER

    rng = random.Random(rows)  # noqa: S311 (repeatable bench data, no secret)
    others = max(1, (rows - TARGET_LOGINS) // LOGINS_PER_CITIZEN)
    share = TARGET_LOGINS / rows
    eids = sorted(LOGIN_LOG_EIDS)
    start = datetime.datetime.now(datetime.UTC) - HISTORY
    step = HISTORY / rows
    began = time.perf_counter()
    with transaction.atomic():
        LoginEvent.objects.all().delete()
        Person.objects.all().delete()
        target = Person.objects.create(pid=HEAVY_USER.pid)
        # Eleven characters like a national identity number; no checksum, nothing reads them.
        citizens = Person.objects.bulk_create(
            Person(pid=f"9{number:010d}") for number in range(others)
        )
        for first in range(0, rows, BATCH):
            batch = []
            for index in range(first, min(first + BATCH, rows)):
                service = rng.choice(SERVICES)
                batch.append(
                    LoginEvent(
                        person=target if rng.random() < share else rng.choice(citizens),
                        timestamp=start + step * index,
                        service_name=service.name,
                        eid=rng.choice(eids),
                        integration_id=service.integration_id,
                        orgno=service.orgno,
                    )
                )
            LoginEvent.objects.bulk_create(batch)
            print(f"\r  {first + len(batch):,} rows", end="", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE emulator_loginevent")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"\r  built {rows:,} rows in {time.perf_counter() - began:.0f} s")


def _timed(run: Callable[[], Any], repeat: int) -> list[float]:
    for _ in range(min(repeat, 20)):
        run()  # warm caches and connections; only the steady state is measured
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def _percentile(timings: Sequence[float], percent: int) -> float:
    return statistics.quantiles(timings, n=100)[percent - 1]


def _sql_runner(sql: str, params: Sequence[Any], expected_rows: int) -> Callable[[], None]:
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        if len(fetched) != expected_rows:
            raise RuntimeError(f"expected {expected_rows} rows, got {len(fetched)}")

    return run


def _full_scan_sql(orgno: str | None) -> str:
    """The selector's question with `person_id + 0` and `orgno || ''`, which no index can
    serve: every row is read and the matches sorted, which is what the indexes exist to avoid."""
    org_filter = " AND orgno || '' = %s" if orgno else ""
    # Constant fragments only; the values are parameters.
    return (
        "SELECT id, person_id, timestamp, service_name, eid, integration_id, orgno"  # noqa: S608
        " FROM emulator_loginevent"
        " WHERE person_id + 0 = (SELECT id FROM emulator_person WHERE pid = %s)"
        f"{org_filter} ORDER BY timestamp DESC, id DESC LIMIT {MAXHITS}"
    )


def _plan(sql: str, params: Sequence[Any]) -> str:
    from django.db import connection

    explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {sql}", params)
        rows = cursor.fetchall()
    # SQLite's rows are (id, parent, notused, detail); PostgreSQL's one text column.
    return " | ".join(str(row[-1]).strip() for row in rows)


def _measure(label: str, orgno: str | None, args: argparse.Namespace) -> dict[str, Any]:
    """Prints the timings and returns them, in milliseconds."""
    from emulator.personas import HEAVY_USER
    from emulator.selectors import login_events_for_person

    def selector_call() -> None:
        # What the API does: both of the selector's queries, and model instances.
        list(login_events_for_person(pid=HEAVY_USER.pid, orgno=orgno, limit=MAXHITS))

    query = login_events_for_person(pid=HEAVY_USER.pid, orgno=orgno, limit=MAXHITS)
    expected = query.count()
    sql, params = query.query.sql_with_params()
    scan_sql = _full_scan_sql(orgno)
    scan_params = [HEAVY_USER.pid, orgno] if orgno else [HEAVY_USER.pid]
    runs = {
        "selector call (ORM)": _timed(selector_call, args.repeat),
        "its log query (SQL)": _timed(_sql_runner(sql, params, expected), args.repeat),
        "full scan (SQL)": _timed(_sql_runner(scan_sql, scan_params, expected), args.scan_repeat),
    }
    print(f"\n{label} (maxhits={MAXHITS}, {expected} rows returned)")
    print(f"  log query plan: {_plan(sql, params)}")
    print(f"  full-scan plan: {_plan(scan_sql, scan_params)}")
    print(f"  {'':<22}{'median ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'runs':>7}")
    summary: dict[str, Any] = {"endpoint": label, "rows_returned": expected}
    for name, timings in runs.items():
        median, p95, p99 = (
            statistics.median(timings),
            _percentile(timings, 95),
            _percentile(timings, 99),
        )
        print(f"  {name:<22}{median:>10.3f}{p95:>10.3f}{p99:>10.3f}{len(timings):>7}")
        summary[name] = {"median": median, "p95": p95, "p99": p99, "runs": len(timings)}
    scan = statistics.median(runs["full scan (SQL)"])
    call = statistics.median(runs["selector call (ORM)"])
    log_query = statistics.median(runs["its log query (SQL)"])
    print(f"  full scan / selector call: {scan / call:,.0f}x")
    print(f"  full scan / its log query: {scan / log_query:,.0f}x")
    return summary


def main() -> None:
    args = _arguments()
    server_url = _configure()
    from django.core.management import call_command
    from django.db import connection

    from emulator.models import LoginEvent

    call_command("migrate", verbosity=0)
    print(f"{connection.vendor} {connection.settings_dict['NAME']}")
    if args.rebuild or LoginEvent.objects.count() != args.rows:
        _build(args.rows)
    rows = LoginEvent.objects.count()
    print(f"  {rows:,} rows in emulator_loginevent")
    measured = [
        _measure("/innlogginger/logg/idporten/all: every organisation", None, args),
        _measure(f"/innlogginger/logg/idporten: one organisation ({ORGNO})", ORGNO, args),
    ]
    if args.json:
        report = {"database": connection.vendor, "rows": rows, "endpoints": measured}
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    if server_url and args.drop:
        connection.close()
        _drop_postgresql_database(server_url)


if __name__ == "__main__":
    main()
