"""From the request's query to what the history page and the exports show."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone
from django_tables2 import RequestConfig

from loginhistory.forms import HistoryFilterForm
from loginhistory.selectors import distinct_values, logins_filtered
from loginhistory.tables import LoginTable
from loginhistory.types import Login


@dataclass
class FilteredHistory:
    form: HistoryFilterForm
    # None when the form is invalid: the page then shows the errors, not a guess.
    logins: list[Login] | None


def history_filtered(*, request: HttpRequest, logins: list[Login]) -> FilteredHistory:
    eids, services = distinct_values(logins)
    form = HistoryFilterForm(request.GET, eids=eids, services=services, today=timezone.localdate())
    if not form.is_valid():
        return FilteredHistory(form=form, logins=None)
    return FilteredHistory(form=form, logins=logins_filtered(logins, form.criteria()))


def history_table(*, request: HttpRequest, history: FilteredHistory) -> LoginTable:
    """Sorted and paged by django-tables2 from the query (sortering, side); a page beyond the
    end shows the last page."""
    table = LoginTable(history.logins or [])
    RequestConfig(request, paginate={"per_page": history.form.page_size}).configure(table)
    return table
