"""Indicator sources: figures that other apps compute from their records, for indicators set to "computed".

An app above performance registers its sources once (in its AppConfig.ready(), as travel does); the figures of
the apps below it (the registry's indicators) are registered from here, in `PerformanceConfig.ready()`, since a
lower app never imports a higher one. An indicator names the source by key. A source returns the value for a year
together with the records behind it, so every computed figure links to its list.

The value is computed in SQL and the records are a lazy sequence (`core.lazyrows.LazyRows`): `len()` is a COUNT,
a slice builds only its records (with their URLs), `record_ids()` reads only the keys. Pages that show the figure
(the performance year and measurement pages, `mitra measurement`, the reports) never build the list; the
indicator's page builds the records of the page it shows. A source may still return a plain list when its records
are few (tests do).

    from mitra.performance.sources import SourceRecord, SourceResult, register

    def developments(year: int) -> SourceResult: ...
    register("cooperation.developments", _("Cooperation developments"), developments,
             reads={"cooperation.positionpaper": "year", "cooperation.meeting": "start_date__year", ...})

`reads` declares the record types the source reads, each with the lookup from that record to the year it counts
in ("" when the record is not tied to a year): the reports' data version (cache key) counts every write of them,
and the late changes of an issued year (selectors.late_changes) are the audited writes of them after the issue.
A source whose value depends on today's date as well (`date_dependent`, e.g. the on-time figure: a request still
open counts once its deadline has passed) is keyed with the date too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class SourceRecord:
    """One record behind a computed figure."""

    label: str
    url: str
    record_type: str  # "app_label.model"
    record_id: int
    note: str = ""  # e.g. "position paper + active participation"


@dataclass(frozen=True)
class SourceResult:
    value: Decimal
    records: Sequence[SourceRecord] = field(default_factory=list)  # a list, or a LazyRows read as it is used


def record_ids(records: Sequence[SourceRecord]) -> list[int]:
    """The ids of the records behind a figure, without building them when the sequence is lazy."""
    from mitra.core.lazyrows import LazyRows

    if isinstance(records, LazyRows):
        return records.ids()
    return [r.record_id for r in records]


@dataclass(frozen=True)
class Source:
    key: str
    label: Any
    compute: Callable[[int], SourceResult]
    reads: dict[str, str] = field(default_factory=dict)  # "app_label.model" -> lookup of its year ("" if none)
    date_dependent: bool = False


_SOURCES: dict[str, Source] = {}


def register(
    key: str,
    label: Any,
    compute: Callable[[int], SourceResult],
    *,
    reads: dict[str, str],
    date_dependent: bool = False,
) -> None:
    """Register a source; `reads` must name every record type its value depends on (see the module's text)."""
    if not reads:
        raise ValueError(f"Indicator source {key!r} must declare the record types it reads")
    _SOURCES[key] = Source(key, label, compute, dict(reads), date_dependent)


def all_reads() -> set[str]:
    """Every record type any registered source reads."""
    return {label for source in _SOURCES.values() for label in source.reads}


def date_dependent_keys() -> set[str]:
    return {s.key for s in _SOURCES.values() if s.date_dependent}


def get(key: str) -> Source:
    try:
        return _SOURCES[key]
    except KeyError:
        raise LookupError(f"No indicator source registered as {key!r}") from None


def choices() -> list[tuple[str, Any]]:
    return sorted(((s.key, s.label) for s in _SOURCES.values()), key=lambda c: c[0])


def unregister(key: str) -> None:
    """Remove a source (tests that register a temporary one clean up with this)."""
    _SOURCES.pop(key, None)


def is_registered(key: str) -> bool:
    return key in _SOURCES


def label_of(key: str) -> Any:
    source = _SOURCES.get(key)
    return source.label if source else key


def _sakip_score(year: int) -> SourceResult:
    """The evaluator's SAKIP score of the year, as recorded once in the year's settings."""
    from .models import PerformanceYear

    setting = PerformanceYear.objects.filter(year=year).first()
    if setting is None or setting.sakip_score is None:
        raise LookupError(f"No SAKIP score recorded for {year}")
    return SourceResult(value=setting.sakip_score)


def register_builtin() -> None:
    from django.utils.translation import gettext_lazy as _

    register(
        "performance.sakip_score",
        _("SAKIP score of the year"),
        _sakip_score,
        reads={"performance.performanceyear": "year"},
    )


def from_indicator(indicator: Any) -> SourceResult:
    """A registry indicator (`cooperation.indicators.Indicator`: a count and the rows behind it) as a source result;
    the count is read in SQL and the records are built only as far as they are read."""
    from mitra.core.lazyrows import LazyRows

    rows = indicator.rows
    value = Decimal(indicator.count)
    records = rows.map(_source_record) if isinstance(rows, LazyRows) else [_source_record(r) for r in rows]
    return SourceResult(value=value, records=records)


def _source_record(row: Any) -> SourceRecord:
    record = row.record
    url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""
    if not url and hasattr(record, "meeting"):
        url = record.meeting.get_absolute_url()
    note = ", ".join(str(k) for k, v in row.marks.items() if v)
    return SourceRecord(
        label=str(record), url=url, record_type=record._meta.label_lower, record_id=record.pk, note=note
    )


def _indicator_source(compute: Callable[[int], Any]) -> Callable[[int], SourceResult]:
    def source(year: int) -> SourceResult:
        return from_indicator(compute(year))

    return source


def register_registry_indicators() -> None:
    """Offer the registry's figures (`cooperation.indicators.INDICATORS`) as indicator sources, never typed."""
    from mitra.cooperation.indicators import INDICATORS, LABELS, READS

    for key, compute in INDICATORS.items():
        register(key, LABELS[key], _indicator_source(compute), reads=READS[key])
