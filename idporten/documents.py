"""ID-porten's published documents (the discovery metadata, the key set): fetched once per cache
period however many threads and processes need them at once, and kept parsed in each process.

Ten logins at once on an empty cache used to fetch the document ten times over (bench/README.md,
measurement 6). A miss is now single-flight twice over: the threads of a process queue on one
lock, and across processes the first to take a lock in the shared cache fetches while the others
wait for its copy. Each process keeps the copy it read, parsed, until the cached copy expires
(the expiry travels with it, so every process drops it at the same moment): a page view reads
neither the cache nor the JSON.

A process that forgets a document (after a login failure a stale copy could explain) drops its
own copy and the cached one; another process keeps its parsed copy until its own failure or the
period's end, and then reads or fetches the new one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.cache import cache

from idporten.http import timeouts

Raw = TypeVar("Raw")
Parsed = TypeVar("Parsed")

# How often a process waiting for another's fetch looks for its copy in the cache.
POLL_SECONDS = 0.05


def _longest_fetch_seconds() -> float:
    """What a fetch may take before its timeouts end it: the shared lock lasts that long (so a
    process that dies holding it does not hold up the others for longer), and so does a wait."""
    return sum(timeouts())


@dataclass(frozen=True)
class _Copy(Generic[Raw, Parsed]):
    raw: Raw
    parsed: Parsed
    until: float  # time.time() at which the cached copy expires


class PublishedDocument(Generic[Raw, Parsed]):
    """One kind of document, by its source (a URL, or the issuer). `fetch` asks ID-porten and
    raises when the answer is no good (nothing is then cached); `parse` makes what callers use
    of what is cached."""

    def __init__(
        self,
        *,
        name: str,
        seconds: int,
        fetch: Callable[[str], Raw],
        parse: Callable[[Raw], Parsed],
    ) -> None:
        self.name = name
        self.seconds = seconds
        self._fetch = fetch
        self._parse = parse
        self._copies: dict[str, _Copy[Raw, Parsed]] = {}
        self._lock = threading.Lock()
        _ALL.append(self)

    def _cache_key(self, source: str) -> str:
        # v2: the cached value carries its expiry since the per-process copies.
        return f"idporten:{self.name}:v2:{source}"

    def get(self, source: str, *, replacing: Parsed | None = None) -> Parsed:
        """The document. `replacing`: a copy the caller found wanting (a key set without the
        token's kid), fetched again unless another thread or process already has."""

        def usable(copy: _Copy[Raw, Parsed] | None) -> bool:
            return copy is not None and copy.until > time.time() and copy.parsed is not replacing

        copy = self._copies.get(source)
        if usable(copy):
            return copy.parsed  # type: ignore[union-attr]  # usable() checked it
        with self._lock:
            copy = self._copies.get(source)  # another thread may have read it meanwhile
            if usable(copy):
                return copy.parsed  # type: ignore[union-attr]
            stale = copy.raw if copy is not None and replacing is not None else None
            copy = self._shared(source, refresh=replacing is not None, stale=stale)
            self._copies[source] = copy
            return copy.parsed

    def cached_only(self, source: str) -> Parsed | None:
        """The document if this process or the cache has it; never asks ID-porten."""
        copy = self._copies.get(source)
        if copy is None or copy.until <= time.time():
            cached = cache.get(self._cache_key(source))
            if cached is None:
                return None
            copy = self._copies[source] = self._copy(*cached)
        return copy.parsed

    def forget(self, source: str) -> None:
        with self._lock:
            self._copies.pop(source, None)
            cache.delete(self._cache_key(source))

    def forget_in_process(self) -> None:
        with self._lock:
            self._copies.clear()

    def _copy(self, raw: Raw, until: float) -> _Copy[Raw, Parsed]:
        return _Copy(raw, self._parse(raw), until)

    def _shared(self, source: str, *, refresh: bool, stale: Raw | None) -> _Copy[Raw, Parsed]:
        """The cached copy, unless a refresh is asked for and the cache holds none newer than
        `stale`; else fetched by whichever process takes the shared lock first."""
        key = self._cache_key(source)
        lock_key = f"{key}:fetching"
        deadline = time.monotonic() + _longest_fetch_seconds()
        while True:
            cached = cache.get(key)
            if cached is not None and not (refresh and (stale is None or cached[0] == stale)):
                return self._copy(*cached)
            took_lock = cache.add(lock_key, True, _longest_fetch_seconds())
            # Past the deadline the holder is stuck or gone: fetch without the lock.
            if took_lock or time.monotonic() > deadline:
                try:
                    raw = self._fetch(source)
                    until = time.time() + self.seconds
                    cache.set(key, (raw, until), self.seconds)
                finally:
                    if took_lock:
                        cache.delete(lock_key)
                return self._copy(raw, until)
            time.sleep(POLL_SECONDS)


_ALL: list[PublishedDocument] = []  # type: ignore[type-arg]  # of any documents


def published_documents_forget_in_process() -> None:
    """Every process-local copy, for tests, which empty the cache between them."""
    for document in _ALL:
        document.forget_in_process()
