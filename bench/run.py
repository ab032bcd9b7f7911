"""`make bench`: issue 16's measurements of the portal as production runs it (bench/README.md).

Starts the emulator and the portal under gunicorn (bench/stack.py), logs citizens in through
the real login, drives load with wrk, and prints a Markdown table of every measurement with its
target and whether it is met; the same goes to bench/results/<date>.json. Ratios are taken
within the one run, so that a busy machine moves both sides of each.

    .venv/bin/python -m bench.run            # about 3 minutes on 2 cores (4 the first time)
    .venv/bin/python -m bench.run --quick    # about 75 s, rougher numbers

Needs PostgreSQL and Redis on localhost and wrk (`make wrk`). The exit status is 0 when every
measurement was taken, met or not; 1 when one could not be.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.citizens import synthetic_pids
from bench.load import INSTALL_HINT, Load, LoadError, Target, shuffled, wrk, wrk_missing
from bench.loginhistory_view import SERVICE_FILTERED, SERVICE_FILTERED_QUERY
from bench.report import Row, machine, machine_line, table, targets_summary, write_json
from bench.stack import (
    DISCOVERY_PATH,
    HISTORY_PAGE,
    JWKS_PATH,
    POSTGRES_SERVER,
    REDIS_URL,
    BenchError,
    Stack,
    WorkerMemory,
    running_stack,
    services_missing,
)
from emulator.personas import HEAVY_USER, HIGH_LEVEL_USER
from idporten.discovery import CACHE_SECONDS as DISCOVERY_CACHE_SECONDS

ROOT = Path(__file__).resolve().parents[1]
CONNECTIONS = 16
LOAD_CITIZENS = 50
COLD_LOGINS = 20
# Logins of the load test at once: enough to crowd the portal's 8 threads.
LOGINS_AT_ONCE = 10
HISTORY_LATENCY_SECONDS = 0.2
AUTHLEVEL_LATENCY_SECONDS = 0.15
# What a citizen does on the page: mostly the first pages, then filters, sorts, and an export.
BROWSING = (
    HISTORY_PAGE,
    HISTORY_PAGE,
    HISTORY_PAGE,
    f"{HISTORY_PAGE}?side=2",
    f"{HISTORY_PAGE}?side=3&antall=50",
    f"{HISTORY_PAGE}?sortering=tjeneste",
    f"{HISTORY_PAGE}?sortering=-eid&side=2",
    f"{HISTORY_PAGE}?periode=12m",
    f"{HISTORY_PAGE}?eid=BankID",
    f"{HISTORY_PAGE}?tjeneste=SKATTEETATEN&sortering=tid",
    f"{HISTORY_PAGE}?sok=helse",
    f"{HISTORY_PAGE}eksport.csv",
)


@dataclass(frozen=True)
class Plan:
    warmup_seconds: float
    seconds: float  # each wrk measurement of 1 to 3
    load_seconds: float  # measurement 5
    view_repeat: int  # in-process page views per case (bench/loginhistory_view.py)
    log_rows: int  # bench/loginhistory_query.py
    log_repeat: int
    log_scan_repeat: int


FULL = Plan(3, 15, 60, 200, 1_000_000, 2000, 30)
QUICK = Plan(1, 5, 15, 50, 100_000, 300, 5)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs and 100,000 log rows")
    return parser.parse_args()


def _step(text: str) -> None:
    print(f"== {text}", flush=True)


def _rate(load: Load) -> str:
    errors = f", {load.errors} errors" if load.errors else ""
    return f"{load.requests_per_second:,.0f} req/s{errors}"


def _measured(stack: Stack, targets: Sequence[Target], plan: Plan, name: str) -> Load:
    """wrk at 16 connections, after a warm-up that is thrown away. Each request on a new
    connection, as a reverse proxy without upstream keep-alive sends them (nginx's default):
    kept-alive connections stay with the gunicorn worker that accepted them, and wrk opens all
    16 at once, so their split over the two workers was luck (from 8/8 to 16/0 between runs of
    the same code, moving requests per second twice over; gunicorn issues #2817 and #3433)."""
    for seconds in (plan.warmup_seconds, plan.seconds):  # the warm-up's load is not kept
        load = wrk(
            stack.portal.url, targets, connections=CONNECTIONS, seconds=seconds, keep_alive=False
        )
    print(f"   {name}: {_rate(load)}, p50 {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms")
    return load


def _load_json(load: Load) -> dict[str, Any]:
    return {**asdict(load), "requests_per_second": load.requests_per_second}


def floor_and_front(stack: Stack, plan: Plan, measured: dict[str, Any]) -> tuple[list[Row], Load]:
    _step("1. the floor (/healthz) and the front page")
    healthz = _measured(stack, [Target("/healthz")], plan, "/healthz")
    front = _measured(stack, [Target("/")], plan, "front page")
    measured["1"] = {"healthz": _load_json(healthz), "front": _load_json(front)}
    rows = [
        Row(1, "`/healthz` (the framework's floor), 16 connections", _rate(healthz), "none", None),
        Row(1, "front page `/`, 16 connections", _rate(front), "none", None),
    ]
    return rows, front


def warm_history(stack: Stack, plan: Plan, front: Load, measured: dict[str, Any]) -> list[Row]:
    _step("2. the history page, warm: 25 rows from the cached history")
    cookie = stack.session_cookie(stack.login(HIGH_LEVEL_USER.pid))
    load = _measured(stack, [Target(HISTORY_PAGE, cookie)], plan, "history page")
    ratio = load.requests_per_second / front.requests_per_second
    measured["2"] = {**_load_json(load), "ratio_to_front": ratio}
    clean = load.errors == 0
    return [
        Row(
            2,
            "history page, warm (25 rows from the cache), 16 connections: requests/s",
            f"{_rate(load)} = {ratio:.2f}x the front page",
            "≥ 0.5x the front page",
            clean and ratio >= 0.5,
        ),
        Row(
            2,
            "history page, warm: p50 / p99",
            f"{load.p50_ms:.0f} / {load.p99_ms:.0f} ms",
            "p99 ≤ 250 ms",
            clean and load.p99_ms <= 250,
        ),
    ]


def heavy_history(stack: Stack, plan: Plan, front: Load, measured: dict[str, Any]) -> list[Row]:
    _step("3. heavy history: 10,000 logins filtered by a service, sorted, a page of 25")
    browser = stack.login(HEAVY_USER.pid)
    path = f"{HISTORY_PAGE}?{SERVICE_FILTERED_QUERY}"
    answer = browser.get(stack.portal.url + path, allow_redirects=False, timeout=30)
    if answer.status_code != 200:
        raise BenchError(f"{path} answered {answer.status_code} to the heavy user")
    load = _measured(stack, [Target(path, stack.session_cookie(browser))], plan, "heavy page")
    ratio = load.requests_per_second / front.requests_per_second
    measured["3"] = {**_load_json(load), "ratio_to_front": ratio, "query": SERVICE_FILTERED_QUERY}
    return [
        Row(
            3,
            f"heavy history (`?{SERVICE_FILTERED_QUERY}`), 16 connections: requests/s",
            f"{_rate(load)} = {ratio:.2f}x the front page",
            "≥ 0.4x the front page",
            load.errors == 0 and ratio >= 0.4,
        )
    ]


def cold_page(stack: Stack, pids: Sequence[str], measured: dict[str, Any]) -> list[Row]:
    _step(
        f"4. the first page after login, {len(pids)} times, with the history API "
        f"{HISTORY_LATENCY_SECONDS * 1000:.0f} ms and the authlevel API "
        f"{AUTHLEVEL_LATENCY_SECONDS * 1000:.0f} ms slower"
    )
    timings = []
    for pid in pids:
        stack.emulator.fault("loginhistory", "latency", seconds=HISTORY_LATENCY_SECONDS)
        stack.emulator.fault("authlevel", "latency", seconds=AUTHLEVEL_LATENCY_SECONDS)
        timings.append(stack.cold_history_page_ms(pid))
        if left := stack.emulator.faults():
            stack.emulator.clear_faults()
            raise BenchError(f"the first page did not call both APIs; faults left: {left}")
    median = statistics.median(timings)
    limit = max(HISTORY_LATENCY_SECONDS, AUTHLEVEL_LATENCY_SECONDS) * 1000 + 40
    print(f"   median {median:.0f} ms (from {min(timings):.0f} to {max(timings):.0f})")
    measured["4"] = {"median_ms": median, "timings_ms": timings, "limit_ms": limit}
    return [
        Row(
            4,
            f"cold page with slow upstreams: the first page after login, median of {len(pids)}",
            f"{median:.0f} ms",
            f"≤ {limit:.0f} ms (the slower upstream + 40 ms)",
            median <= limit,
        )
    ]


def load_test(stack: Stack, plan: Plan, pids: Sequence[str], measured: dict[str, Any]) -> list[Row]:
    """Measurements 5, 6 and 7: they share the run."""
    _step(
        f"5. {len(pids)} citizens log in, then browse at once for {plan.load_seconds:.0f} s "
        "(6: the emulator counts; 7: the workers' memory)"
    )
    tokens_before = stack.server_tokens_issued()
    discovery_before, jwks_before = stack.fetches(DISCOVERY_PATH), stack.fetches(JWKS_PATH)
    started = time.monotonic()
    with WorkerMemory(stack.server.process.pid) as memory:
        workers = len(memory.workers())
        with ThreadPoolExecutor(LOGINS_AT_ONCE) as pool:
            cookies = [stack.session_cookie(browser) for browser in pool.map(stack.login, pids)]
        print(f"   {len(cookies)} citizens logged in in {time.monotonic() - started:.0f} s")
        targets = shuffled([Target(path, cookie) for cookie in cookies for path in BROWSING])
        load = wrk(stack.portal.url, targets, connections=len(pids), seconds=plan.load_seconds)
    window = time.monotonic() - started
    tokens = stack.server_tokens_issued() - tokens_before
    discovery = stack.fetches(DISCOVERY_PATH) - discovery_before
    lifetime = stack.server_token_lifetime()
    tokens_allowed = math.ceil(window / lifetime)
    discovery_allowed = workers * math.ceil(window / DISCOVERY_CACHE_SECONDS)
    peak_mib = max(memory.peaks_kib.values()) / 1024
    print(f"   {_rate(load)}, p50/p95/p99 {load.p50_ms:.0f}/{load.p95_ms:.0f}/{load.p99_ms:.0f} ms")
    measured["5"] = _load_json(load)
    measured["6"] = {
        "window_seconds": window,
        "server_tokens": tokens,
        "server_token_lifetime_seconds": lifetime,
        "server_tokens_allowed": tokens_allowed,
        "discovery_fetches": discovery,
        "discovery_cache_seconds": DISCOVERY_CACHE_SECONDS,
        "workers": workers,
        "discovery_fetches_allowed": discovery_allowed,
        # No target: the key set is cached beside discovery, and fetched again on a new kid.
        "jwks_fetches": stack.fetches(JWKS_PATH) - jwks_before,
    }
    measured["7"] = {"peak_rss_kib_by_worker": memory.peaks_kib}
    statuses = ", ".join(f"{count} x {status}" for status, count in sorted(load.not_200.items()))
    return [
        Row(
            5,
            f"load: {len(pids)} citizens browse for {plan.load_seconds:.0f} s: "
            "requests/s, p50 / p95 / p99",
            f"{load.requests_per_second:,.0f} req/s, {load.p50_ms:.0f} / {load.p95_ms:.0f} / "
            f"{load.p99_ms:.0f} ms",
            "none",
            None,
        ),
        Row(
            5,
            "load: errors",
            f"{load.errors}" + (f" ({statuses})" if statuses else ""),
            "0",
            load.errors == 0,
        ),
        Row(
            6,
            f"token economy: JWT-grant requests during 5 ({window:.0f} s)",
            f"{tokens}",
            f"≤ {tokens_allowed} (one per {lifetime} s token lifetime)",
            tokens <= tokens_allowed,
        ),
        Row(
            6,
            "token economy: discovery fetches during 5",
            f"{discovery}",
            f"≤ {discovery_allowed} (one per process, {workers} processes, per 24 h)",
            discovery <= discovery_allowed,
        ),
        Row(
            7,
            "memory: peak resident memory of one gunicorn worker, after 5",
            f"{peak_mib:.0f} MiB (the largest of {len(memory.peaks_kib)} workers seen)",
            "none (recorded)",
            None,
        ),
    ]


def _script_json(script: str, *arguments: str, env: dict[str, str] | None = None) -> Any:
    """Runs one of the bench scripts beside this one (each sets up Django its own way) and
    returns what it wrote with --json."""
    with tempfile.TemporaryDirectory() as workdir:
        output = Path(workdir) / "result.json"
        finished = subprocess.run(  # noqa: S603 (our own scripts)
            [sys.executable, str(ROOT / "bench" / script), *arguments, f"--json={output}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if finished.returncode != 0:
            raise BenchError(f"bench/{script} failed:\n{finished.stdout}{finished.stderr}")
        return json.loads(output.read_text(encoding="utf-8"))


def in_process_view(plan: Plan, measured: dict[str, Any]) -> list[Row]:
    _step("3. heavy history in-process (bench/loginhistory_view.py)")
    report = _script_json("loginhistory_view.py", f"--repeat={plan.view_repeat}")
    median = report["median_ms"][SERVICE_FILTERED]
    print(f"   median {median:.1f} ms")
    measured["3"]["in_process"] = report
    return [
        Row(
            3,
            "heavy history: the view's median in-process",
            f"{median:.1f} ms",
            "< 30 ms",
            median < 30,
        )
    ]


def log_api_query(plan: Plan, measured: dict[str, Any]) -> list[Row]:
    _step(f"8. the log API's query at {plan.log_rows:,} rows (bench/loginhistory_query.py)")
    report = _script_json(
        "loginhistory_query.py",
        f"--rows={plan.log_rows}",
        f"--repeat={plan.log_repeat}",
        f"--scan-repeat={plan.log_scan_repeat}",
        env={**os.environ, "DATABASE_URL": f"{POSTGRES_SERVER}/postgres"},
    )
    worst = max(report["endpoints"], key=lambda endpoint: endpoint["its log query (SQL)"]["p99"])
    p99 = worst["its log query (SQL)"]["p99"]
    print(f"   p99 {p99:.2f} ms ({worst['endpoint']})")
    measured["8"] = report
    return [
        Row(
            8,
            f"the emulator's log API at {report['rows']:,} rows: database time p99 "
            "(the slower endpoint)",
            f"{p99:.2f} ms",
            "< 10 ms",
            p99 < 10,
        )
    ]


def main() -> int:
    plan = QUICK if _arguments().quick else FULL
    if wrk_missing():
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    if missing := services_missing():
        print("make bench needs these on localhost:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    started_at = datetime.datetime.now().astimezone()
    started = time.monotonic()
    facts = machine(postgres_url=f"{POSTGRES_SERVER}/postgres", redis_url=REDIS_URL)
    citizens = synthetic_pids(LOAD_CITIZENS + COLD_LOGINS)
    measured: dict[str, Any] = {}
    rows: list[Row] = []
    try:
        _step("starting the emulator and the portal (gunicorn, PostgreSQL, Redis)")
        with (
            tempfile.TemporaryDirectory() as workdir,
            running_stack(Path(workdir), citizens=len(citizens)) as stack,
        ):
            # First, while nothing is cached: measurement 6 counts what a cold start costs.
            rows += load_test(stack, plan, citizens[:LOAD_CITIZENS], measured)
            floor_rows, front = floor_and_front(stack, plan, measured)
            rows += floor_rows
            rows += warm_history(stack, plan, front, measured)
            rows += heavy_history(stack, plan, front, measured)
            rows += cold_page(stack, citizens[LOAD_CITIZENS:], measured)
        rows += in_process_view(plan, measured)
        rows += log_api_query(plan, measured)
    except (BenchError, LoadError) as error:
        print(f"make bench stopped: {error}", file=sys.stderr)
        return 1
    seconds = time.monotonic() - started
    path = write_json(
        started=started_at,
        seconds=seconds,
        quick=plan is QUICK,
        facts=facts,
        rows=rows,
        measured=measured,
    )
    print(
        f"\n{started_at:%Y-%m-%d %H:%M}, {seconds / 60:.0f} minutes{' (quick)' * (plan is QUICK)}"
    )
    print(f"Machine: {machine_line(facts)}\n")
    print(table(rows))
    print(f"\n{targets_summary(rows)}. JSON: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
