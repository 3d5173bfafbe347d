"""`mitra demo`: load the 2017 demo data (idempotent). Refused under production settings unless --force."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.demo import loader


class Command(BaseCommand):
    help = "Load the demo data of the 2017 report (organisation, users, …). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even under production settings (creates users with a public password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.MITRA_ENVIRONMENT == "production" and not options["force"]:
            raise CommandError(
                "Refusing to load demo data under production settings: it creates users with a published "
                "password. Use --force if this really is a demonstration server."
            )
        created = loader.load_all()
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready; created: {summary} (existing records left as they were).")
        )
