"""`mitra reminders [--date YYYY-MM-DD]`: create and e-mail the reminders due today (safe to run often)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mitra.cooperation.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Send reminders of agreement notice/end dates and follow-up due dates (each one once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, help="Pretend today is this date.")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_reminders(options["date"])
        self.stdout.write(f"{len(sent)} new reminder(s).")
        for notification in sent:
            self.stdout.write(f"  {notification.message} → {notification.emailed_to or '(no e-mail address)'}")
