"""The daily schedule: what the worker enqueues once a day, so that no cron line is needed.

Every worker calls `enqueue_due()` between batches of tasks. From MITRA_DAILY_TASKS_HOUR (local time) on, each
daily task of the day is enqueued by the first worker that gets to it: a row of ScheduledRun per (task, day),
unique, is inserted in the same transaction as the task's row in the queue, so of several workers on several
machines exactly one enqueues it, and a worker started later in the day catches up on the day's run.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from .models import ScheduledRun

logger = logging.getLogger(__name__)

# Name (as `mitra enqueue` knows it) → the task's import path. The apps that own the tasks fill these in from
# their AppConfig.ready() (`register`), since this app sits below them: the registry's and travel's reminders,
# the reports' pruning, the search rebuild; the queue's own pruning is registered by this app.
DAILY: dict[str, str] = {}
# Tasks that are enqueued by hand only (`mitra enqueue NAME`).
ON_DEMAND: dict[str, str] = {}
TASKS: dict[str, str] = {}


def register(name: str, path: str, *, daily: bool) -> None:
    """Make the task at `path` known as `name` to `mitra enqueue`, and run it daily when `daily`."""
    (DAILY if daily else ON_DEMAND)[name] = path
    TASKS[name] = path


def get(name: str) -> Task:
    return import_string(TASKS[name])  # type: ignore[no-any-return]


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue the daily tasks that are due and not yet enqueued today (by any worker). Returns their names."""
    now = timezone.localtime(now or timezone.now())
    if now.hour < settings.MITRA_DAILY_TASKS_HOUR:
        return []
    today = now.date()
    done = set(ScheduledRun.objects.filter(day=today).values_list("name", flat=True))
    enqueued = []
    for name in DAILY:
        if name in done:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=name, day=today, enqueued_at=now)
                result = get(name).enqueue()
                ScheduledRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
        except IntegrityError:  # another worker was first
            continue
        logger.info("daily task %s of %s enqueued", name, today.isoformat())
        enqueued.append(name)
    return enqueued
