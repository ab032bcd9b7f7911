"""The history table: django-tables2 over the cached list, in Designsystemet's markup."""

from __future__ import annotations

import datetime
from operator import attrgetter
from typing import NamedTuple

import django_tables2 as tables
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tables2.data import TableListData
from django_tables2.utils import OrderBy

from idporten.eids import eid_display_name, eid_info, is_federated
from idporten.types import LevelOfAssurance
from loginhistory.forms import QUERY_NAMES, sort_value
from loginhistory.history import HistoryRows
from loginhistory.not_me import login_digest
from loginhistory.selectors import history_is_cut
from loginhistory.types import Login

TAG = '<span class="ds-tag" data-color="{}" data-size="sm">{}</span>'
# Stands for the digest in the reversed "Was this not you?" address; a digest is lowercase.
_DIGEST_MARK = "DIGEST"


def relative_day(moment: datetime.datetime, *, today: datetime.date) -> str:
    """A hint for recent logins ("yesterday", "3 days ago"); nothing after a week."""
    days = (today - moment.date()).days
    if days == 0:
        return str(_("today"))
    if days == 1:
        return str(_("yesterday"))
    if 1 < days < 7:
        return ngettext("%(days)d day ago", "%(days)d days ago", days) % {"days": days}
    return ""


def level_tag(eid: str) -> SafeString:
    """The eID's level in words, so that it does not hang on the tag's colour."""
    if is_federated(eid):
        return format_html(TAG, "neutral", _("already logged in"))
    level = eid_info(eid).level
    if level is LevelOfAssurance.HIGH:
        return format_html(TAG, "success", _("level 4, high"))
    if level is LevelOfAssurance.SUBSTANTIAL:
        return format_html(TAG, "info", _("level 3, substantial"))
    if level is LevelOfAssurance.SELF_REGISTERED:
        return format_html(TAG, "neutral", _("e-mail, no security level"))
    return format_html(TAG, "neutral", _("level not known"))


def _tags(*tags: tuple[bool, str, object]) -> SafeString:
    return format_html_join("", " " + TAG, ((color, text) for shown, color, text in tags if shown))


class LoginList(TableListData):  # type: ignore[misc]  # django-tables2 has no stubs
    """The filtered history (HistoryRows) as the table's data, sorted on its columns.

    TableListData sorts records through django-tables2's generic accessors, which took about
    90 ms for the 10,000-login persona; every column here sorts by a field of Login, which
    HistoryRows sorts on its arrays without building the logins.
    """

    data: HistoryRows

    def order_by(self, aliases: list[str]) -> None:
        keys: list[OrderBy] = []
        for alias in aliases:
            column = self.table.columns[OrderBy(alias).bare]
            order_by = column.order_by
            # As TableListData: the column's order_by already reflects the table's current
            # ordering, so an alias asking for the other direction takes its opposite.
            keys += order_by.opposite if alias[0] != column.order_by_alias[0] else order_by
        # A stable sort per key, least significant first, gives each key its own direction.
        for key in reversed(keys):
            if key.bare == "eid":
                self._sort_by_eid_name(descending=key.is_descending)
            else:
                self.data.sort(key.bare, descending=key.is_descending)

    def _sort_by_eid_name(self, *, descending: bool) -> None:
        """By the eID's name as the page shows it ("Single sign-on", not "Federated"), so that
        the sorted column reads in order; computed once per distinct eID."""
        history = self.data.history
        names = {
            index: eid_display_name(history.texts[index]).casefold() for index in set(history.eid)
        }
        self.data.rows.sort(key=lambda row: names[history.eid[row]], reverse=descending)


class LoginCells(NamedTuple):
    """One shown login, cell by cell: a row of the table on wide screens, and a block of the
    list on narrow ones (templates/loginhistory/_table.html)."""

    time: SafeString
    service: SafeString
    eid: SafeString
    orgno: SafeString
    details: SafeString

    def table_cells(self) -> SafeString:
        """The row's cells for the wide table, joined here: the template's loop over 125
        cells was a quarter of the table's time on the first page after a login."""
        return format_html_join("", "<td>{}</td>", ((cell,) for cell in self))


class ShownTime(NamedTuple):
    local: datetime.datetime
    date: str
    time: str


class Header(NamedTuple):
    column: tables.columns.BoundColumn
    aria_sort: str  # ascending | descending | none; "" for a column that does not sort
    sort_value: str  # the sort parameter's value that a click on the header asks for


