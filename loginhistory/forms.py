"""The history's filter: a GET form, so that a filtered view is a URL that can be kept."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple, cast

from django import forms
from django.http import QueryDict
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from idporten.eids import eid_display_name
from loginhistory.types import HistoryFilter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The query parameters of the history page's public URLs, by the form's field names. Links and
# bookmarks carry them, so they stay Norwegian; everywhere else the code uses the English names.
QUERY_NAMES = {
    "period": "periode",
    "date_from": "fra",
    "date_to": "til",
    "search": "sok",
    "eids": "eid",
    "services": "tjeneste",
    "page_size": "antall",
    "sort": "sortering",
    "page": "side",
}
# The table's columns (loginhistory.tables) as the sort parameter names them.
SORT_VALUES = {"time": "tid", "service": "tjeneste", "eid": "eid", "orgno": "orgno"}
COLUMNS_BY_SORT_VALUE = {value: column for column, value in SORT_VALUES.items()}
FILTER_FIELDS = ("period", "date_from", "date_to", "eids", "services", "search")

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
SEARCH_MAX_LENGTH = 100
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]  # what <input type="date"> sends, and what people type


class Period:
    ALL = ""
    WEEK = "7d"
    MONTH = "30d"
    YEAR = "12m"


PERIOD_CHOICES = [
    (Period.ALL, _("All of the history")),
    (Period.WEEK, _("The last 7 days")),
    (Period.MONTH, _("The last 30 days")),
    (Period.YEAR, _("The last 12 months")),
]


def period_start(period: str, *, today: datetime.date) -> datetime.date | None:
    """The first day of a quick choice; the period includes today."""
    if period == Period.WEEK:
        return today - datetime.timedelta(days=6)
    if period == Period.MONTH:
        return today - datetime.timedelta(days=29)
    if period == Period.YEAR:
        # The day after the same date last year; 29 February falls back to the 28th.
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:
            year_ago = today.replace(year=today.year - 1, day=28)
        return year_ago + datetime.timedelta(days=1)
    return None


def _date_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date that exists, such as 2025-03-17.")},
    )


def _choices_field(
    label: StrOrPromise,
    values: Sequence[str],
    invalid: StrOrPromise,
    shown_as: Callable[[str], str] = str,
) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=[(value, shown_as(value)) for value in values],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": invalid},
    )


def _date(day: datetime.date) -> dict[str, str]:
    return {"date": formats.date_format(day, "DATE_FORMAT")}


def sort_value(alias: str) -> str:
    """A column's sort alias ("-time") as the sort parameter writes it ("-tid")."""
    descending = alias.startswith("-")
    return "-" * descending + SORT_VALUES[alias.removeprefix("-")]


def _sort_alias(value: str) -> str | None:
    descending = value.startswith("-")
    column = COLUMNS_BY_SORT_VALUE.get(value.removeprefix("-"))
    return None if column is None else "-" * descending + column


class ActiveFilter(NamedTuple):
    """One part of the filter the page shows, and the page's query without it."""

    label: str
    query_without: str


