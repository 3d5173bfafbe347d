"""`mitra scorecard --unit U --year Y`: the unit's scorecard of the year as JSON (each perspective's indicators
with their achievement %, index and score; the perspectives' and the unit's scores and labels).

`mitra scorecard load FILE --unit U --year Y` sets the scorecard up from a JSON file (as the system, like every
command): {"cap_pct": 120, "bands": [{"min_index": 100, "score": 4, "label": "Baik"}, …], "perspectives":
[{"code": …, "name": …, "weight": …, "indicators": ["code", {"code": …, "weight": 2}, …]}, …]}."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.core.models import OrganisationUnit
from mitra.evaluation import selectors, services
from mitra.evaluation.models import Scorecard


class Command(BaseCommand):
    help = "Print a unit's scorecard of a year as JSON, or set it up from a JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["result", "load"], default="result")
        parser.add_argument("file", nargs="?", help="the scorecard configuration (JSON) to load")
        parser.add_argument("--unit", required=True, help="the unit's code")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--indent", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        unit = OrganisationUnit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"No unit {options['unit']}.")
        year = options["year"]
        if options["action"] == "load":
            if not options["file"] or not Path(options["file"]).is_file():
                raise CommandError("Name the configuration file: mitra scorecard load FILE --unit U --year Y")
            try:
                config = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as error:
                raise CommandError(f"Not a JSON file: {error}") from None
            try:
                card = services.configure_scorecard(actor=None, unit=unit, year=year, config=config, system=True)
            except ValidationError as error:
                raise CommandError("\n".join(error.messages)) from None
            self.stdout.write(f"Scorecard {card} set up.")
            return
        found = Scorecard.objects.filter(unit=unit, year=year).first()
        if found is None:
            raise CommandError(f"No scorecard of {unit.code} for {year}.")
        data = selectors.scorecard_json(selectors.scorecard_data(found))
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=options["indent"] or None))
