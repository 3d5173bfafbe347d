"""`mitra travel_due_dates`: store every travel step's due date again, after a change of the deadline settings."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from mitra.travel.services import refresh_all_due_dates


class Command(BaseCommand):
    help = (
        "Recompute the due date stored on every travel document step (the queue orders by it). Run it after "
        "changing MITRA_TRAVEL_DOCUMENTS_DUE_WORKING_DAYS or MITRA_TRAVEL_EXTRA_CLOSED_DAYS, or upgrading the "
        "holidays package; the services keep it up to date otherwise."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            changed = refresh_all_due_dates()
        self.stdout.write(f"{changed} due date(s) changed.")
