"""Reads of issued reports: a report's state (draft, reviewed, issued), its revisions, and the issued figures of a
year that the performance pages, `mitra measurement` and the API show (performance.selectors' issued lookup, set
in ReportsConfig.ready()). The writes are services.report_review / report_issue."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from mitra.performance.selectors import IssuedMeasurement

from .models import IssuedFile, IssuedReport, ReportKind, ReportReview

DRAFT = "draft"
REVIEWED = "reviewed"
ISSUED = "issued"


@dataclass
class ReportState:
    status: str  # draft | reviewed | issued (the latest revision issued, no newer review)
    next_revision: int
    pending_review: ReportReview | None  # the review of the next revision, when recorded
    revisions: list[IssuedReport]  # newest first, with their files and reviews


def state(kind: str, year: int, quarter: int = 0, unit: str = "") -> ReportState:
    key = {"kind": kind, "year": year, "quarter": quarter, "unit": unit}
    revisions = list(
        IssuedReport.objects.filter(**key)
        .select_related("review", "issued_by")
        .prefetch_related(Prefetch("files", queryset=IssuedFile.objects.order_by("language", "fmt")))
        .order_by("-revision")
    )
    next_revision = (revisions[0].revision if revisions else 0) + 1
    pending = ReportReview.objects.filter(**key, revision=next_revision).first()
    status = REVIEWED if pending else ISSUED if revisions else DRAFT
    return ReportState(status, next_revision, pending, revisions)


def latest_lakip(year: int) -> IssuedReport | None:
    return (
        IssuedReport.objects.filter(kind=ReportKind.LAKIP, year=year, quarter=0, unit="")
        .select_related("issued_by")
        .order_by("-revision")
        .first()
    )


def issued_measurement(year: int) -> IssuedMeasurement | None:
    """The measurement frozen by the year's latest issued LAKIP revision (performance.selectors' lookup)."""
    issued = latest_lakip(year)
    if issued is None or not issued.measurement:
        return None
    who = issued.issued_by
    return IssuedMeasurement(
        year=year,
        revision=issued.revision,
        issued_at=issued.issued_at,
        issued_by=who.get_username(),
        measurement=issued.measurement,
        url=issued.get_absolute_url(),
    )


def file_of(issued: IssuedReport, fmt: str, language: str) -> IssuedFile | None:
    return next((f for f in issued.files.all() if f.fmt == fmt and f.language == language), None)
