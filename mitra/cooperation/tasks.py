"""The registry's tasks: the daily reminders (the same as `mitra reminders`), enqueued by the worker's schedule."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from mitra.cooperation.reminders import send_due_reminders
from mitra.tasks import retry


@task()
def send_reminders(day: str | None = None, attempt: int = 1) -> int:
    """Reminders of agreement notice/end dates and follow-up due dates, each once (so a retry sends none twice).
    `day` (ISO date) pretends today is that day. Returns how many new reminders were made."""
    try:
        sent = send_due_reminders(dt.date.fromisoformat(day) if day else None)
    except Exception:
        retry.again(send_reminders, attempt, day=day)
        raise
    return len(sent)
