"""The logins-per-month bar chart, laid out on the server so that it needs no script."""

from __future__ import annotations

from dataclasses import dataclass

from loginhistory.selectors import MonthCount

WIDTH = 600
BAR_AREA_TOP = 24  # room for the count above the tallest bar
BASELINE = 170
SLOT = WIDTH // 12
BAR_WIDTH = 34


@dataclass(frozen=True)
class Bar:
    month: MonthCount
    x: int
    y: int
    height: int
    label_x: int


def chart_bars(months: list[MonthCount]) -> list[Bar]:
    """SVG geometry: heights relative to the busiest month; an empty month has no bar."""
    busiest = max((m.count for m in months), default=0) or 1
    bars = []
    for index, month in enumerate(months):
        height = round(month.count / busiest * (BASELINE - BAR_AREA_TOP))
        x = index * SLOT + (SLOT - BAR_WIDTH) // 2
        bars.append(
            Bar(month=month, x=x, y=BASELINE - height, height=height, label_x=x + BAR_WIDTH // 2)
        )
    return bars
