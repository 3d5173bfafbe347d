""" "My work": what waits for a person, gathered from every app for the home page.

Core sits below the apps that know the work, so it keeps a registry: each app registers a source in its
AppConfig.ready() — a function of (user, today) that returns the items waiting for that user — and the home page
asks them all. A source reads only what the user may act on (its rules), and keeps to a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import time
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


# --- Counts for the menu's badges --------------------------------------------------------------------------------
#
# Every page shows, in the menu, how many items wait in each area. Asking every source on every page would add a
# handful of queries to each page, so the counts are kept in the session: computed afresh by the home page (which
# asks the sources anyway), after any change the user makes (a POST clears them, see WorkCountsMiddleware), on a
# new day, and otherwise at most every BADGE_SECONDS. Between those, a page reads them from the session it has
# loaded already: no query.

BADGE_SECONDS = 120
SESSION_KEY = "mitra.work_counts"


def counts_of(grouped: dict[str, list[WorkItem]]) -> dict[str, int]:
    return {area: len(items) for area, items in grouped.items() if items}


def remember_counts(request: Any, today: dt.date, counts: dict[str, int], now: float | None = None) -> None:
    """Keep the counts in the session; touches the session (a write) only when they or the day changed."""
    session = getattr(request, "session", None)
    if session is None:
        return
    stored = session.get(SESSION_KEY)
    now = time.time() if now is None else now
    if (
        isinstance(stored, dict)
        and stored.get("user") == request.user.pk
        and stored.get("day") == today.isoformat()
        and stored.get("counts") == counts
        and now - stored.get("at", 0) < BADGE_SECONDS
    ):
        return
    session[SESSION_KEY] = {"user": request.user.pk, "day": today.isoformat(), "at": now, "counts": counts}


def counts_for(request: Any, today: dt.date, now: float | None = None) -> dict[str, int]:
    """The counts of the signed-in user's work by area, from the session while they are fresh."""
    now = time.time() if now is None else now
    session = getattr(request, "session", None)
    stored = session.get(SESSION_KEY) if session is not None else None
    if (
        isinstance(stored, dict)
        and stored.get("user") == request.user.pk
        and stored.get("day") == today.isoformat()
        and 0 <= now - stored.get("at", 0) < BADGE_SECONDS
        and isinstance(stored.get("counts"), dict)
    ):
        return dict(stored["counts"])
    counts = counts_of(work_for(request.user, today))
    remember_counts(request, today, counts, now)
    return counts


def forget_counts(request: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        del session[SESSION_KEY]
