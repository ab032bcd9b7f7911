"""Reading the citizen's login history: from the per-session cache, or from the API."""

from __future__ import annotations

import datetime
import hashlib
import itertools
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache

from authlevel.selectors import badge_cache_key
from caseworker.selectors import lookups_cache_key
from common.cache import CacheRead, ReadTogether, cache_read
from idporten.eids import eid_display_name
from idporten.loginhistory_api import login_records
from idporten.session import LoginDetails
from loginhistory.history import History, HistoryRows, day_end, day_start, flagged
from loginhistory.types import HistoryFilter, MonthCount


def history_cache_key(session: SessionBase) -> str | None:
    """Derived from the session key, which Django renews at every login and logout, so one
    citizen's cached history can never be served to the next. Hashed, so that the key of a
    live session is not readable in a shared cache."""
    session_key = session.session_key
    if not session_key:
        return None
    # Versioned: a deploy that changes History must not read what the old code cached.
    return "loginhistory:v4:" + hashlib.sha256(session_key.encode()).hexdigest()


def history_version_key(history_key: str) -> str:
    """Beside each cached history, the version of it that is current (History.version)."""
    return f"{history_key}:version"


class RecentHistories:
    """The histories this process read last, so that a page view reads back only the small
    version from the shared cache, not the whole history (for the 10,000-login persona, a
    quarter of a megabyte to unpickle on every page). One is used only while the shared cache
    names its version as the current one: a refresh or a logout in any process ends it there."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._histories: OrderedDict[str, History] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, version: str) -> History | None:
        with self._lock:
            history = self._histories.get(key)
            if history is None or history.version != version:
                return None
            self._histories.move_to_end(key)
            return history

    def keep(self, key: str, history: History) -> None:
        with self._lock:
            self._histories[key] = history
            self._histories.move_to_end(key)
            while len(self._histories) > self._size:
                self._histories.popitem(last=False)


# As many as the page's fragments are kept for: a history is kept while its page is.
RECENT_HISTORIES = RecentHistories(size=settings.CACHES["fragments"]["OPTIONS"]["MAX_ENTRIES"])


def login_history_for_session(session: SessionBase, *, read: CacheRead = cache_read) -> History:
    """The citizen's logins, newest first, flagged; fetched at most once per
    LOGINHISTORY_CACHE_SECONDS, so that paging, sorting and filtering do not call the API
    again. The version is read with `read`. Raises the API's HistoryUnavailable and
    HistoryNotOffered."""
    key = history_cache_key(session)
    history = _cached_history(key, read) if key else None
    if history is None:
        history = History(flagged(login_records(session)))
        if key:
            cache.set_many(
                {key: history, history_version_key(key): history.version},
                settings.LOGINHISTORY_CACHE_SECONDS,
            )
            RECENT_HISTORIES.keep(key, history)
    return history


def _cached_history(key: str, read: CacheRead) -> History | None:
    version = read(history_version_key(key))
    if version is None:
        return None
    kept = RECENT_HISTORIES.get(key, version)
    if kept is not None:
        return kept
    history: History | None = cache.get(key)
    if history is not None:
        RECENT_HISTORIES.keep(key, history)
    return history


def page_cache_reads(details: LoginDetails | None, session: SessionBase) -> ReadTogether:
    """What a view of the history page reads from the cache first, in one round trip instead
    of three: the history's version, the badge's lookup and "Oppslag på deg". Each of the
    three is read whether or not the view then needs it (a login at the high level needs no
    lookup): one more key in the same round trip costs next to nothing."""
    key = history_cache_key(session)
    keys = [history_version_key(key)] if key else []
    if details is not None and details.pid:
        keys += [badge_cache_key(details.pid), lookups_cache_key(details.pid)]
    return ReadTogether(keys)


def logins_filtered(history: History, criteria: HistoryFilter) -> HistoryRows:
    """The rows that match, newest first. The period is one run of rows (the history is in
    time order); the other criteria are checked row by row on the columns' indexes."""
    rows: Sequence[int] = history.rows_between(
        None if criteria.date_from is None else day_start(criteria.date_from),
        None if criteria.date_to is None else day_end(criteria.date_to),
    )
    text = criteria.text.casefold()
    checks = [
        (column, history.indexes_of(values))
        for column, values in (
            (history.eid, criteria.eids),
            (history.service, criteria.services),
        )
        if values
    ]
    if text:
        matching = (name for name in history.distinct("service") if text in name.casefold())
        checks.append((history.service, history.indexes_of(matching)))
    for column, wanted in checks:
        rows = [row for row in rows if column[row] in wanted]
    return HistoryRows(history, rows)


def logins_per_month(history: History, *, today: datetime.date) -> list[MonthCount]:
    """The last twelve months, this one included, oldest first, months without logins too."""
    # The first days of the twelve months and of the next one, which ends the last.
    starts = [_first_of_month(today, months_later=delta) for delta in range(-11, 2)]
    return [
        MonthCount(month=start, count=len(history.rows_between(day_start(start), day_start(end))))
        for start, end in itertools.pairwise(starts)
    ]


def _first_of_month(day: datetime.date, *, months_later: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months_later, 12)
    return datetime.date(year, month + 1, 1)


def logins_per_eid(history: History) -> list[tuple[str, int]]:
    """By the eIDs' shown names (two spellings of one are one), most used first; ties in
    alphabetical order."""
    counts: Counter[str] = Counter()
    for eid, count in history.counts("eid").items():
        counts[eid_display_name(eid)] += count
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))


def history_is_cut(history: History) -> bool:
    """ID-porten gave as many logins as the portal asks for (LOGINHISTORY_MAXHITS), so it may
    hold older ones that are not in this history."""
    return len(history) >= settings.LOGINHISTORY_MAXHITS


def history_span(history: History) -> tuple[datetime.datetime, datetime.datetime] | None:
    """The times of the oldest and the newest login; None for an empty history."""
    if not history:
        return None
    return history.login(len(history) - 1).time, history.login(0).time


def distinct_values(history: History) -> tuple[list[str], list[str]]:
    """The eIDs and the services that occur in the history, for the filter's choices, in the
    order of the names the page shows."""
    eids = sorted(history.distinct("eid"), key=lambda eid: eid_display_name(eid).casefold())
    services = sorted(history.distinct("service"), key=str.casefold)
    return eids, services
