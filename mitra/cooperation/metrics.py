"""The registry's formulas (the registry sits below performance, whose metrics.py holds the plan's formulas):
an agreement's deliverables — completion rate and average delay.

- Completion rate: `done / (all − cancelled) × 100`; no figure when nothing is counted.
- Delay of a deliverable, in days: done → `max(0, completed on − due date)`; still open past its due date →
  `today − due date` (the delay so far); open and not yet due, or cancelled → not counted.
- Average delay: the mean of the counted delays; no figure when none is counted.

Full-precision Decimals; only what displays them rounds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

DONE = "done"
CANCELLED = "cancelled"


def completion_rate(statuses: Iterable[str]) -> Decimal | None:
    counted = [status for status in statuses if status != CANCELLED]
    if not counted:
        return None
    return Decimal(sum(1 for status in counted if status == DONE)) * 100 / Decimal(len(counted))


def delay_days(status: str, due: dt.date, completed_on: dt.date | None, today: dt.date) -> int | None:
    if status == CANCELLED:
        return None
    if status == DONE:
        return max(0, (completed_on - due).days) if completed_on else None
    return (today - due).days if due < today else None


def average_delay(delays: Iterable[int | None]) -> Decimal | None:
    counted = [d for d in delays if d is not None]
    if not counted:
        return None
    return Decimal(sum(counted)) / Decimal(len(counted))
