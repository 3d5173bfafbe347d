"""Which Mitra records are evidence for a criterion: a declared mapping from an evidence kind (the worksheet's
"Bukti" column) to a query of the records of a year.

Each kind's query runs for the criterion's evidence year (n, or n−1 for "last year's report was followed up"),
and every candidate carries its label and link, stored with the evidence so a page shows it in one query."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mitra.cooperation.models import FollowUp
from mitra.documents.models import Document
from mitra.performance.models import DocumentKind, Indicator, PerformanceDocument, QuarterReport, StrategicPlan


@dataclass(frozen=True)
class Candidate:
    kind: str
    object_id: int
    year: int
    label: str
    url: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_id}:{self.year}"


def _plans(year: int) -> list[Candidate]:
    plans = StrategicPlan.objects.filter(start_year__lte=year, end_year__gte=year).order_by("start_year", "id")
    return [
        Candidate("renstra", p.pk, year, f"Renstra: {p.name}", reverse("performance:plan", args=[p.pk])) for p in plans
    ]


def _documents_of(kind: str) -> Callable[[int], list[Candidate]]:
    def query(year: int) -> list[Candidate]:
        docs = PerformanceDocument.objects.filter(kind=kind, year=year).select_related("owner_unit").order_by("id")
        return [
            Candidate(kind, d.pk, year, f"{d} ({year})", reverse("performance:documents", args=[year])) for d in docs
        ]

    return query


def _key_indicators(year: int) -> list[Candidate]:
    indicators = Indicator.objects.filter(
        is_key=True, plan__start_year__lte=year, plan__end_year__gte=year, targets__year=year
    ).distinct()
    return [
        Candidate(
            "iku", i.pk, year, f"IKU {i.code}: {i.name}"[:300], reverse("performance:indicator", args=[year, i.pk])
        )
        for i in indicators.order_by("order", "id")
    ]


def _quarter_reports(year: int) -> list[Candidate]:
    reports = QuarterReport.objects.filter(year=year).select_related("unit").order_by("quarter", "unit__code")
    return [
        Candidate(
            "triwulan",
            r.pk,
            year,
            f"Laporan triwulan {r.quarter} {year}: {r.unit.name}"[:300],
            reverse("performance:quarter-report", args=[year, r.quarter, r.unit.code]),
        )
        for r in reports
    ]


def _follow_ups(year: int) -> list[Candidate]:
    rows = FollowUp.objects.filter(due_date__year=year).order_by("due_date", "id")
    return [
        Candidate(
            "tindak_lanjut",
            f.pk,
            year,
            f"Tindak lanjut: {f.description}"[:300],
            reverse("cooperation:followup-detail", args=[f.pk]),
        )
        for f in rows
    ]


def _recommendations(year: int) -> list[Candidate]:
    """The follow-up of the recommendations of the year's evaluation report (LHE): what the next year's worksheet
    asks for ("every recommendation of last year's evaluation is followed up"). Each with its status."""
    from .models import Recommendation

    rows = Recommendation.objects.filter(report__year=year).order_by("order", "id")
    return [
        Candidate(
            "rekomendasi_lhe",
            r.pk,
            year,
            f"Rekomendasi LHE {year} no. {r.order} ({r.get_status_display()}): {r.text}"[:300],
            r.get_absolute_url(),
        )
        for r in rows
    ]


def _attached(year: int) -> list[Candidate]:
    """Files attached to the year's RKT/PK documents and quarterly reports."""
    types = ContentType.objects.get_for_models(PerformanceDocument, QuarterReport)
    doc_ids = list(PerformanceDocument.objects.filter(year=year).values_list("pk", flat=True))
    report_ids = list(QuarterReport.objects.filter(year=year).values_list("pk", flat=True))
    files = Document.objects.filter(
        Q(content_type=types[PerformanceDocument], object_id__in=doc_ids)
        | Q(content_type=types[QuarterReport], object_id__in=report_ids)
    ).order_by("id")
    return [
        Candidate("dokumen", d.pk, year, f"Dokumen: {d.title}"[:300], reverse("documents:download", args=[d.pk]))
        for d in files
    ]


# kind → (label, query of a year's candidates)
KINDS: dict[str, tuple[object, Callable[[int], list[Candidate]]]] = {
    "renstra": (_("Strategic plan (Renstra)"), _plans),
    "rkt": (_("Annual performance plan (RKT)"), _documents_of(DocumentKind.RKT)),
    "pk": (_("Performance agreement (PK)"), _documents_of(DocumentKind.PK)),
    "iku": (_("Key indicators with their targets"), _key_indicators),
    "triwulan": (_("Quarterly reports"), _quarter_reports),
    "tindak_lanjut": (_("Follow-up actions"), _follow_ups),
    "rekomendasi_lhe": (_("Follow-up of the evaluation's recommendations (LHE)"), _recommendations),
    "dokumen": (_("Attached documents"), _attached),
}


class Finder:
    """Candidates per (kind, year), each query run once however many criteria ask for it."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], list[Candidate]] = {}

    def of(self, kind: str, year: int) -> list[Candidate]:
        if (kind, year) not in self._cache:
            self._cache[(kind, year)] = KINDS[kind][1](year)
        return self._cache[(kind, year)]

    def for_criterion(self, kinds: str, worksheet_year: int, offset: int) -> list[Candidate]:
        year = worksheet_year - offset
        return [c for kind in kinds.split(",") if kind in KINDS for c in self.of(kind, year)]

    def all_of(self, worksheet_year: int) -> list[Candidate]:
        """Every candidate of year n and n−1: what a person may link by hand."""
        return [c for kind in KINDS for year in (worksheet_year, worksheet_year - 1) for c in self.of(kind, year)]
