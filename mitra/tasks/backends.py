"""A task backend for the browser tests: each task runs at once in a thread of its own, so the live server (which
has no worker beside it) answers while a report is being made. Not for production: a task dies with its process."""

from __future__ import annotations

import threading

from django.db import connection
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import TaskResult


class ThreadBackend(ImmediateBackend):
    def _execute_task(self, task_result: TaskResult) -> None:
        def main() -> None:
            try:
                ImmediateBackend._execute_task(self, task_result)
            finally:
                connection.close()  # the thread's own connection

        threading.Thread(target=main, name=f"task-{task_result.id}", daemon=True).start()
