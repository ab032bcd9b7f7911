"""The history as it is kept between page views (loginhistory/history.py): in columns, with
the API's local times kept exactly, and logins rebuilt only when asked for."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache

from idporten.loginhistory_api import parse_items
from loginhistory.chart import month_chart
from loginhistory.history import History, HistoryRows, day_end, day_start, flagged, wall_seconds
from loginhistory.selectors import logins_per_month
from loginhistory.types import OSLO, MonthCount
from tests.loginhistory.conftest import item


def history_of(*times: str, **fields: str) -> History:
    return History(flagged(parse_items([item(time, **fields) for time in times])))


def test_every_login_comes_back_as_it_went_in_after_a_trip_through_the_cache() -> None:
    logins = flagged(
        parse_items(
            [
                item("2025-03-02T10:00:00", service="NAV", eid="MinID PIN", orgno="889640782"),
                item("2025-03-01T09:00:00", service="SKATTEETATEN", eid="BankID"),
                item("2025-02-28T08:00:00", service="NAV", eid="BankID", integration_id="x"),
            ]
        )
    )

    cache.set("history", History(logins))  # pickled, as by Redis
    kept = cache.get("history")

    assert list(HistoryRows(kept, range(len(kept)))) == logins
    assert [kept.login(row).first_at_service for row in range(3)] == [False, True, True]


@pytest.mark.parametrize(
    "day",
    [
        "2025-10-26",  # summer time ends at 03:00: 02:00-02:59 happens twice
        "2025-03-30",  # summer time starts at 02:00: a clock never shows 02:30
    ],
)
def test_times_around_the_summer_time_changes_keep_their_local_time_and_order(day: str) -> None:
    # The API gives local times without an offset, so the portal shows them as given.
    history = history_of(f"{day}T03:10:00", f"{day}T02:30:00", f"{day}T01:50:00")

    shown = [history.login(row).time for row in range(3)]

    assert [moment.strftime("%H:%M") for moment in shown] == ["03:10", "02:30", "01:50"]
    assert shown == sorted(shown, reverse=True)


def test_a_period_of_dates_holds_the_whole_of_its_first_and_last_days() -> None:
    history = history_of(
        "2025-03-03T00:00:00",
        "2025-03-02T23:59:59",
        "2025-03-01T00:00:00",
        "2025-02-28T23:59:59",
    )

    rows = history.rows_between(
        day_start(datetime.date(2025, 3, 1)), day_end(datetime.date(2025, 3, 2))
    )

    assert [history.login(row).time.isoformat() for row in rows] == [
        "2025-03-02T23:59:59+01:00",
        "2025-03-01T00:00:00+01:00",
    ]


def test_the_last_date_there_is_ends_a_period_without_overflowing() -> None:
    history = history_of("2025-03-01T00:00:00")

    assert list(history.rows_between(None, day_end(datetime.date.max))) == [0]
    assert list(history.rows_between(day_start(datetime.date.min), None)) == [0]


def test_rows_sort_by_a_field_without_losing_the_order_of_equal_values() -> None:
    history = history_of("2025-03-03T10:00:00", "2025-03-02T10:00:00", "2025-03-01T10:00:00")
    rows = HistoryRows(history, range(3))

    rows.sort("service")  # all the same service: the time order stays
    assert [login.time.day for login in rows] == [3, 2, 1]
    rows.sort("time")
    assert [login.time.day for login in rows[0:2]] == [1, 2]


def test_counts_and_distinct_values_name_the_texts() -> None:
    history = History(
        flagged(
            parse_items(
                [
                    item("2025-03-03T10:00:00", eid="BankID"),
                    item("2025-03-02T10:00:00", eid="MinID PIN"),
                    item("2025-03-01T10:00:00", eid="BankID"),
                ]
            )
        )
    )

    assert history.counts("eid") == {"BankID": 2, "MinID PIN": 1}
    assert history.distinct("eid") == {"BankID", "MinID PIN"}


def test_logins_per_month_count_whole_local_months_across_the_new_year() -> None:
    history = history_of(
        "2026-01-31T23:59:59",  # the current month, its last second
        "2025-12-01T00:00:00",
        "2025-11-30T23:59:59",
        "2025-02-01T00:00:00",  # the oldest of the twelve months, its first second
        "2025-01-31T23:59:59",  # thirteen months back: not counted
    )

    months = logins_per_month(history, today=datetime.date(2026, 1, 15))

    assert [m.month for m in months][:2] == [datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)]
    assert [(m.month.isoformat(), m.count) for m in months if m.count] == [
        ("2025-02-01", 1),
        ("2025-11-01", 1),
        ("2025-12-01", 1),
        ("2026-01-01", 1),
    ]
    assert len(months) == 12


def test_the_chart_scales_to_the_busiest_month_and_draws_no_bar_for_an_empty_one() -> None:
    months = [MonthCount(datetime.date(2025, m, 1), n) for m, n in [(1, 0), (2, 5), (3, 10)]]

    chart = month_chart(months)

    empty, half, busiest = chart.bars
    assert empty.height == 0
    assert busiest.y == chart.baseline - busiest.height and busiest.height == 2 * half.height
    assert busiest.count_y < busiest.y < chart.month_label_y


def test_an_aware_time_in_another_zone_is_kept_as_its_norwegian_wall_clock() -> None:
    utc = datetime.datetime(2025, 7, 1, 10, 0, tzinfo=datetime.UTC)  # 12:00 in Oslo (summer)
    oslo = datetime.datetime(2025, 7, 1, 12, 0, tzinfo=OSLO)

    assert wall_seconds(utc) == wall_seconds(oslo) == wall_seconds(oslo.replace(tzinfo=None))
