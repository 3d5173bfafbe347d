"""Every write to the evaluation worksheet: permission-checked, validated, audited, in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from mitra.core import audit, services
from mitra.core.models import AuditAction, User

from . import workbook
from .evidence import Candidate, Finder
from .models import (
    Answer,
    Component,
    Criterion,
    EvaluationReport,
    Evidence,
    Recommendation,
    SubComponent,
    Worksheet,
)

OWN_FIELDS = ("own_answer", "own_note")
EVALUATOR_FIELDS = ("evaluator_answer", "evaluator_note")
REPORT_FIELDS = ("year", "number", "issued_on", "evaluator", "score", "grade", "notes")
RECOMMENDATION_FIELDS = ("order", "text", "owner_unit", "owner", "action_plan", "due_date")
# What the responsible unit writes as it follows a recommendation up (leadership may change every field).
FOLLOW_UP_FIELDS = ("action_plan", "status", "completed_on", "result")
LOADER_FIELDS = ("is_illustrative",)  # set by the demo loader only


def _check(actor: User | None, perm: str, system: bool) -> None:
    if not system:
        services.require(actor, perm)


@transaction.atomic
def load_worksheet(
    *, actor: User | None, year: int, content: bytes, source_name: str = "", system: bool = False
) -> Worksheet:
    """Load a worksheet file as the year's next version. Nothing is written when the file has an error."""
    _check(actor, "evaluation.manage", system)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    parsed = workbook.parse(content)
    if parsed.errors:
        raise ValidationError({"file": parsed.errors})
    last = Worksheet.objects.select_for_update().filter(year=year).aggregate(n=Max("number"))["n"] or 0
    sheet = services.create_record(
        actor=actor,
        instance=Worksheet(year=year, number=last + 1, source_name=source_name[:200]),
        reason=_("%(criteria)s criteria loaded") % {"criteria": parsed.criteria_count},
    )
    by_code: dict[str, Criterion] = {}
    depends: list[tuple[Criterion, str]] = []
    order = 0
    for c_order, pc in enumerate(parsed.components):
        component = services.create_record(
            actor=actor,
            instance=Component(worksheet=sheet, order=c_order, code=pc.code, name=pc.name, weight=pc.weight),
        )
        for s_order, ps in enumerate(pc.subs):
            sub = services.create_record(
                actor=actor,
                instance=SubComponent(
                    component=component, order=s_order, code=ps.code, kind=ps.kind, name=ps.name, share_pct=ps.share_pct
                ),
            )
            for pcr in ps.criteria:
                order += 1
                criterion = services.create_record(
                    actor=actor,
                    instance=Criterion(
                        worksheet=sheet,
                        sub_component=sub,
                        order=order,
                        code=pcr.code,
                        text=pcr.text,
                        scale=pcr.scale,
                        evidence_kinds=pcr.evidence_kinds,
                        evidence_year=pcr.evidence_year,
                    ),
                )
                by_code[pcr.code] = criterion
                if pcr.depends_on:
                    depends.append((criterion, pcr.depends_on))
    for criterion, code in depends:
        services.update_record(
            actor=actor, instance=criterion, data={"depends_on": by_code[code]}, expected_version=None
        )
    return sheet


def save_answer(
    *,
    actor: User | None,
    criterion: Criterion,
    data: Mapping[str, Any],
    expected_version: int | None,
    evaluator: bool = False,
    system: bool = False,
) -> Answer:
    """The unit's answer and note (evaluation.answer), or the evaluator's (evaluation.evaluate): only that side's
    fields are written, so one side never overwrites the other. Version 0: the editor saw no answer yet."""
    fields = EVALUATOR_FIELDS if evaluator else OWN_FIELDS
    _check(actor, "evaluation.evaluate" if evaluator else "evaluation.answer", system)
    unknown = set(data) - set(fields)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    return services.upsert_record(
        actor=actor, model=Answer, lookup={"criterion": criterion}, data=dict(data), expected_version=expected_version
    )


