"""`mitra lakip --year YEAR --format docx|pdf|xlsx|html -o FILE`: the year's LAKIP, after the consistency check.

`--quarter Q [--unit CODE]` writes the quarterly monitoring report instead (the whole bureau without --unit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.performance.models import SubActivity
from mitra.reports import consistency, generate
from mitra.reports.figures import year_data
from mitra.reports.lakip import LakipBuilder, narratives


class Command(BaseCommand):
    help = "Write the year's LAKIP (or, with --quarter, the quarterly monitoring report) as DOCX, PDF, XLSX or HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=sorted(generate.FORMATS), required=True)
        parser.add_argument("-o", "--output", required=True, help="file to write ('-' for standard output)")
        parser.add_argument("--language", choices=["id", "en"], default="id")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        parser.add_argument("--unit", help="unit code for a monitoring report of one unit")
        parser.add_argument("--force", action="store_true", help="write even when the consistency check has errors")

    def handle(self, *args: Any, **options: Any) -> None:
        year, fmt = options["year"], options["format"]
        if not SubActivity.objects.filter(year=year).exists():
            raise CommandError(f"No performance data for {year}.")
        if options["quarter"]:
            kind = "monitoring"
        else:
            kind = "lakip"
            data = year_data(year)
            texts = narratives(year)
            report = LakipBuilder(data, texts, options["language"]).build()
            findings = consistency.check(report, data, texts)
            for f in findings:
                self.stderr.write(f"{f.level}: {f.where}: {f.message}")
            if consistency.errors(findings) and not options["force"]:
                raise CommandError("The consistency check found errors (use --force to write anyway).")
        try:
            result = generate.generate(
                kind, year, fmt, options["language"], options["quarter"], options["unit"], use_cache=False
            )
        except LookupError as error:
            raise CommandError(str(error)) from None
        if options["output"] == "-":
            self.stdout.buffer.write(result.content)  # type: ignore[attr-defined]
        else:
            Path(options["output"]).write_bytes(result.content)
            self.stderr.write(f"{options['output']}: {len(result.content)} bytes in {result.seconds:.2f} s")
