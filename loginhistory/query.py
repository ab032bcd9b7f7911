"""From the page's query to what the history page and the exports show: the filter form, the
filtered rows, and the sorted table with its page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

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
    history: History

    @property
    def valid(self) -> bool:
        return self.form.is_valid()

    @cached_property
    def logins(self) -> HistoryRows:
        """Only for a valid form: an invalid one gets its errors shown, not a guess. Worked
        out when first asked for: a history page whose table was rendered before (the
        fragments of templates/loginhistory/overview.html) never asks, and filtering the
        heavy persona's 10,000 logins was the most of what such a page view did itself."""
        if not self.valid:
            raise ValueError("the filter form is not valid")
        return logins_filtered(self.history, self.form.criteria())


def history_filtered(*, query: QueryDict, history: History) -> FilteredHistory:
    eids, services = distinct_values(history)
    form = HistoryFilterForm(query, eids=eids, services=services, today=timezone.localdate())
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
