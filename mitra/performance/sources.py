"""Indicator sources: figures that other apps compute from their records, for indicators set to "computed".

An app registers a source once (in its AppConfig.ready()); an indicator names the source by key. A source
returns the value for a year together with the records behind it, so every computed figure links to its list.

    from mitra.performance.sources import SourceRecord, SourceResult, register

    def developments(year: int) -> SourceResult: ...
    register("cooperation.developments", _("Cooperation developments"), developments)
"""

from __future__ import annotations

from collections.abc import Callable
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
    records: list[SourceRecord] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    key: str
    label: Any
    compute: Callable[[int], SourceResult]


_SOURCES: dict[str, Source] = {}


def register(key: str, label: Any, compute: Callable[[int], SourceResult]) -> None:
    _SOURCES[key] = Source(key, label, compute)


def get(key: str) -> Source:
    try:
        return _SOURCES[key]
    except KeyError:
        raise LookupError(f"No indicator source registered as {key!r}") from None


def choices() -> list[tuple[str, Any]]:
    return sorted(((s.key, s.label) for s in _SOURCES.values()), key=lambda c: c[0])
