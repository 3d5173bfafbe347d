"""Every write to the evaluation worksheet: permission-checked, validated, audited, in one transaction."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from mitra.core import audit, services
from mitra.core.models import AuditAction, OrganisationUnit, Role, User
from mitra.performance.models import Indicator

from . import workbook
from .evidence import Candidate, Finder
from .models import (
    Answer,
    Component,
    Criterion,
    EvaluationReport,
    Evidence,
    Recommendation,
    Scorecard,
    ScorecardBand,
    ScorecardItem,
    ScorecardPerspective,
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


def _check_owner_unit(values: Mapping[str, Any]) -> None:
    """A recommendation is work of a unit whose people can open it: its staff must have the evaluation's pages
    (the bureau's; a unit outside the bureau would be assigned work it cannot see)."""
    unit = values.get("owner_unit")
    if not isinstance(unit, OrganisationUnit):
        return
    probe = User(role=Role.STAFF, unit=unit, is_active=True)
    if not rules.has_perm("evaluation.view", probe):
        raise ValidationError(
            {
                "owner_unit": _(
                    "The staff of %(unit)s cannot open the evaluation's pages; choose a unit of the bureau."
                )
                % {"unit": unit}
            }
        )


def add_recommendation(
    *, actor: User | None, report: EvaluationReport, data: Mapping[str, Any], system: bool = False
) -> Recommendation:
    """Add a recommendation of the report: it becomes follow-up work of its unit and person."""
    _check(actor, "evaluation.record_report", system)
    values = _only(data, RECOMMENDATION_FIELDS + FOLLOW_UP_FIELDS + (LOADER_FIELDS if system else ()))
    _check_owner_unit(values)
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
    if values.get("owner_unit") is not None and values["owner_unit"] != recommendation.owner_unit:
        _check_owner_unit(values)
    return services.update_record(actor=actor, instance=recommendation, data=values, expected_version=expected_version)


def _decimal(value: Any, where: str, errors: list[str], *, positive: bool = False) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors.append(_("%(where)s: enter a number.") % {"where": where})
        return None
    if not number.is_finite() or number < 0 or (positive and number == 0) or abs(number) >= 10000:
        errors.append(_("%(where)s: enter a number from 0 up to 9999.") % {"where": where})
        return None
    return number


def bands_in_order(bands: list[tuple[Decimal, Decimal]]) -> bool:
    """Whether a band from a higher index earns a higher score, for every pair of (floor, score)."""
    ordered = sorted(bands)
    return all(low[1] < high[1] for low, high in itertools.pairwise(ordered))


@transaction.atomic
def configure_scorecard(
    *,
    actor: User | None,
    unit: OrganisationUnit,
    year: int,
    config: Mapping[str, Any],
    reason: str = "",
    expected_revision: int | None = None,
    system: bool = False,
) -> Scorecard:
    """Set a unit's scorecard of a year from its configuration: the cap, the bands, the perspectives with their
    weights and indicators (by code, among the indicators with a target that year). Nothing is written when the
    configuration has an error (every error is listed).

    Versioned: the first configuration is revision 1; a change is a new revision that needs its `reason` (unless
    loaded by the system), and the revisions before it stay as they were. A configuration equal to the latest adds
    nothing. `expected_revision` is the revision the editor loaded (0: none yet): another revision saved meanwhile
    refuses the save."""
    _check(actor, "evaluation.configure_scorecard", system)
    errors: list[str] = []
    if not isinstance(config, Mapping):
        raise ValidationError(_("The scorecard configuration is an object with bands and perspectives."))
    cap = config.get("cap_pct")
    cap_value = None if cap is None else _decimal(cap, _("cap"), errors, positive=True)
    bands: list[tuple[Decimal, Decimal, str]] = []
    for i, band in enumerate(config.get("bands") or [], start=1):
        where = _("band %(n)s") % {"n": i}
        if not isinstance(band, Mapping) or not str(band.get("label", "")).strip():
            errors.append(_("%(where)s: give min_index, score and label.") % {"where": where})
            continue
        floor = _decimal(band.get("min_index"), where, errors)
        score = _decimal(band.get("score"), where, errors)
        if floor is not None and score is not None:
            bands.append((floor, score, str(band["label"]).strip()[:60]))
    if not bands:
        errors.append(_("Give the bands that turn an achievement index into a score."))
    elif not any(floor == 0 for floor, _s, _l in bands):
        errors.append(_("One band starts at index 0, so that every achievement earns a score."))
    if len({floor for floor, _s, _l in bands}) != len(bands):
        errors.append(_("Two bands start at the same index."))
    elif not bands_in_order([(floor, score) for floor, score, _l in bands]):
        errors.append(_("A band from a higher index must earn a higher score."))
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(targets__year=year, plan__start_year__lte=year, plan__end_year__gte=year)
    }
    perspectives: list[tuple[str, str, Decimal, bool, list[tuple[Indicator, Decimal]]]] = []
    for i, p in enumerate(config.get("perspectives") or [], start=1):
        if not isinstance(p, Mapping) or not str(p.get("code", "")).strip() or not str(p.get("name", "")).strip():
            errors.append(_("perspective %(n)s: give its code, name, weight and indicators.") % {"n": i})
            continue
        code = str(p["code"]).strip()[:20]
        weight = _decimal(p.get("weight"), code, errors)
        items: list[tuple[Indicator, Decimal]] = []
        for item in p.get("indicators") or []:
            item = item if isinstance(item, Mapping) else {"code": item}
            found = indicators.get(str(item.get("code", "")))
            if found is None:
                errors.append(
                    _("%(where)s: no indicator %(code)s with a target in %(year)s.")
                    % {"where": code, "code": item.get("code", ""), "year": year}
                )
                continue
            item_weight = _decimal(item.get("weight", 1), f"{code} {found.code}", errors)
            if item_weight is not None:
                items.append((found, item_weight))
        if weight is not None:
            perspectives.append((code, str(p["name"]).strip()[:200], weight, bool(p.get("illustrative")), items))
    if not perspectives:
        errors.append(_("Give at least one perspective."))
    elif sum(w for _c, _n, w, _i, _it in perspectives) <= 0:
        errors.append(_("The perspectives' weights must add up to more than 0."))
    if len({c for c, *_rest in perspectives}) != len(perspectives):
        errors.append(_("Two perspectives have the same code."))
    if errors:
        raise ValidationError(errors)
    values = {
        "cap_pct": cap_value,
        "notes": str(config.get("notes", ""))[:4000],
        "is_illustrative": bool(config.get("illustrative")),
    }
    latest = Scorecard.objects.select_for_update().filter(unit=unit, year=year).order_by("-revision").first()
    if expected_revision is not None and (latest.revision if latest else 0) != expected_revision:
        raise ValidationError(
            _(
                "Someone saved revision %(n)s of this scorecard after you opened it; nothing was saved. Reload the "
                "page to see it."
            )
            % {"n": latest.revision if latest else 0}
        )
    if latest is not None:
        if _configuration(latest) == _configuration_of(values, bands, perspectives):
            return latest
        if not system and not reason.strip():
            raise ValidationError({"reason": _("Give the reason for changing the configuration.")})
    card = services.create_record(
        actor=actor,
        instance=Scorecard(
            unit=unit, year=year, revision=(latest.revision + 1) if latest else 1, reason=reason.strip(), **values
        ),
        reason=reason.strip(),
    )
    for floor, score, label in bands:
        services.create_record(
            actor=actor, instance=ScorecardBand(scorecard=card, min_index=floor, score=score, label=label)
        )
    for order, (code, name, weight, illustrative, items) in enumerate(perspectives):
        perspective = services.create_record(
            actor=actor,
            instance=ScorecardPerspective(
                scorecard=card, order=order, code=code, name=name, weight=weight, is_illustrative=illustrative
            ),
        )
        for item_order, (indicator, item_weight) in enumerate(items):
            services.create_record(
                actor=actor,
                instance=ScorecardItem(
                    perspective=perspective, order=item_order, indicator=indicator, weight=item_weight
                ),
            )
    return card


