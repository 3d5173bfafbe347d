"""`mitra documents reextract [--failed-only]`: run text extraction again on stored attachments."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mitra.documents import services
from mitra.documents.models import Document, ExtractionStatus


class Command(BaseCommand):
    help = "Attachment tools. `reextract` runs text extraction again (e.g. after a parser upgrade)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reextract"])
        parser.add_argument(
            "--failed-only", action="store_true", help="Only documents whose extraction failed or hit a limit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        documents = Document.objects.order_by("pk")
        if options["failed_only"]:
            documents = documents.filter(extraction_status__in=[ExtractionStatus.FAILED, ExtractionStatus.LIMIT])
        counts: dict[str, int] = {}
        for pk in documents.values_list("pk", flat=True).iterator():
            document = services.reextract(document=Document(pk=pk))
            counts[document.extraction_status] = counts.get(document.extraction_status, 0) + 1
        summary = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "nothing to do"
        self.stdout.write(self.style.SUCCESS(f"Re-extracted {sum(counts.values())} document(s) ({summary})."))
