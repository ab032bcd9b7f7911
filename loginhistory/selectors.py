"""Reading the citizen's login history: from the per-session cache, or from the API."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from loginhistory.client import history_fetch
from loginhistory.types import Login


def history_cache_key(request: HttpRequest) -> str | None:
    """Derived from the session key, which Django renews at every login and logout, so one
    citizen's cached history can never be served to the next. Hashed, so that the key of a
    live session is not readable in a shared cache."""
    session_key = request.session.session_key
    if not session_key:
        return None
    return "loginhistory:" + hashlib.sha256(session_key.encode()).hexdigest()


# Reading 10,000 logins back from the cache (unpickling, then building the named tuples) took
# longer than the whole rest of the page, so each process also keeps the lists it built last,
# under the random stamp of the fetch they came from. The shared cache stays the truth: a
# list is reused only while the cache still holds the same stamp for that session, so
# "Oppdater" and expiry work across processes and machines.
_BUILT: OrderedDict[str, tuple[str, list[Login]]] = OrderedDict()
_BUILT_MAX = 16
_BUILT_LOCK = threading.Lock()


def login_history_for_session(*, request: HttpRequest) -> list[Login]:
    """The citizen's logins, newest first; fetched at most once per LOGINHISTORY_CACHE_SECONDS,
    so that paging, sorting and filtering do not call the API again."""
    key = history_cache_key(request)
    if key is None:
        return history_fetch(request)
    stamp = cache.get(f"{key}:stamp")
    if stamp is not None:
        with _BUILT_LOCK:
            built = _BUILT.get(key)
        if built is not None and built[0] == stamp:
            return built[1]
        rows = cache.get(f"{key}:rows")
        if rows is not None:
            return _remember(key, stamp, list(map(Login._make, rows)))
    logins = history_fetch(request)
    stamp = secrets.token_hex(8)
    # As plain tuples, which unpickle several times faster than named ones.
    rows = [tuple(login) for login in logins]
    cache.set_many(
        {f"{key}:rows": rows, f"{key}:stamp": stamp}, settings.LOGINHISTORY_CACHE_SECONDS
    )
    return _remember(key, stamp, logins)


def _remember(key: str, stamp: str, logins: list[Login]) -> list[Login]:
    with _BUILT_LOCK:
        _BUILT[key] = (stamp, logins)
        _BUILT.move_to_end(key)
        while len(_BUILT) > _BUILT_MAX:
            _BUILT.popitem(last=False)
    return logins


@dataclass(frozen=True)
class HistoryFilter:
    """What the citizen asked to see; empty means everything."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    eids: frozenset[str] = field(default_factory=frozenset)
    services: frozenset[str] = field(default_factory=frozenset)
    text: str = ""

    @property
    def active(self) -> bool:
        return self != HistoryFilter()


def logins_filtered(logins: Sequence[Login], criteria: HistoryFilter) -> list[Login]:
    if not criteria.active:
        return list(logins)
    text = criteria.text.casefold()
    return [
        login
        for login in logins
        if (criteria.date_from is None or login.time.date() >= criteria.date_from)
        and (criteria.date_to is None or login.time.date() <= criteria.date_to)
        and (not criteria.eids or login.eid in criteria.eids)
        and (not criteria.services or login.service in criteria.services)
        and (not text or text in login.service.casefold())
    ]


@dataclass(frozen=True)
class MonthCount:
    month: datetime.date  # the first day of the month
    count: int


def logins_per_month(logins: Sequence[Login], *, today: datetime.date) -> list[MonthCount]:
    """The last twelve months, this one included, oldest first, months without logins too."""
    months = []
    year, month = today.year, today.month
    for _ in range(12):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months.reverse()
    counts = Counter((login.time.year, login.time.month) for login in logins)
    return [MonthCount(month=m, count=counts[(m.year, m.month)]) for m in months]


def logins_per_eid(logins: Sequence[Login]) -> list[tuple[str, int]]:
    """Most used first; ties in alphabetical order."""
    counts = Counter(login.eid for login in logins)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))


def distinct_values(logins: Sequence[Login]) -> tuple[list[str], list[str]]:
    """The eIDs and the services that occur in the history, for the filter's choices."""
    eids = sorted({login.eid for login in logins}, key=str.casefold)
    services = sorted({login.service for login in logins}, key=str.casefold)
    return eids, services
