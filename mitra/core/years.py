"""The year a page opens on when none is asked for: the latest year with data, never one after this year.

Pages with a year selector (the travel on-time and trips pages, the calendar, the registry indicators) open on it
instead of on this year, which is empty until records are entered (the demo's data is in 2017). Each page names its
own data: (queryset, field) pairs, the field a date or a year number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

Source = tuple[QuerySet[Any], str]


def latest_date(sources: Iterable[Source], today: dt.date | None = None) -> dt.date | None:
    """The latest date (a year number counts as 1 January of it) among the sources, up to the end of this year."""
    this_year = (today or timezone.localdate()).year
    found: list[dt.date] = []
    for queryset, field in sources:
        value = queryset.filter(**{f"{field}__lte": _bound(queryset, field, this_year)}).aggregate(m=Max(field))["m"]
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, int):
            value = dt.date(value, 1, 1)
        if isinstance(value, dt.date):
            found.append(value)
    return max(found, default=None)


def latest_year(sources: Iterable[Source], today: dt.date | None = None) -> int:
    """The latest year with data in any of the sources, not after this year; this year when there is none."""
    today = today or timezone.localdate()
    latest = latest_date(sources, today)
    return latest.year if latest is not None else today.year


def _bound(queryset: QuerySet[Any], field: str, year: int) -> Any:
    """The last value of `year` in the field's own type (a year number or a date)."""
    model_field = queryset.model._meta.get_field(field)
    if model_field.get_internal_type() in {"DateField", "DateTimeField"}:
        return dt.date(year, 12, 31)
    return year
