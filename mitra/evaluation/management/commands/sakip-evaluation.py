"""`mitra sakip-evaluation --year Y`: the year's worksheet result as JSON (an estimate, not the official result).

`mitra sakip-evaluation load FILE --year Y` loads a worksheet file as the year's next version (as the system, like
every command); `mitra sakip-evaluation template OUT` writes the template workbook Mitra ships."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.evaluation import selectors, services, workbook


class Command(BaseCommand):
    help = "Print the SAKIP evaluation worksheet's estimated result as JSON, load a worksheet, or write the template."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["result", "load", "template"], default="result")
        parser.add_argument("file", nargs="?", help="the worksheet to load, or where to write the template")
        parser.add_argument("--year", type=int)
        parser.add_argument("--indent", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        action, year = options["action"], options["year"]
        if action == "template":
            if not options["file"]:
                raise CommandError("Name the file to write: mitra sakip-evaluation template OUT.xlsx")
            Path(options["file"]).write_bytes(workbook.template_workbook())
            self.stdout.write(f"Wrote {options['file']}.")
            return
        if year is None:
            raise CommandError("--year is required.")
        if action == "load":
            if not options["file"]:
                raise CommandError("Name the worksheet file: mitra sakip-evaluation load FILE --year Y")
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            try:
                sheet = services.load_worksheet(
                    actor=None, year=year, content=path.read_bytes(), source_name=path.name, system=True
                )
            except ValidationError as error:
                raise CommandError("\n".join(error.messages)) from None
            self.stdout.write(f"Loaded {sheet} ({sheet.criteria.count()} criteria).")
            return
        latest = selectors.current(year)
        if latest is None:
            raise CommandError(f"No evaluation worksheet for {year}.")
        data = selectors.result_json(selectors.sheet_data(latest))
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=options["indent"] or None))
