"""A file of a team's own, read again whenever it changes, without a restart
(EMULATOR_EXTRA_CLIENTS_FILE, EMULATOR_EXTRA_PERSONAS_FILE).

Each process keeps the (modification time in ns, size) of the file as it last read it, so a
request costs one stat, and a read only after a change. A change seen is not read again, even
when loading it failed: the load reports its own errors and keeps the previous state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path


class WatchedFile:
    def __init__(self, load: Callable[[Path], None]) -> None:
        self._load = load
        self._read_as: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def refresh(self, path: Path | None) -> None:
        """Call the load when the file is new or changed since this process last read it."""
        if path is None:
            return
        state = _file_state(path)
        if state is None or state == self._read_as:
            return
        with self._lock:
            if state == self._read_as:
                return
            self._read_as = state
            self._load(path)


def _file_state(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size
