"""The history's filter: a GET form, so that a filtered view is a URL that can be kept."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from loginhistory.selectors import HistoryFilter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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
    label: StrOrPromise, values: Sequence[str], invalid: StrOrPromise
) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=[(value, value) for value in values],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": invalid},
    )


class HistoryFilterForm(forms.Form):
    periode = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=PERIOD_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the periods in the list.")},
    )
    fra = _date_field(_("From date"))
    til = _date_field(_("To date"))
    sok = forms.CharField(
        label=_("Search for a service"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": _("Search with at most %(limit_value)d characters."),
        },
    )
    antall = forms.TypedChoiceField(
        label=_("Logins per page"),
        required=False,
        choices=[(size, str(size)) for size in PAGE_SIZES],
        coerce=int,
        empty_value=DEFAULT_PAGE_SIZE,  # type: ignore[arg-type]  # Django takes any value
        error_messages={"invalid_choice": _("Choose 10, 25, 50 or 100 logins per page.")},
    )

    def __init__(
        self,
        data: QueryDict | None,
        *,
        eids: Sequence[str],
        services: Sequence[str],
        today: datetime.date,
    ) -> None:
        if data is not None and "antall" not in data:
            # Shown as chosen in the form, or the browser preselects the first size.
            data = data.copy()
            data["antall"] = str(DEFAULT_PAGE_SIZE)
        super().__init__(data)
        self.today = today
        # The choices are what the citizen's own history contains.
        self.fields["eid"] = _choices_field(
            _("eID"), eids, _("Choose among the eIDs in your history.")
        )
        self.fields["tjeneste"] = _choices_field(
            _("Service"), services, _("Choose among the services in your history.")
        )
        self.order_fields(["periode", "fra", "til", "eid", "tjeneste", "sok", "antall"])
        for field in self.fields.values():
            field.widget.attrs["class"] = "ds-input"

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("fra"), cleaned.get("til")
        if date_from and date_to and date_from > date_to:
            self.add_error("fra", _("The from date must be on or before the to date."))
        return cleaned

    def criteria(self) -> HistoryFilter:
        """The filter the valid form asks for; the quick period and the dates both apply."""
        data = self.cleaned_data
        starts = [d for d in (data["fra"], period_start(data["periode"], today=self.today)) if d]
        return HistoryFilter(
            date_from=max(starts) if starts else None,
            date_to=data["til"],
            eids=frozenset(data["eid"]),
            services=frozenset(data["tjeneste"]),
            text=data["sok"].strip(),
        )

    @property
    def page_size(self) -> int:
        """Of a valid form."""
        return cast(int, self.cleaned_data["antall"])  # coerce=int, and an int when empty

    @property
    def has_filter_input(self) -> bool:
        """The citizen asked for a filter (valid or not): the filter panel starts open."""
        return any(
            self.data.get(name) for name in ("periode", "fra", "til", "eid", "tjeneste", "sok")
        )
