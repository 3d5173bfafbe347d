"""`mitra search rebuild`: throw the search index away and build it again from the records and their files."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mitra.search import services


class Command(BaseCommand):
    help = "Search index tools. `rebuild` indexes every live record and attached file again, from scratch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"])

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.rebuild(progress=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {sum(counts.values())} entries."))
