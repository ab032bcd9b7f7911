"""From the page's query to what the history page and the exports show: the filter form, the
filtered rows, and the sorted table with its page."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils import timezone, translation

from loginhistory.forms import HistoryFilterForm
from loginhistory.history import History, HistoryRows
from loginhistory.selectors import distinct_values, logins_filtered
from loginhistory.tables import LoginTable


@dataclass
class FilteredHistory:
    form: HistoryFilterForm
    history: History

    @property
    def valid(self) -> bool:
        return self.form.is_valid()

    @cached_property
    def logins(self) -> HistoryRows:
        """Only for a valid form: an invalid one gets its errors shown, not a guess. Worked
        out when first asked for: a history page whose table was rendered before
        (loginhistory/fragments.py) never asks, and filtering the heavy persona's 10,000
        logins was the most of what such a page view did itself."""
        if not self.valid:
            raise ValueError("the filter form is not valid")
        return logins_filtered(self.history, self.form.criteria())


# Filters kept per process. Each holds on to its history, so they are fewer than the
# histories each process keeps (loginhistory.selectors.RECENT_HISTORIES): at most this many
# more histories stay in memory, a quarter of a megabyte each for the 10,000-login persona.
RECENT_FILTERS = 64


def history_filtered(*, query: QueryDict, history: History) -> FilteredHistory:
    """The filter form over the query, validated. The same query of the same fetch of the
    history, on the same day and in the same language, gets the same one back: building the
    form (its choices, and Django's copy of every field) and validating it was a tenth of a
    page view whose parts were rendered before."""
    return _filtered(history, query.urlencode(), timezone.localdate(), translation.get_language())


@functools.lru_cache(maxsize=RECENT_FILTERS)
def _filtered(
    history: History, query: str, today: datetime.date, language: str | None
) -> FilteredHistory:
    """`language`: the eID choices are named in it. Keyed by the History object itself, which
    a refresh or another citizen's fetch never shares."""
    eids, services = distinct_values(history)
    form = HistoryFilterForm(QueryDict(query), eids=eids, services=services, today=today)
    # Validated here, once, so that the threads that share it from here on only read it.
    form.is_valid()
    return FilteredHistory(form=form, history=history)


class EdgePaginator(Paginator):  # type: ignore[type-arg]  # not subscriptable at run time
    """Every page number shows a page: one before the first shows the first, one beyond the
    end the last (a kept link to page 9 still works once a filter leaves three pages), and
    anything that is not a number the first."""

    def validate_number(self, number: object) -> int:
        try:
            wanted: int = int(number)  # type: ignore[call-overload]  # a refusal is caught
        except (TypeError, ValueError):
            wanted = 1
        return min(max(wanted, 1), self.num_pages)


def sorted_table(*, form: HistoryFilterForm, logins: HistoryRows) -> LoginTable:
    """The table over the filtered logins, sorted as the valid form asks."""
    table = LoginTable(logins)
    order = form.sort_order()
    if order is not None:
        table.order_by = order
    return table


def history_table(*, form: HistoryFilterForm, logins: HistoryRows) -> LoginTable:
    """The sorted table's page that the valid form asks for, of its page size."""
    table = sorted_table(form=form, logins=logins)
    table.paginate(
        paginator_class=EdgePaginator, per_page=form.rows_per_page, page=form.page_number
    )
    return table
