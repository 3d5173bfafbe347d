"""`mitra export-dump FILE`: the registry as a whole as JSON (see mitra/exchange/dump.py); "-" writes to stdout."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mitra.exchange import dump


class Command(BaseCommand):
    help = "Write the whole registry (every Mitra table, the audit log, attached files) to FILE as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        text = dump.dumps()
        if options["file"] == "-":
            sys.stdout.write(text)
        else:
            Path(options["file"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['file']}")
