"""Load from outside with wrk (Debian's package), driven by bench/wrk.lua."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

SCRIPT = Path(__file__).resolve().with_name("wrk.lua")
# Two threads on a two-core machine: wrk needs little, and the portal needs the rest.
THREADS = 2
# wrk's own default is 2 s; a slower answer is slow, not lost, so it counts in the latency.
TIMEOUT_SECONDS = 10
MARKER = "BENCH_JSON "
INSTALL_HINT = "wrk is missing. Install it with:  sudo apt-get install -y wrk  (or: make wrk)"


class LoadError(RuntimeError):
    pass


class Target(NamedTuple):
    """One request: a path (with its query) and the Cookie header to send, if any."""

    path: str
    cookie: str = ""


@dataclass(frozen=True)
class Load:
    """What one wrk run measured. Latencies in milliseconds."""

    connections: int
    responses: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    not_200: dict[str, int] = field(default_factory=dict)

    @property
    def requests_per_second(self) -> float:
        return self.responses / self.seconds

    @property
    def errors(self) -> int:
        """Socket errors and timeouts, and every answer but 200 (each request expects one)."""
        return self.socket_errors + sum(self.not_200.values())


def wrk_missing() -> bool:
    return shutil.which("wrk") is None


def shuffled(targets: Sequence[Target], *, seed: int = 16) -> list[Target]:
    """The same order every run, with neighbours that differ (citizen, page)."""
    mixed = list(targets)
    random.Random(seed).shuffle(mixed)  # noqa: S311 (an order, no secret)
    return mixed


def wrk(
    base_url: str,
    targets: Sequence[Target],
    *,
    connections: int,
    seconds: float,
    keep_alive: bool = True,
) -> Load:
    """`connections` connections send `targets` in turn for `seconds`; without keep_alive,
    each request on a connection of its own (`Connection: close`)."""
    if wrk_missing():
        raise LoadError(INSTALL_HINT)
    with tempfile.NamedTemporaryFile("w", suffix=".requests", encoding="utf-8") as listing:
        listing.writelines(f"{target.path}\t{target.cookie}\n" for target in targets)
        listing.flush()
        command = [
            "wrk",
            f"--threads={min(THREADS, connections)}",
            f"--connections={connections}",
            f"--duration={max(1, round(seconds))}s",
            f"--timeout={TIMEOUT_SECONDS}s",
            f"--script={SCRIPT}",
            base_url,
            "--",
            listing.name,
            *([] if keep_alive else ["close"]),
        ]
        finished = subprocess.run(  # noqa: S603 (our own command line)
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    report = next((line for line in finished.stdout.splitlines() if line.startswith(MARKER)), None)
    if finished.returncode != 0 or report is None:
        raise LoadError(f"wrk failed ({finished.returncode}):\n{finished.stdout}{finished.stderr}")
    data = json.loads(report.removeprefix(MARKER))
    not_200: Counter[str] = Counter()
    for status, count in data["not_200"]:
        not_200[status] += count
    return Load(
        connections=connections,
        responses=data["responses"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        socket_errors=sum(
            data[name] for name in ("connect_errors", "read_errors", "write_errors", "timeouts")
        ),
        not_200=dict(not_200),
    )
