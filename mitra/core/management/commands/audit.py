"""`mitra audit verify`: walk the audit chain and report the first broken entry (exit status 1)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.core import audit


class Command(BaseCommand):
    help = "Audit log tools. `verify` checks the hash chain of the whole log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at entry {result.broken_id}: {result.problem} "
                f"({result.checked} entries before it verified)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} entries verified."))