class HistoryFilterForm(forms.Form):
    """The filter, the page size, the sort and the page, under their public query names
    (QUERY_NAMES)."""

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=PERIOD_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the periods in the list.")},
    )
    date_from = _date_field(_("From date"))
    date_to = _date_field(_("To date"))
    search = forms.CharField(
        label=_("Search for a service"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": _("Search with at most %(limit_value)d characters."),
        },
    )
    page_size = forms.TypedChoiceField(
        label=_("Logins per page"),
        required=False,
        choices=[(size, str(size)) for size in PAGE_SIZES],
        coerce=int,
        empty_value=DEFAULT_PAGE_SIZE,  # type: ignore[arg-type]  # Django takes any value
        error_messages={"invalid_choice": _("Choose 10, 25, 50 or 100 logins per page.")},
    )
    # Neither is ever an error: an unknown sort is no sort, and every page number shows a page
    # (loginhistory.query.EdgePaginator).
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    page = forms.CharField(required=False)

    def __init__(
        self,
        data: QueryDict | None,
        *,
        eids: Sequence[str],
        services: Sequence[str],
        today: datetime.date,
    ) -> None:
        if data is not None and QUERY_NAMES["page_size"] not in data:
            # Shown as chosen in the form, or the browser preselects the first size.
            data = data.copy()
            data[QUERY_NAMES["page_size"]] = str(DEFAULT_PAGE_SIZE)
        super().__init__(data)
        self.query = data
        self.today = today
        # The choices are what the citizen's own history contains.
        self.fields["eids"] = _choices_field(
            _("eID"), eids, _("Choose among the eIDs in your history."), eid_display_name
        )
        self.fields["services"] = _choices_field(
            _("Service"), services, _("Choose among the services in your history.")
        )
        self.order_fields([*FILTER_FIELDS[:3], "eids", "services", "search", "page_size"])
        for field in self.fields.values():
            field.widget.attrs["class"] = "ds-input"

    def add_prefix(self, field_name: str) -> str:
        # Django also passes ids through here (for the initial values' ids): those stay.
        return QUERY_NAMES.get(field_name, field_name)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_from", _("The from date cannot be after the to date."))
        return cleaned

    def criteria(self) -> HistoryFilter:
        """The filter the valid form asks for; the quick period and the dates both apply."""
        data = self.cleaned_data
        period_from = period_start(data["period"], today=self.today)
        starts = [d for d in (data["date_from"], period_from) if d]
        return HistoryFilter(
            date_from=max(starts) if starts else None,
            date_to=data["date_to"],
            eids=frozenset(data["eids"]),
            services=frozenset(data["services"]),
            text=data["search"].strip(),
        )

    @property
    def rows_per_page(self) -> int:
        """Of a valid form."""
        return cast(int, self.cleaned_data["page_size"])  # coerce=int, and an int when empty

    @property
    def page_number(self) -> str:
        """Of a valid form: as asked, for the paginator to make a page of."""
        return cast(str, self.cleaned_data["page"]) or "1"

    def sort_order(self) -> tuple[str, ...] | None:
        """The table's order as the query asks, in its columns' aliases ("-time"); None when
        the query does not ask. Values that name no column are left out (as django-tables2
        leaves out unknown columns), so asking only for those leaves the rows unsorted."""
        if self.query is None or QUERY_NAMES["sort"] not in self.query:
            return None
        values = self.query.getlist(QUERY_NAMES["sort"])
        return tuple(alias for alias in map(_sort_alias, values) if alias)

    def active_filters(self) -> list[ActiveFilter]:
        """Of a valid form: each part of the filter in words, with the query that drops just
        that part (one eID of several, say) and starts again from the first page."""
        data = self.cleaned_data
        parts: list[tuple[str, str | None, str]] = []  # (field, the value to drop, label)
        if data["period"]:
            parts.append(("period", None, str(dict(PERIOD_CHOICES)[data["period"]])))
        if data["date_from"]:
            parts.append(("date_from", None, gettext("From %(date)s") % _date(data["date_from"])))
        if data["date_to"]:
            parts.append(("date_to", None, gettext("To %(date)s") % _date(data["date_to"])))
        parts += [("eids", eid, eid_display_name(eid)) for eid in data["eids"]]
        parts += [("services", service, service) for service in data["services"]]
        if text := data["search"].strip():
            parts.append(("search", None, gettext("Search: %(text)s") % {"text": text}))
        return [
            ActiveFilter(label, self._query_without(field, value)) for field, value, label in parts
        ]

    def _query_without(self, field: str, value: str | None) -> str:
        """The query without the field, or without one of its values (None: all of them)."""
        query = (self.query or QueryDict()).copy()
        name = self.add_prefix(field)
        if value is None:
            query.pop(name, None)
        else:
            query.setlist(name, [kept for kept in query.getlist(name) if kept != value])
        query.pop(QUERY_NAMES["page"], None)
        return query.urlencode()

    @property
    def has_filter_input(self) -> bool:
        """The citizen asked for a filter (valid or not): the filter panel starts open."""
        return any(self.data.get(self.add_prefix(name)) for name in FILTER_FIELDS)
