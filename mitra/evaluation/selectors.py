"""Reads of the evaluation worksheet: the current version of a year, and its scores and checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext as _

from mitra.performance import metrics
from mitra.performance.models import PerformanceYear

from .models import (
    Answer,
    Component,
    Criterion,
    EvaluationReport,
    Evidence,
    Recommendation,
    Scorecard,
    ScorecardItem,
    ScorecardPerspective,
    SubComponent,
    SubComponentKind,
    Worksheet,
)


def current(year: int) -> Worksheet | None:
    """The year's worksheet: its latest version."""
    return Worksheet.objects.filter(year=year).order_by("-number").first()


def worksheets() -> list[Worksheet]:
    return list(Worksheet.objects.order_by("-year", "-number"))


@dataclass
class Row:
    criterion: Criterion
    answer: Answer | None
    evidence: list[Evidence]
    value: Decimal | None  # the answer that counts: the evaluator's when given, else the unit's own
    own_value: Decimal | None
    warning: str = ""


@dataclass
class SubData:
    sub: SubComponent
    weight: Decimal
    criterion_weight: Decimal
    rows: list[Row]
    score: Decimal
    pct: Decimal | None


@dataclass
class ComponentData:
    component: Component
    subs: list[SubData]
    score: Decimal
    shown: Decimal = Decimal(0)  # rounded to two places, as the total adds it


@dataclass
class SheetData:
    worksheet: Worksheet
    components: list[ComponentData]
    total: Decimal
    grade: str | None
    answered: int
    criteria: int
    with_evidence: int
    warnings: list[str] = field(default_factory=list)


def _value(answer: str) -> Decimal | None:
    try:
        return metrics.lke_answer_value(answer)
    except ValueError:  # a value the scale no longer knows: treated as unanswered
        return None


def sheet_data(worksheet: Worksheet, component: Component | None = None) -> SheetData:
    """The worksheet with its answers, evidence and scores (all components: the total needs them all); the
    criteria rows are read for every component, five queries however large the worksheet."""
    criteria = (
        Criterion.objects.filter(worksheet=worksheet)
        .select_related("depends_on", "answer")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("kind", "year", "id")))
        .order_by("order")
    )
    components = list(
        Component.objects.filter(worksheet=worksheet)
        .prefetch_related(Prefetch("sub_components", queryset=SubComponent.objects.order_by("order")))
        .order_by("order")
    )
    by_sub: dict[int, list[Criterion]] = {}
    for criterion in criteria:
        by_sub.setdefault(criterion.sub_component_id, []).append(criterion)
    values: dict[int, Decimal | None] = {}
    rows_of: dict[int, Row] = {}
    data: list[ComponentData] = []
    answered = with_evidence = count = 0
    for comp in components:
        subs: list[SubData] = []
        for sub in comp.sub_components.all():
            weight = metrics.lke_sub_weight(comp.weight, sub.share_pct)
            rows: list[Row] = []
            for criterion in by_sub.get(sub.pk, []):
                answer = getattr(criterion, "answer", None)
                own = _value(answer.own_answer) if answer else None
                theirs = _value(answer.evaluator_answer) if answer else None
                value = theirs if theirs is not None else own
                row = Row(criterion, answer, list(criterion.evidence.all()), value, own)
                rows.append(row)
                rows_of[criterion.pk] = row
                values[criterion.pk] = value
                count += 1
                answered += value is not None
                with_evidence += bool(row.evidence)
            if not rows:
                continue
            score = metrics.lke_sub_score(weight, [r.value for r in rows])
            subs.append(
                SubData(
                    sub,
                    weight,
                    metrics.lke_criterion_weight(weight, len(rows)),
                    rows,
                    score,
                    metrics.lke_pct(score, weight),
                )
            )
        data.append(ComponentData(comp, subs, sum((s.score for s in subs), Decimal(0))))
    shown, total = metrics.lke_total(c.score for c in data)
    for comp_data, rounded in zip(data, shown, strict=True):
        comp_data.shown = rounded
    warnings = _checks(data, rows_of, values)
    if component is not None:
        data = [c for c in data if c.component.pk == component.pk]
    return SheetData(worksheet, data, total, metrics.sakip_grade(total), answered, count, with_evidence, warnings)


def _checks(data: list[ComponentData], rows_of: dict[int, Row], values: dict[int, Decimal | None]) -> list[str]:
    """The logical-framework checks: a criterion's answer above the one it rests on, and a component whose quality
    is rated higher than the fulfilment it rests on."""
    warnings: list[str] = []
    for criterion_id, row in rows_of.items():
        basis = row.criterion.depends_on
        if basis is not None and metrics.lke_exceeds(values[criterion_id], values.get(basis.pk)):
            row.warning = _("The answer exceeds that of %(code)s, which it rests on.") % {"code": basis.code}
            warnings.append(
                _("%(code)s: the answer exceeds that of %(basis)s, which it rests on.")
                % {"code": row.criterion.code, "basis": basis.code}
            )
    for comp in data:
        kinds = {s.sub.kind: s for s in comp.subs}
        fulfilment, quality = kinds.get(SubComponentKind.FULFILMENT), kinds.get(SubComponentKind.QUALITY)
        if fulfilment and quality and metrics.lke_exceeds(quality.pct, fulfilment.pct):
            warnings.append(
                _("%(code)s: quality (%(q)s %%) is rated higher than the fulfilment it rests on (%(f)s %%).")
                % {
                    "code": comp.component.code,
                    "q": metrics.rounded(quality.pct),
                    "f": metrics.rounded(fulfilment.pct),
                }
            )
    return warnings


