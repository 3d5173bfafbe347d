"""`mitra worker [--once]`: run the background tasks of the database queue, one at a time, and the daily schedule.

Start as many as you want, on as many machines as share the database: each takes the next ready task with a
row lock (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL), so every task runs once, and N workers run at most
N tasks at a time. Ctrl-C or SIGTERM lets the running task finish (a second one stops it at once).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from mitra.tasks import schedule

logger = logging.getLogger("mitra.tasks.worker")


class Command(BaseCommand):
    help = "Run the background task queue (reports, reminders, pruning) and enqueue the daily tasks when due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every task that is ready now, then exit.")
        parser.add_argument(
            "--interval", type=float, default=0.5, help="Seconds between looks at an empty queue (default 0.5)."
        )
        parser.add_argument("--no-schedule", action="store_true", help="Do not enqueue the daily tasks.")
        parser.add_argument("--worker-id", default="", help="A name unique in the pool (default: random).")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(
                f"The task backend is {type(backend).__name__}, not the database queue: no worker needed."
            )
        worker_id = options["worker_id"] or get_random_string(12)
        # Its "starting"/"no more tasks" lines would repeat every batch; tasks' start and end are still logged.
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        # The worker of django-tasks-db in batch mode runs what is ready and returns; between batches this loop
        # looks at the daily schedule.
        worker = Worker(
            queue_names=list(backend.queues) or ["default"],
            interval=options["interval"],
            batch=True,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        if not options["once"]:
            worker.configure_signals()
            self.stdout.write(f"Worker {worker_id} waiting for tasks (Ctrl-C to stop).")
        while True:
            if not options["no_schedule"]:
                for name in schedule.enqueue_due():
                    self.stdout.write(f"Daily task enqueued: {name}")
            worker.run()
            if options["once"] or not worker.running:
                break
            time.sleep(options["interval"])
        if options["once"]:
            self.stdout.write(f"{worker._run_tasks} task(s) run.")
