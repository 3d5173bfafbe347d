"""The travel app's task: the daily travel reminders (the same as `mitra travel_reminders`)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from mitra.tasks import retry
from mitra.travel.reminders import send_due_reminders
from mitra.travel.services import refresh_open_due_dates


@task()
def send_travel_reminders(day: str | None = None, attempt: int = 1) -> int:
    """Travel document steps coming due and overdue back-to-office reports, each reminded once. `day` (ISO date)
    pretends today is that day. Returns how many new reminders were made. The open steps' stored due dates are
    brought up to date first (services.refresh_open_due_dates)."""
    try:
        refresh_open_due_dates()
        sent = send_due_reminders(dt.date.fromisoformat(day) if day else None)
    except Exception:
        retry.again(send_travel_reminders, attempt, day=day)
        raise
    return len(sent)