def add_evidence(
    *, actor: User | None, criterion: Criterion, candidate: Candidate, suggested: bool = False, system: bool = False
) -> Evidence:
    """Link a record as evidence of a criterion; a link that exists is returned as it is."""
    _check(actor, "evaluation.answer", system)
    found = Evidence.objects.filter(criterion=criterion, kind=candidate.kind, object_id=candidate.object_id).first()
    if found is not None:
        return found
    return services.create_record(
        actor=actor,
        instance=Evidence(
            criterion=criterion,
            kind=candidate.kind,
            object_id=candidate.object_id,
            year=candidate.year,
            label=candidate.label[:300],
            url=candidate.url[:300],
            suggested=suggested,
        ),
    )


@transaction.atomic
def remove_evidence(*, actor: User | None, evidence: Evidence) -> None:
    services.require(actor, "evaluation.answer")
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=evidence,
        changes={k: [v, None] for k, v in services.field_values(evidence).items()},
    )
    evidence.delete()


@transaction.atomic
def suggest_evidence(*, actor: User | None, worksheet: Worksheet, system: bool = False) -> int:
    """Link every record Mitra holds for each criterion's evidence kinds and year that is not linked yet.
    Returns how many links were added (0 when run again)."""
    _check(actor, "evaluation.answer", system)
    finder = Finder()
    linked = set(
        Evidence.objects.filter(criterion__worksheet=worksheet).values_list("criterion_id", "kind", "object_id")
    )
    added = 0
    for criterion in Criterion.objects.filter(worksheet=worksheet).exclude(evidence_kinds="").order_by("order"):
        for candidate in finder.for_criterion(criterion.evidence_kinds, worksheet.year, criterion.evidence_year):
            if (criterion.pk, candidate.kind, candidate.object_id) in linked:
                continue
            add_evidence(actor=actor, criterion=criterion, candidate=candidate, suggested=True, system=True)
            linked.add((criterion.pk, candidate.kind, candidate.object_id))
            added += 1
    return added


def _only(data: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    return dict(data)


def save_report(
    *,
    actor: User | None,
    data: Mapping[str, Any],
    report: EvaluationReport | None = None,
    expected_version: int | None = None,
    system: bool = False,
) -> EvaluationReport:
    """Record the evaluator's report (LHE) of a year, or correct it. One report per year."""
    _check(actor, "evaluation.record_report", system)
    values = _only(data, REPORT_FIELDS + (LOADER_FIELDS if system else ()))
    year = values.get("year", report.year if report else None)
    others = EvaluationReport.objects.exclude(pk=report.pk) if report is not None else EvaluationReport.objects.all()
    if isinstance(year, int) and others.filter(year=year).exists():
        raise ValidationError({"year": _("The evaluation report of %(year)s is recorded already.") % {"year": year}})
    if report is None:
        return services.create_record(actor=actor, instance=EvaluationReport(**values))
    return services.update_record(actor=actor, instance=report, data=values, expected_version=expected_version)


def add_recommendation(
    *, actor: User | None, report: EvaluationReport, data: Mapping[str, Any], system: bool = False
) -> Recommendation:
    """Add a recommendation of the report: it becomes follow-up work of its unit and person."""
    _check(actor, "evaluation.record_report", system)
    values = _only(data, RECOMMENDATION_FIELDS + FOLLOW_UP_FIELDS + (LOADER_FIELDS if system else ()))
    return services.create_record(actor=actor, instance=Recommendation(report=report, **values))


def update_recommendation(
    *,
    actor: User | None,
    recommendation: Recommendation,
    data: Mapping[str, Any],
    expected_version: int | None,
    system: bool = False,
) -> Recommendation:
    """Leadership and administrators change any field; the responsible unit writes its follow-up (action plan,
    status, completion date and what was done) and nothing else."""
    allowed: tuple[str, ...]
    if system or (actor is not None and actor.has_perm("evaluation.record_report")):
        allowed = RECOMMENDATION_FIELDS + FOLLOW_UP_FIELDS
    else:
        services.require(actor, "evaluation.follow_up", recommendation)
        allowed = FOLLOW_UP_FIELDS
    values = _only(data, allowed)
    return services.update_record(actor=actor, instance=recommendation, data=values, expected_version=expected_version)
