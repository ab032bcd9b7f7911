"""The outcome of `make bench`: a Markdown table, the same as JSON, and the machine it ran on."""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().with_name("results")


@dataclass(frozen=True)
class Row:
    """One line of the table: a measurement's result and its target. `met` is None for a
    measurement without a target (recorded only)."""

    number: int
    measurement: str
    result: str
    target: str
    met: bool | None

    @property
    def verdict(self) -> str:
        return {True: "met", False: "**not met**", None: ""}[self.met]


def table(rows: Sequence[Row]) -> str:
    lines = ["| # | measurement | result | target | |", "| --- | --- | --- | --- | --- |"]
    lines += [
        f"| {row.number} | {row.measurement} | {row.result} | {row.target} | {row.verdict} |"
        for row in sorted(rows, key=lambda row: row.number)
    ]
    return "\n".join(lines)


def targets_summary(rows: Sequence[Row]) -> str:
    judged = [row for row in rows if row.met is not None]
    return f"{sum(bool(row.met) for row in judged)} of {len(judged)} targets met"


def _first_line(command: Sequence[str]) -> str:
    try:
        finished = subprocess.run(  # noqa: S603 (fixed commands)
            list(command), capture_output=True, text=True, timeout=10, check=False
        )
    except OSError:
        return "unknown"
    output = (finished.stdout or finished.stderr).strip()
    return output.splitlines()[0] if output else "unknown"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def _os_name() -> str:
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip('"')
    return platform.system()


def machine(*, postgres_url: str, redis_url: str) -> dict[str, str]:
    import psycopg
    import redis

    with psycopg.connect(postgres_url) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return {
        "cpu": f"{_cpu_model()}, {os.cpu_count()} cores",
        "memory": f"{_memory_gib():.0f} GiB",
        "os": f"{_os_name()} ({platform.release()})",
        "python": platform.python_version(),
        "postgresql": str(row[0]).split()[0] if row else "unknown",
        "redis": str(redis.Redis.from_url(redis_url).info("server")["redis_version"]),
        "wrk": _first_line(["wrk", "--version"]).split(" [")[0],
        "load_average_at_start": " ".join(f"{value:.2f}" for value in os.getloadavg()),
    }


def machine_line(facts: dict[str, str]) -> str:
    return (
        f"{facts['cpu']}, {facts['memory']}; {facts['os']}; Python {facts['python']}, "
        f"PostgreSQL {facts['postgresql']}, Redis {facts['redis']}, {facts['wrk']}; "
        f"load average at start {facts['load_average_at_start']}"
    )


def write_json(
    *,
    started: datetime.datetime,
    seconds: float,
    quick: bool,
    facts: dict[str, str],
    rows: Sequence[Row],
    measured: dict[str, Any],
) -> Path:
    """bench/results/<date and time>.json (git-ignored)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{started:%Y%m%d-%H%M%S}{'-quick' if quick else ''}.json"
    document = {
        "date": started.isoformat(timespec="seconds"),
        "seconds": round(seconds),
        "quick": quick,
        "machine": facts,
        "targets": targets_summary(rows),
        "rows": [asdict(row) for row in sorted(rows, key=lambda row: row.number)],
        "measured": measured,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
