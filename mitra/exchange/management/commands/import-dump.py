"""`mitra import-dump FILE`: restore a dump of `mitra export-dump` into an empty (migrated) database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.core import audit
from mitra.exchange import dump


class Command(BaseCommand):
    help = (
        "Restore FILE (from `mitra export-dump`) into an empty database, rebuild the search index, then verify the "
        "audit chain (with the same audit keyring as the exported database)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = Path(options["file"]).read_text(encoding="utf-8")
            counts = dump.restore(text)
        except (OSError, UnicodeDecodeError, dump.DumpError, audit.AuditKeyError) as error:
            raise CommandError(str(error)) from error
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"Restored, but the audit chain does not verify: entry {result.broken_id}: {result.problem}"
            )
        indexed = counts.pop("search index", 0)
        self.stdout.write(
            f"Restored {sum(counts.values())} rows in {len(counts)} tables; search index rebuilt ({indexed} entries); "
            f"audit chain verified ({result.checked} entries)."
        )