def _configuration_of(
    values: Mapping[str, Any],
    bands: list[tuple[Decimal, Decimal, str]],
    perspectives: list[tuple[str, str, Decimal, bool, list[tuple[Indicator, Decimal]]]],
) -> tuple[Any, ...]:
    """A comparable form of a configuration (to tell an unchanged save from a change)."""
    cap = values["cap_pct"]
    return (
        None if cap is None else Decimal(cap).normalize(),
        values["notes"],
        values["is_illustrative"],
        sorted((Decimal(f).normalize(), Decimal(s).normalize(), label) for f, s, label in bands),
        [
            (code, name, Decimal(weight).normalize(), illustrative, [(i.pk, Decimal(w).normalize()) for i, w in items])
            for code, name, weight, illustrative, items in perspectives
        ],
    )


def _configuration(card: Scorecard) -> tuple[Any, ...]:
    bands = [(b.min_index, b.score, b.label) for b in card.bands.all()]
    perspectives = [
        (
            p.code,
            p.name,
            p.weight,
            p.is_illustrative,
            [(item.indicator, item.weight) for item in p.items.select_related("indicator").order_by("order")],
        )
        for p in card.perspectives.order_by("order")
    ]
    values = {"cap_pct": card.cap_pct, "notes": card.notes, "is_illustrative": card.is_illustrative}
    return _configuration_of(values, bands, perspectives)
