"""`mitra measurement --year YEAR`: the year's performance measurement (appendix 4 and more) as JSON."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.performance import selectors
from mitra.performance.models import PerformanceYear, SubActivity


class Command(BaseCommand):
    help = "Print the year's performance measurement as JSON (budget, outputs, sub-activities, indicators, SAKIP)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--indent", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not (SubActivity.objects.filter(year=year).exists() or PerformanceYear.objects.filter(year=year).exists()):
            raise CommandError(f"No performance data for {year}.")
        data = selectors.measurement_json(year)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=options["indent"] or None))
