"""`mitra travel_reminders [--date YYYY-MM-DD]`: travel steps coming due and back-to-office reports to chase."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mitra.travel.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Send reminders of travel document steps coming due and overdue back-to-office reports (each once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, help="Pretend today is this date.")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_reminders(options["date"])
        self.stdout.write(f"{len(sent)} new reminder(s).")
        for notification in sent:
            self.stdout.write(f"  {notification.message} → {notification.emailed_to or '(no e-mail address)'}")
