"""`mitra enqueue NAME`: put a task in the background queue now (a worker runs it), e.g. `search-rebuild` after
bulk work, or a daily task out of turn."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mitra.tasks import schedule


class Command(BaseCommand):
    help = "Enqueue a background task by name: " + ", ".join(schedule.TASKS)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=sorted(schedule.TASKS))

    def handle(self, *args: Any, **options: Any) -> None:
        result = schedule.get(options["name"]).enqueue()
        self.stdout.write(f"{options['name']} enqueued: {result.id} ({result.status})")
