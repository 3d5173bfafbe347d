"""Calendar periods of the reporting cycle: the one home of year and quarter bounds and of "the previous year".

Indonesian government reporting runs on the calendar year, in four quarters (triwulan) of three months.
"""

from __future__ import annotations

import calendar
import datetime as dt

QUARTERS = (1, 2, 3, 4)


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of `year`."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def quarter_of(day: dt.date) -> int:
    """The quarter (1–4) that `day` falls in."""
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of quarter `quarter` (1–4) of `year`."""
    if quarter not in QUARTERS:
        raise ValueError(f"A quarter is 1 to 4, not {quarter!r}")
    last_month = quarter * 3
    return dt.date(year, last_month - 2, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


def previous_year(year: int) -> int:
    """The year a year's figures are compared with: the calendar year before it, always.

    When nothing is recorded for that year there is no comparison; an earlier recorded year never stands in for it
    (reports say "the previous year" and name it as `year - 1`, so the pages must compare with the same year)."""
    return year - 1
