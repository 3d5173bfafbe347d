"""`mitra exchange prune-uploads [--days N]`: delete import uploads never committed, older than N days."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mitra.exchange import services


class Command(BaseCommand):
    help = "Data exchange tools. `prune-uploads` deletes uploaded workbooks never imported, older than --days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["prune-uploads"])
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep uploads younger than this many days (default MITRA_IMPORT_UPLOAD_KEEP_DAYS, 7).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = services.prune_uploads(days=options["days"])
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} uncommitted import upload(s)."))