class LoginTable(tables.Table):  # type: ignore[misc]  # django-tables2 has no stubs
    data: LoginList  # set by Table.__init__

    time = tables.Column(accessor="time", verbose_name=_("Time"))
    # Sorted by their own value only: the sort is stable and starts from the history's
    # newest-first order, so within one service (eID, organisation) the newest login comes
    # first whichever way the column is sorted, as it does in the unsorted table.
    service = tables.Column(accessor="service", verbose_name=_("Service"), order_by=("service",))
    eid = tables.Column(accessor="eid", verbose_name=_("eID"), order_by=("eid",))
    orgno = tables.Column(
        accessor="orgno", verbose_name=_("Organisation number"), order_by=("orgno",)
    )
    details = tables.Column(
        verbose_name=_("Details"), empty_values=(), orderable=False, accessor="integration_id"
    )

    class Meta:
        template_name = "loginhistory/_table.html"
        order_by_field = QUERY_NAMES["sort"]
        page_field = QUERY_NAMES["page"]  # the page size is the filter form's
        order_by = ("-time",)
        attrs = {"class": "ds-table history-table", "data-size": "sm", "data-border": True}

    def __init__(self, data: HistoryRows, **kwargs: object) -> None:
        super().__init__(LoginList(data), **kwargs)
        self.today = timezone.localdate()
        self._shown_times: dict[datetime.datetime, ShownTime] = {}
        self._eid_cells: dict[tuple[str, bool], SafeString] = {}
        self._shown_dates: dict[datetime.date, str] = {}
        # The "Was this not you?" address of a row differs from the others only in its digest:
        # reversed once per page, not once per row.
        self._not_me_address = reverse("loginhistory:not-me", args=[_DIGEST_MARK]).split(
            _DIGEST_MARK
        )
        # A history cut at LOGINHISTORY_MAXHITS may hold older logins that ID-porten did not
        # give: a login is then only known to be the first of those shown.
        self.first_label = (
            _("first in this overview") if history_is_cut(data.history) else _("first time")
        )

    @property
    def sorted_logins(self) -> HistoryRows:
        return self.data.data

    def headers(self) -> list[Header]:
        """The header row, with each sortable column's state and the sort its link asks for."""
        headers = []
        for column in self.columns:
            if not column.orderable:
                headers.append(Header(column, "", ""))
                continue
            if column.is_ordered:
                state = "descending" if column.order_by_alias.is_descending else "ascending"
            else:
                state = "none"
            headers.append(Header(column, state, sort_value(column.order_by_alias.next)))
        return headers

    def page_cells(self) -> list[LoginCells]:
        """The shown page, row by row and cell by cell, from each column's render_ method.

        Called directly: django-tables2's own row.items inspects each render method's
        signature again for every cell, which took a third of the table's time.
        """
        columns = [
            (getattr(self, f"render_{column.name}"), attrgetter(column.accessor))
            for column in self.columns
        ]
        return [
            LoginCells._make(render(value_of(login), login) for render, value_of in columns)
            for login in self.page.object_list.data
        ]

    def _shown_time(self, record: Login) -> ShownTime:
        """The login's local time as the page writes it, worked out once for the two cells
        that write it (the time, and the name of the "Was this not you?" link)."""
        shown = self._shown_times.get(record.time)
        if shown is None:
            local = timezone.localtime(record.time)
            # Django's date formatting is the slowest part of a row: once per day shown.
            date = self._shown_dates.get(local.date())
            if date is None:
                date = self._shown_dates[local.date()] = formats.date_format(local, "DATE_FORMAT")
            shown = ShownTime(local, date, formats.time_format(local, "TIME_FORMAT"))
            self._shown_times[record.time] = shown
        return shown

    def render_time(self, value: datetime.datetime, record: Login) -> SafeString:
        local, date, time = self._shown_time(record)
        hint = relative_day(local, today=self.today)
        return format_html(
            '<time datetime="{}">{} {}</time>{}{}',
            local.isoformat(),
            date,
            time,
            format_html(' <span class="history-hint">({})</span>', hint) if hint else "",
            _tags((record.at_night, "warning", _("at night"))),
        )

    def render_service(self, value: str, record: Login) -> SafeString:
        return format_html(
            "{}{}", value, _tags((record.first_at_service, "warning", self.first_label))
        )

    def render_eid(self, value: str, record: Login) -> SafeString:
        # A single sign-on is no eID: its first time tells nothing about the citizen's eIDs.
        first_with_eid = record.first_with_eid and not is_federated(value)
        # A page has a few eIDs in many rows: each cell is made once.
        cell = self._eid_cells.get((value, first_with_eid))
        if cell is None:
            cell = format_html(
                "{} {}{}",
                eid_display_name(value),
                level_tag(value),
                _tags((first_with_eid, "warning", self.first_label)),
            )
            self._eid_cells[(value, first_with_eid)] = cell
        return cell

    def render_orgno(self, value: str, record: Login) -> SafeString:
        return format_html("{}", value or "\N{EM DASH}")  # django-tables2's mark for empty

    def render_details(self, value: str, record: Login) -> SafeString:
        # The link's name says which login it is about (a screen reader's list of links
        # otherwise reads "Was this not you?" 25 times); the address names it by a digest,
        # never by anything personal (loginhistory/not_me.py).
        _local, date, time = self._shown_time(record)
        which = _("The login at %(time)s on %(date)s to %(service)s with %(eid)s") % {
            "time": time,
            "date": date,
            "service": record.service,
            "eid": eid_display_name(record.eid),
        }
        return format_html(
            '<details class="ds-details history-details"><summary>{}</summary>'
            '<div><p class="ds-paragraph" data-size="sm">{} <code>{}</code></p></div>'
            '</details> <a class="ds-link" href="{}">{}<span class="ds-sr-only"> {}</span></a>',
            _("Integration"),
            _("Integration id:"),
            value,
            login_digest(record).join(self._not_me_address),
            _("Was this not you?"),
            which,
        )
