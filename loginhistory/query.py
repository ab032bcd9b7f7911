"""From the page's query to what the history page and the exports show: the filter form, the
filtered rows, and the sorted table with its page."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils import timezone

from loginhistory.forms import HistoryFilterForm
from loginhistory.history import History, HistoryRows
from loginhistory.selectors import distinct_values, logins_filtered
from loginhistory.tables import LoginTable


@dataclass
class FilteredHistory:
    form: HistoryFilterForm
    # None when the form is invalid: the page then shows the errors, not a guess.
    logins: HistoryRows | None


def history_filtered(*, query: QueryDict, history: History) -> FilteredHistory:
    eids, services = distinct_values(history)
    form = HistoryFilterForm(query, eids=eids, services=services, today=timezone.localdate())
    if not form.is_valid():
        return FilteredHistory(form=form, logins=None)
    return FilteredHistory(form=form, logins=logins_filtered(history, form.criteria()))


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
