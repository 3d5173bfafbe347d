"""`mitra lakip --year YEAR --format docx|pdf|xlsx|html -o FILE`: the year's LAKIP, after the consistency check.

`--quarter Q [--unit CODE]` writes the quarterly monitoring report instead (the whole bureau without --unit).

`mitra lakip review --year YEAR --user USERNAME --reviewer NAME --date YYYY-MM-DD [--statement TEXT]` records the
internal auditor's review of the next revision; `mitra lakip issue --year YEAR --user USERNAME [--reason TEXT]`
issues it (refused unless USERNAME may issue, the revision is reviewed and the consistency check finds no error).
A report that uses quarters not yet approved names them; issuing it needs a confirmation: at a terminal the command
asks (answer "y"), `--confirm-unapproved` gives it in advance, and without a terminal (a script) the command names
the quarters on standard error and issues, unless `--require-approved` makes it refuse.
Both take `--quarter Q [--unit CODE]` for a monitoring report.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.core.models import User
from mitra.performance.models import SubActivity
from mitra.reports import consistency, generate, services
from mitra.reports.figures import year_data
from mitra.reports.lakip import LakipBuilder, narratives


class Command(BaseCommand):
    help = "Write the year's LAKIP (or, with --quarter, the quarterly monitoring report) as DOCX, PDF, XLSX or HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", nargs="?", choices=["review", "issue"], help="record a review, or issue the report (signed)"
        )
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=sorted(generate.FORMATS))
        parser.add_argument("-o", "--output", help="file to write ('-' for standard output)")
        parser.add_argument("--user", help="review/issue: the username acting (its permissions apply)")
        parser.add_argument("--reviewer", help="review: the internal auditor who reviewed the report")
        parser.add_argument("--date", help="review: the date of the review, YYYY-MM-DD (default today)")
        parser.add_argument("--statement", default="", help="review: the review statement (default a standard one)")
        parser.add_argument("--reason", default="", help="issue: why a new revision corrects the issued one")
        parser.add_argument(
            "--confirm-unapproved",
            action="store_true",
            help="issue: confirm issuing a report that uses quarters not yet approved (the report names them)",
        )
        parser.add_argument(
            "--require-approved",
            action="store_true",
            help="issue: refuse (rather than ask) when the report uses quarters not yet approved",
        )
        parser.add_argument("--language", choices=["id", "en"], default="id")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        parser.add_argument("--unit", help="unit code for a monitoring report of one unit")
        parser.add_argument("--force", action="store_true", help="write even when the consistency check has errors")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"]:
            return self.review_or_issue(options)
        year, fmt = options["year"], options["format"]
        if not fmt or not options["output"]:
            raise CommandError("--format and -o/--output are required to write a report.")
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

    def review_or_issue(self, options: dict[str, Any]) -> None:
        username = options["user"]
        if not username:
            raise CommandError("--user is required: the person who reviews or issues.")
        user = User.objects.filter(username=username, is_active=True).select_related("unit").first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        kind = "monitoring" if options["quarter"] else "lakip"
        where = {"year": options["year"], "kind": kind, "quarter": options["quarter"], "unit": options["unit"]}
        try:
            if options["action"] == "review":
                try:
                    day = datetime.date.fromisoformat(options["date"]) if options["date"] else datetime.date.today()
                except ValueError:
                    raise CommandError("--date: use YYYY-MM-DD.") from None
                review = services.report_review(
                    actor=user,
                    reviewer=options["reviewer"] or "",
                    reviewed_on=day,
                    statement=options["statement"],
                    **where,
                )
                self.stdout.write(f"Revision {review.revision} reviewed: {review.statement}")
                return
            try:
                issued = services.report_issue(
                    actor=user, reason=options["reason"], confirm_unapproved=options["confirm_unapproved"], **where
                )
            except ValidationError as error:
                if not self._confirmed_unapproved(error, options):
                    raise
                issued = services.report_issue(actor=user, reason=options["reason"], confirm_unapproved=True, **where)
        except PermissionDenied:
            raise CommandError(f"{username} may not {options['action']} this report.") from None
        except ValidationError as error:
            raise CommandError(" ".join(_messages(error))) from None
        self.stdout.write(f"{kind.upper()} {issued.year} revision {issued.revision} issued by {username}:")
        for f in issued.files.order_by("language", "fmt"):
            self.stdout.write(f"  {f.sha256}  {f.size:>9}  {f.file.name}")

    def _confirmed_unapproved(self, error: ValidationError, options: dict[str, Any]) -> bool:
        """The only objection is the quarters not yet approved, and the operator confirms: at a terminal by answering
        "y"; from a script by not passing --require-approved (the quarters are named on standard error)."""
        fields = set(getattr(error, "error_dict", {}) or {})
        if fields != {"confirm_unapproved"} or options["require_approved"]:
            return False
        message = " ".join(_messages(error))
        if sys.stdin.isatty():
            answer = input(f"{message}\nIssue it with them? [y/N] ")
            return answer.strip().lower() in {"y", "yes", "ya"}
        self.stderr.write(f"Note: {message} Issued with them (no terminal to ask; --require-approved refuses).")
        return True


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{field}: {m}" if field != "__all__" else str(m) for field, ms in error.message_dict.items() for m in ms
        ]
    return [str(m) for m in error.messages]
