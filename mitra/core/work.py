""" "My work": what waits for a person, gathered from every app for the home page.

Core sits below the apps that know the work, so it keeps a registry: each app registers a source in its
AppConfig.ready() — a function of (user, today) that returns the items waiting for that user — and the home page
asks them all. A source reads only what the user may act on (its rules), and keeps to a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WorkItem:
    area: str  # the group on the home page: "quarters", "follow_ups", "agreements", "travel", "reminders"
    action: Any  # what to do, e.g. "Verify"
    label: str  # what it is about
    url: str  # where the work is done
    due: dt.date | None = None
    overdue: bool = False


WorkSource = Callable[[Any, dt.date], list[WorkItem]]
_SOURCES: dict[str, WorkSource] = {}

# The groups of the home page, in order, with their headings.
AREAS: dict[str, Any] = {}


def register(name: str, source: WorkSource, *, area: str, heading: Any) -> None:
    """Add (or replace) a source of work items; `area` groups its items under `heading` on the home page."""
    _SOURCES[name] = source
    AREAS.setdefault(area, heading)


def work_for(user: Any, today: dt.date) -> dict[str, list[WorkItem]]:
    """Every source's items for `user`, grouped by area (areas in registration order), the overdue and the
    soonest due first within each group."""
    grouped: dict[str, list[WorkItem]] = {area: [] for area in AREAS}
    for source in _SOURCES.values():
        for item in source(user, today):
            grouped.setdefault(item.area, []).append(item)
    for items in grouped.values():
        items.sort(key=lambda i: (not i.overdue, i.due or dt.date.max, i.label))
    return {area: items for area, items in grouped.items() if items}
