"""Indonesian working days: Monday to Friday, except the national public holidays of the `holidays` package.

Collective leave days (cuti bersama) are not public holidays and the package does not list them; add them, or any
other day the office is closed, with the setting MITRA_TRAVEL_EXTRA_CLOSED_DAYS (ISO dates).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("ID", years=year).keys())


def _extra_closed() -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(d) for d in getattr(settings, "MITRA_TRAVEL_EXTRA_CLOSED_DAYS", ()))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year) and day not in _extra_closed()


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (`start` itself not counted); 0 gives `start` itself."""
    day, left = start, days
    while left > 0:
        day += ONE_DAY
        if is_working_day(day):
            left -= 1
    return day


def working_days_before(day: dt.date, days: int) -> dt.date:
    """The `days`-th working day before `day` (`day` itself not counted); 0 gives `day` itself."""
    current, left = day, days
    while left > 0:
        current -= ONE_DAY
        if is_working_day(current):
            left -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` comes first)."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += is_working_day(day)
    return count
