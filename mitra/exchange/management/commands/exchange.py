"""`mitra exchange prune-uploads [--days N]`: delete import uploads never committed, older than N days.
`mitra exchange iati [--output FILE]`: write the IATI 2.03 activity file of the development cooperations."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.exchange import iati, services


class Command(BaseCommand):
    help = (
        "Data exchange tools. `prune-uploads` deletes uploaded workbooks never imported, older than --days. "
        "`iati` writes the cooperations marked as development cooperation as an IATI 2.03 activity file "
        "(to --output, or to standard output), checked against the IATI schema."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["prune-uploads", "iati"])
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep uploads younger than this many days (default MITRA_IMPORT_UPLOAD_KEEP_DAYS, 7).",
        )
        parser.add_argument("--output", default="", help="iati: the file to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "iati":
            if not iati.development_cooperations().exists():
                raise CommandError(
                    "Nothing to export: no development cooperation is marked public and not illustrative "
                    f"(left out: {iati.left_out()})."
                )
            content = iati.activities_xml()
            errors = iati.validate(content)
            if errors:
                raise CommandError("The IATI file does not validate: " + "; ".join(errors[:5]))
            if options["output"]:
                Path(options["output"]).write_bytes(content)
                count = content.count(b"<iati-activity ")
                self.stderr.write(self.style.SUCCESS(f"Wrote {count} IATI activities to {options['output']}."))
            else:
                self.stdout.write(content.decode(), ending="")
            return
        deleted = services.prune_uploads(days=options["days"])
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} uncommitted import upload(s)."))
