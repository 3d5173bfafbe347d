"""`mitra demo [--scale N]`: load the 2017 demo data (idempotent), and optionally synthetic data at scale N.

The synthetic data is bulk-inserted, which sends no signals, so the search index is rebuilt afterwards (and the
time it took printed). Refused under production settings unless --force.
"""

import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.demo import loader, scale


class Command(BaseCommand):
    help = "Load the demo data of the 2017 report (organisation, users, …). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even under production settings (creates users with a public password).",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Also generate synthetic data: 1 ≈ a year of all BPOM's international work, 100 ≈ ten years.",
        )
        parser.add_argument("--seed", type=int, default=2017, help="Random seed of the synthetic data.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.MITRA_ENVIRONMENT == "production" and not options["force"]:
            raise CommandError(
                "Refusing to load demo data under production settings: it creates users with a published "
                "password. Use --force if this really is a demonstration server."
            )
        if options["scale"] < 0:
            raise CommandError("--scale must be 1 or more.")
        created = loader.load_all()
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready; created: {summary} (existing records left as they were).")
        )
        if options["scale"]:
            try:
                started = time.monotonic()
                generated = scale.generate(options["scale"], options["seed"], progress=self.stdout.write)
            except RuntimeError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                self.style.SUCCESS(
                    f"Synthetic data at scale {options['scale']} in {time.monotonic() - started:.1f} s: {generated}"
                )
            )
            if apps.is_installed("mitra.search"):  # bulk inserts send no signals: index them in one go
                from mitra.search import services as search

                started = time.monotonic()
                counts = search.rebuild(progress=lambda line: self.stdout.write(f"  {line}"))
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Search index rebuilt: {sum(counts.values())} entries in {time.monotonic() - started:.1f} s."
                    )
                )
