"""The logins-per-month bar chart, laid out on the server so that it needs no script."""

from __future__ import annotations

from dataclasses import dataclass

from loginhistory.types import MonthCount

WIDTH = 600
HEIGHT = 200
BAR_AREA_TOP = 24  # room for the count above the tallest bar
BASELINE = 170
MONTH_LABEL_Y = 190  # the month's name, below the axis
COUNT_GAP = 6  # between a bar's top and its count
SLOT = WIDTH // 12
BAR_WIDTH = 34


@dataclass(frozen=True)
class Bar:
    month: MonthCount
    x: int
    y: int
    height: int
    label_x: int
    count_y: int


@dataclass(frozen=True)
class Chart:
    """The SVG's geometry; the template only places what is here."""

    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = BASELINE
    bar_width: int = BAR_WIDTH
    month_label_y: int = MONTH_LABEL_Y


def month_chart(months: list[MonthCount]) -> Chart:
    """Heights relative to the busiest month; an empty month has no bar."""
    busiest = max((m.count for m in months), default=0) or 1
    bars = []
    for index, month in enumerate(months):
        height = round(month.count / busiest * (BASELINE - BAR_AREA_TOP))
        x = index * SLOT + (SLOT - BAR_WIDTH) // 2
        y = BASELINE - height
        bars.append(
            Bar(
                month=month,
                x=x,
                y=y,
                height=height,
                label_x=x + BAR_WIDTH // 2,
                count_y=y - COUNT_GAP,
            )
        )
    return Chart(bars=bars)
