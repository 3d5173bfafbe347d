"""The travel app's figure for the performance app: the on-time percentage of a year (counted in SQL), with the
list behind it (read lazily)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mitra.performance import metrics
from mitra.performance.sources import SourceRecord, SourceResult

from .selectors import OnTimeRow, on_time


def on_time_source(year: int) -> SourceResult:
    result = on_time(year)
    if result.pct is None:
        raise LookupError(f"No travel request of {year} can be measured yet")
    # The indicator is reported to two places (95,03 %), and its achievement is computed from that figure.
    value = metrics.rounded(result.pct, 2)
    assert value is not None
    return SourceResult(value=value, records=result.rows.map(_record))  # built only when a page shows them


def _record(row: OnTimeRow) -> SourceRecord:
    return SourceRecord(
        label=str(row.request),
        url=row.request.get_absolute_url(),
        record_type="travel.travelrequest",
        record_id=row.request.pk,
        note=_("on time") if row.on_time else _("late"),
    )
