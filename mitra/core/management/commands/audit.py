"""`mitra audit verify [--checkpoint FILE]`, `mitra audit checkpoint FILE`, `mitra audit rotate-key`.

verify walks the audit chain and reports the first broken entry (exit status 1); with a checkpoint it also
checks that the entries up to the checkpoint are all still there. checkpoint writes the signed head of the chain
to FILE, to be kept away from the database. rotate-key makes a new audit key and records the change in the chain.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.core import audit


class Command(BaseCommand):
    help = (
        "Audit log tools. `verify [--checkpoint FILE]` checks the keyed hash chain of the whole log (and against a "
        "checkpoint); `checkpoint FILE` writes the signed chain head; `rotate-key` makes a new audit key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "rotate-key"])
        parser.add_argument("file", nargs="?", help="checkpoint: the file to write")
        parser.add_argument("--checkpoint", dest="checkpoint_file", help="verify: a file from `audit checkpoint`")
        parser.add_argument("--reason", default="", help="rotate-key: why (recorded in the chain)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "checkpoint":
                self.write_checkpoint(options["file"])
            elif options["action"] == "rotate-key":
                old, new = audit.rotate_key(options["reason"])
                self.stdout.write(self.style.SUCCESS(f"Audit key rotated: {old or '(none)'} → {new}."))
            else:
                self.verify(options["checkpoint_file"])
        except audit.AuditKeyError as error:
            raise CommandError(str(error)) from error

    def verify(self, checkpoint_file: str | None) -> None:
        checkpoint = None
        if checkpoint_file:
            try:
                checkpoint = json.loads(Path(checkpoint_file).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read the checkpoint {checkpoint_file}: {error}") from error
        result = audit.verify(checkpoint=checkpoint)
        if not result.ok:
            where = f" at entry {result.broken_id}" if result.broken_id is not None else ""
            raise CommandError(
                f"Audit chain broken{where}: {result.problem} ({result.checked} entries before it verified)."
            )
        against = f", and it holds checkpoint #{checkpoint['last_id']}" if checkpoint else ""
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} entries verified{against}."))

    def write_checkpoint(self, file: str | None) -> None:
        if not file:
            raise CommandError("Name the file to write: `mitra audit checkpoint FILE`.")
        result = audit.verify()
        if not result.ok:
            raise CommandError(f"Not signing a broken chain: entry {result.broken_id}: {result.problem}.")
        data = audit.checkpoint()
        Path(file).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Checkpoint of entry #{data['last_id']} written to {file}."))
