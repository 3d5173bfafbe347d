"""Trying a failed task again later. django-tasks has no retries of its own: a task that wants them enqueues
itself again, with `attempt` one higher and a later `run_after`, and then raises, so the queue keeps the failed
attempt with its traceback. Each attempt is a result of its own in the queue."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks.base import Task, TaskResult

logger = logging.getLogger(__name__)

# Seconds to wait before the 2nd, 3rd, ... attempt; one attempt more than there are delays.
DELAYS = (60, 600)
MAX_ATTEMPTS = len(DELAYS) + 1


def again(task: Task[Any, Any], attempt: int, **kwargs: Any) -> TaskResult[Any] | None:
    """Enqueue `task(**kwargs, attempt=attempt + 1)` after the delay for its next attempt, if attempts remain and
    the backend can wait (the ImmediateBackend of the tests cannot: there a failure is final). Returns the new
    task result, or None."""
    if attempt >= MAX_ATTEMPTS or not task.get_backend().supports_defer:
        return None
    delay = DELAYS[attempt - 1]
    result = task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(**kwargs, attempt=attempt + 1)
    logger.warning("task %s attempt %s failed: attempt %s in %s s", task.name, attempt, attempt + 1, delay)
    return result