def official_history(year: int) -> list[tuple[int, Decimal | None, str | None]]:
    """The official SAKIP scores of the years up to `year` (the bureau's key indicator "Nilai SAKIP")."""
    rows = PerformanceYear.objects.filter(year__lte=year, sakip_score__isnull=False).order_by("-year")
    return [(y.year, y.sakip_score, metrics.sakip_grade(y.sakip_score)) for y in rows]


def result_json(data: SheetData) -> dict[str, Any]:
    """`mitra sakip-evaluation --year Y`: the components, the total and the estimated grade."""
    return {
        "year": data.worksheet.year,
        "worksheet_version": data.worksheet.number,
        "components": [
            {
                "code": c.component.code,
                "name": c.component.name,
                "weight": float(c.component.weight),
                "score": float(c.shown),
            }
            for c in data.components
        ],
        "total": float(data.total),
        "grade": data.grade,
        "estimate": True,
        "criteria": data.criteria,
        "answered": data.answered,
        "with_evidence": data.with_evidence,
        "warnings": data.warnings,
    }


def reports() -> list[EvaluationReport]:
    """The evaluation reports (LHE), newest first, each with its count of recommendations and of open ones."""
    from django.db.models import Count, Q

    from .models import OPEN_RECOMMENDATION

    return list(
        EvaluationReport.objects.annotate(
            recommendation_count=Count("recommendations"),
            open_count=Count("recommendations", filter=Q(recommendations__status__in=OPEN_RECOMMENDATION)),
        ).order_by("-year")
    )


def recommendations_of(report: EvaluationReport) -> list[Recommendation]:
    return list(report.recommendations.select_related("owner_unit", "owner").order_by("order", "id"))


def report_documents(record: EvaluationReport | Recommendation) -> Any:
    """The files attached to a report (the LHE itself) or to a recommendation (its follow-up)."""
    from mitra.documents.selectors import documents_for

    return documents_for(record)


# --- the unit scorecard ------------------------------------------------------------------------------------------


@dataclass
class ScorecardRow:
    item: ScorecardItem
    target: Decimal | None
    realised: Decimal | None
    achievement_pct: Decimal | None
    index: Decimal | None
    score: Decimal | None


@dataclass
class PerspectiveData:
    perspective: ScorecardPerspective
    rows: list[ScorecardRow]
    score: Decimal | None
    label: str | None


@dataclass
class ScorecardData:
    scorecard: Scorecard
    bands: list[metrics.ScoreBand]
    perspectives: list[PerspectiveData]
    score: Decimal | None
    label: str | None


def scorecards() -> list[Scorecard]:
    """The latest revision of each unit's scorecard of each year."""
    newer = Scorecard.objects.filter(unit=OuterRef("unit"), year=OuterRef("year"), revision__gt=OuterRef("revision"))
    return list(Scorecard.objects.filter(~Exists(newer)).select_related("unit").order_by("-year", "unit__path"))


def scorecard_revisions(unit_code: str, year: int) -> list[Scorecard]:
    """Every revision of a unit's scorecard of a year, the latest first, with who saved it."""
    return list(
        Scorecard.objects.filter(unit__code=unit_code, year=year)
        .select_related("unit", "created_by")
        .order_by("-revision")
    )


def scorecard_data(card: Scorecard) -> ScorecardData:
    """Each indicator's achievement that year (as the performance pages compute it), its index (capped) and score,
    each perspective's weighted mean and the unit's: a fixed number of queries (plus what computed indicators'
    registry sources read)."""
    from django.db.models import Prefetch

    from mitra.performance.models import IndicatorTarget
    from mitra.performance.selectors import indicator_result

    bands = [metrics.ScoreBand(b.min_index, b.score, b.label) for b in card.bands.all()]
    items = Prefetch(
        "items",
        queryset=ScorecardItem.objects.select_related("indicator").order_by("order"),
    )
    perspectives = list(card.perspectives.prefetch_related(items).order_by("order"))
    indicator_ids = {i.indicator_id for p in perspectives for i in p.items.all()}
    targets = {
        t.indicator_id: t for t in IndicatorTarget.objects.filter(year=card.year, indicator_id__in=indicator_ids)
    }
    data: list[PerspectiveData] = []
    for perspective in perspectives:
        rows = []
        for item in perspective.items.all():
            target = targets.get(item.indicator_id)
            result = indicator_result(item.indicator, target, card.year, [])
            index = metrics.scorecard_index(result.achievement_pct, card.cap_pct)
            rows.append(
                ScorecardRow(
                    item,
                    target.target if target else None,
                    result.realised,
                    result.achievement_pct,
                    index,
                    metrics.scorecard_score(index, bands),
                )
            )
        score = metrics.weighted_mean((r.item.weight, r.score) for r in rows)
        data.append(PerspectiveData(perspective, rows, score, metrics.scorecard_label(score, bands)))
    total = metrics.weighted_mean((p.perspective.weight, p.score) for p in data)
    return ScorecardData(card, bands, data, total, metrics.scorecard_label(total, bands))


def scorecard_json(data: ScorecardData) -> dict[str, Any]:
    def num(value: Decimal | None) -> float | None:
        return None if value is None else float(metrics.rounded(value) or 0)

    return {
        "unit": data.scorecard.unit.code,
        "year": data.scorecard.year,
        "cap_pct": num(data.scorecard.cap_pct),
        "perspectives": [
            {
                "code": p.perspective.code,
                "name": p.perspective.name,
                "weight": num(p.perspective.weight),
                "score": num(p.score),
                "label": p.label,
                "indicators": [
                    {
                        "code": r.item.indicator.code,
                        "weight": num(r.item.weight),
                        "achievement_pct": num(r.achievement_pct),
                        "index": num(r.index),
                        "score": num(r.score),
                    }
                    for r in p.rows
                ],
            }
            for p in data.perspectives
        ],
        "score": num(data.score),
        "label": data.label,
    }
