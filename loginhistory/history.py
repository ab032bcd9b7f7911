"""The fetched history as the portal keeps it between page views: in columns, not as logins.

The heaviest histories hold 10,000 logins, and every page view reads the history back from the
shared cache. Ten thousand Python objects (a Login and its datetime each) take longer to
rebuild than the rest of the page takes to render, while a page shows 25 of them. So the
history is kept as a few arrays, which pickle reads at once; filtering, sorting and counting
work on the arrays, and Login objects are built only for the rows that are shown or exported.

Times are kept as wall-clock seconds: the Norwegian local time the API gives, counted from
1970-01-01T00:00 as if it were UTC. That keeps the API's local time exactly as given (the
repeated hour when summer time ends included), orders as the API's times do, and turns a
filter on local dates into comparisons of integers.
"""

from __future__ import annotations

import array
import bisect
import datetime
import operator
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import overload

from loginhistory.types import OSLO, Login, LoginRecord

_WALL_EPOCH = datetime.datetime(1970, 1, 1)
SECONDS_PER_DAY = 86_400
_FIRST_AT_SERVICE = 1
_FIRST_WITH_EID = 2
# The columns of text, each kept as indexes into History.texts.
TEXT_COLUMNS = ("service", "eid", "integration_id", "orgno")


def wall_seconds(moment: datetime.datetime) -> int:
    """A time as Norwegian wall-clock seconds: an aware one is read in Europe/Oslo first (one
    already there is left exactly as it is), a naive one is taken to be Norwegian."""
    local = moment.astimezone(OSLO) if moment.tzinfo else moment
    return int((local.replace(tzinfo=None) - _WALL_EPOCH).total_seconds())


def day_start(day: datetime.date) -> int:
    """The first wall-clock second of a local date."""
    return (day - _WALL_EPOCH.date()).days * SECONDS_PER_DAY


def day_end(day: datetime.date) -> int:
    """The first wall-clock second after a local date (in seconds: the day after 9999-12-31
    is no date)."""
    return day_start(day) + SECONDS_PER_DAY


def flagged(records: Iterable[LoginRecord]) -> list[Login]:
    """Newest first, with "first time" flags: the oldest login to each service and the oldest
    use of each eID within this history, which is all the portal can know of."""
    # Reversed first, so that logins with the same time keep the API's order in the end.
    ordered = sorted(reversed(list(records)), key=lambda record: record.time)
    services: set[str] = set()
    eids: set[str] = set()
    result: list[Login] = []
    for record in ordered:
        first_at_service = record.service not in services
        first_with_eid = record.eid not in eids
        services.add(record.service)
        eids.add(record.eid)
        result.append(Login(*record, first_at_service, first_with_eid))
    result.reverse()
    return result


class History:
    """A citizen's fetched logins, newest first, in columns (see the module's docstring)."""

    def __init__(self, logins: Iterable[Login]) -> None:
        """From logins that are newest first, as flagged() gives them."""
        # Names this fetch of the history wherever it is read back: what is rendered from it
        # alone is kept under it (loginhistory/fragments.py). Random, so that no
        # other history, another citizen's or a refreshed one, can ever share it.
        self.version = secrets.token_hex(16)
        self.texts: list[str] = []
        text_index: dict[str, int] = {}
        self.times = array.array("q")
        self.flags = bytearray()
        columns = {name: array.array("I") for name in TEXT_COLUMNS}
        for login in logins:
            self.times.append(wall_seconds(login.time))
            self.flags.append(
                _FIRST_AT_SERVICE * login.first_at_service + _FIRST_WITH_EID * login.first_with_eid
            )
            for name, column in columns.items():
                text = getattr(login, name)
                index = text_index.get(text)
                if index is None:
                    index = text_index[text] = len(self.texts)
                    self.texts.append(text)
                column.append(index)
        self.service, self.eid, self.integration_id, self.orgno = columns.values()
        # Filled on first use: the filter's choices ask on every page view, and a history
        # is read back once per process and then kept (loginhistory.selectors).
        self._distinct: dict[str, frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self.times)

    def login(self, row: int) -> Login:
        texts, flags = self.texts, self.flags[row]
        time = _WALL_EPOCH + datetime.timedelta(seconds=self.times[row])
        return Login(
            time=time.replace(tzinfo=OSLO),
            service=texts[self.service[row]],
            eid=texts[self.eid[row]],
            integration_id=texts[self.integration_id[row]],
            orgno=texts[self.orgno[row]],
            first_at_service=bool(flags & _FIRST_AT_SERVICE),
            first_with_eid=bool(flags & _FIRST_WITH_EID),
        )

    def rows_between(self, start: int | None, end: int | None) -> range:
        """The rows whose wall-clock time t has start <= t < end (None: no bound)."""
        # The times are newest first, so their negatives are in ascending order.
        first = 0 if end is None else bisect.bisect_right(self.times, -end, key=operator.neg)
        last = (
            len(self)
            if start is None
            else bisect.bisect_right(self.times, -start, key=operator.neg)
        )
        return range(first, max(first, last))

    def counts(self, column: str) -> Counter[str]:
        """How often each text occurs in one of TEXT_COLUMNS."""
        return Counter({self.texts[i]: n for i, n in Counter(getattr(self, column)).items()})

    def distinct(self, column: str) -> frozenset[str]:
        found = self._distinct.get(column)
        if found is None:
            found = frozenset(self.texts[i] for i in set(getattr(self, column)))
            self._distinct[column] = found
        return found

    def indexes_of(self, texts: Iterable[str]) -> set[int]:
        wanted = set(texts)
        return {index for index, text in enumerate(self.texts) if text in wanted}

    def sort_key(self, field: str) -> Callable[[int], int | str]:
        """A row's value of a Login field, for sorting rows (the time as wall-clock seconds)."""
        if field == "time":
            return self.times.__getitem__
        return list(map(self.texts.__getitem__, getattr(self, field))).__getitem__


class HistoryRows(Sequence[Login]):
    """Some rows of a History, in an order of their own: the table's and the exports' data.

    A slice or an index builds the Login objects of just those rows.
    """

    def __init__(self, history: History, rows: Iterable[int]) -> None:
        self.history = history
        self.rows = list(rows)

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, key: int) -> Login: ...
    @overload
    def __getitem__(self, key: slice) -> list[Login]: ...
    def __getitem__(self, key: int | slice) -> Login | list[Login]:
        if isinstance(key, slice):
            return list(map(self.history.login, self.rows[key]))
        return self.history.login(self.rows[key])

    def __iter__(self) -> Iterator[Login]:
        return map(self.history.login, self.rows)

    def sort(self, field: str, *, descending: bool = False) -> None:
        """Stable, by a Login field, so that sorting by several fields goes least significant
        first."""
        self.rows.sort(key=self.history.sort_key(field), reverse=descending)
