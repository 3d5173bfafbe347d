"""Every write of the SAKIP cycle: permission, one transaction, full_clean, audit (through core.services).

`system=True` is for the demo loader and migrations, which act on nobody's behalf.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core import periods
from mitra.core.formatting import rupiah
from mitra.core.models import AuditAction, OrganisationUnit, TrackedModel, User
from mitra.core.services import StaleEditError, _changes_since, create_record, require, update_record

from . import selectors
from .models import (
    UNIT_INDICATOR_DESCRIPTION,
    AchievementBand,
    ActionPlan,
    Activity,
    ActivityTarget,
    AgreementStatus,
    BudgetRevision,
    FundingFramework,
    Goal,
    Indicator,
    IndicatorTarget,
    Output,
    PerformanceDocument,
    PerformanceDocumentLine,
    PerformanceYear,
    Program,
    QuarterEntry,
    QuarterReport,
    ReportStatus,
    StrategicPlan,
    StrategicTarget,
    SubActivity,
    UnitAgreement,
    UnitAgreementLine,
    UnitIndicator,
    UnitIndicatorTarget,
)

M = TypeVar("M", bound=TrackedModel)

PLAN_PERM = "performance.manage_plan"


def _create(*, actor: User | None, instance: M, perm: str, system: bool, reason: str = "") -> M:
    if not system:
        require(actor, perm, instance)
    return create_record(actor=actor, instance=instance, reason=reason)


def _normalise(model: type[models.Model], data: Mapping[str, Any]) -> dict[str, Any]:
    """Decimals at their field's places, so 31 and 31.00 compare equal and an unchanged save audits nothing."""
    out = dict(data)
    for name, value in data.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.DecimalField) and isinstance(value, Decimal | int) and not isinstance(value, bool):
            out[name] = Decimal(value).quantize(Decimal(1).scaleb(-(field.decimal_places or 0)))
    return out


def _update(
    *,
    actor: User | None,
    instance: M,
    data: Mapping[str, Any],
    expected_version: int | None,
    perm: str,
    system: bool,
    reason: str = "",
) -> M:
    if not system:
        require(actor, perm, instance)
    return update_record(
        actor=actor,
        instance=instance,
        data=_normalise(type(instance), data),
        expected_version=expected_version,
        reason=reason,
    )


# --- the year and its settings -----------------------------------------------------------------------------


@transaction.atomic
def year_save(*, actor: User | None, year: int, data: Mapping[str, Any], system: bool = False) -> PerformanceYear:
    """Create or update a year's settings and evaluator results."""
    existing = PerformanceYear.objects.filter(year=year).first()
    if existing is None:
        return _create(actor=actor, instance=PerformanceYear(year=year, **data), perm=PLAN_PERM, system=system)
    return _update(actor=actor, instance=existing, data=data, expected_version=None, perm=PLAN_PERM, system=system)


@transaction.atomic
def band_save(
    *,
    actor: User | None,
    year: PerformanceYear | None,
    min_pct: Any,
    label: str,
    is_illustrative: bool | None = None,
    system: bool = False,
) -> AchievementBand:
    """Create or relabel a band; `is_illustrative` None leaves an existing band's mark as it is."""
    existing = AchievementBand.objects.filter(year=year, min_pct=min_pct).first()
    if existing is None:
        band = AchievementBand(year=year, min_pct=min_pct, label=label, is_illustrative=bool(is_illustrative))
        return _create(actor=actor, instance=band, perm=PLAN_PERM, system=system)
    data: dict[str, Any] = {"label": label}
    if is_illustrative is not None:
        data["is_illustrative"] = is_illustrative
    return _update(actor=actor, instance=existing, data=data, expected_version=None, perm=PLAN_PERM, system=system)


# --- plan records: one generic create/update, each checked with the plan permission --------------------------

PLAN_MODELS: tuple[type[TrackedModel], ...] = (
    StrategicPlan,
    Goal,
    StrategicTarget,
    ActivityTarget,
    FundingFramework,
    Indicator,
    IndicatorTarget,
    Program,
    Activity,
    Output,
)


@transaction.atomic
def plan_record_create(*, actor: User | None, model: type[M], data: Mapping[str, Any], system: bool = False) -> M:
    assert model in PLAN_MODELS, model
    return _create(actor=actor, instance=model(**data), perm=PLAN_PERM, system=system)


@transaction.atomic
def plan_record_update(
    *,
    actor: User | None,
    instance: M,
    data: Mapping[str, Any],
    expected_version: int | None,
    reason: str = "",
    system: bool = False,
) -> M:
    assert type(instance) in PLAN_MODELS, type(instance)
    return _update(
        actor=actor,
        instance=instance,
        data=data,
        expected_version=expected_version,
        perm=PLAN_PERM,
        system=system,
        reason=reason,
    )


@transaction.atomic
def indicator_target_set(
    *, actor: User | None, indicator: Indicator, year: int, data: Mapping[str, Any], system: bool = False
) -> IndicatorTarget:
    """A year's target (and entered realisation) of an indicator; refused for a year outside the plan."""
    existing = IndicatorTarget.objects.filter(indicator=indicator, year=year).first()
    if existing is None:
        return plan_record_create(
            actor=actor, model=IndicatorTarget, data={"indicator": indicator, "year": year, **data}, system=system
        )
    return plan_record_update(actor=actor, instance=existing, data=data, expected_version=None, system=system)


# --- RKT and PK --------------------------------------------------------------------------------------------


LineData = Mapping[str, Any]


def _add_lines(actor: User | None, document: PerformanceDocument, lines: Sequence[LineData]) -> None:
    for line in lines:
        create_record(actor=actor, instance=PerformanceDocumentLine(document=document, **line))


@transaction.atomic
def document_create(
    *, actor: User | None, data: Mapping[str, Any], lines: Sequence[LineData], system: bool = False
) -> PerformanceDocument:
    document = PerformanceDocument(**data)
    if not system:
        require(actor, PLAN_PERM, document)
    document = create_record(actor=actor, instance=document)
    _add_lines(actor, document, lines)
    return document


@transaction.atomic
def document_correct(
    *,
    actor: User | None,
    document: PerformanceDocument,
    data: Mapping[str, Any],
    lines: Sequence[LineData] | None,
    reason: str,
    system: bool = False,
) -> PerformanceDocument:
    """Correct a signed RKT/PK: a new revision carrying the changes and the reason; the original stays as it was."""
    if not system:
        require(actor, PLAN_PERM, document)
    if not reason.strip():
        raise ValidationError({"correction_reason": _("Give the reason for correcting a signed document.")})
    current = PerformanceDocument.objects.select_for_update().get(pk=document.pk)
    if PerformanceDocument.objects.filter(supersedes=current).exists():
        raise ValidationError(_("This document has already been corrected; correct its latest revision."))
    fields = [
        f.name
        for f in PerformanceDocument._meta.concrete_fields
        if f.editable and f.name not in ("id", "revision", "supersedes", "correction_reason")
    ]
    values = {name: getattr(current, name) for name in fields}
    values.update(data)
    correction = PerformanceDocument(
        **values, revision=current.revision + 1, supersedes=current, correction_reason=reason
    )
    correction = create_record(actor=actor, instance=correction, reason=reason)
    if lines is None:
        lines = [
            {
                "indicator": line.indicator,
                "target": line.target,
                "target_label": line.target_label,
                "budget": line.budget,
            }
            for line in current.lines.all()
        ]
    _add_lines(actor, correction, lines)
    return correction


# --- budget structure --------------------------------------------------------------------------------------


@transaction.atomic
def sub_activity_create(*, actor: User | None, data: Mapping[str, Any], system: bool = False) -> SubActivity:
    sub = SubActivity(**data)
    sub.year = sub.output.activity.program.year
    return _create(actor=actor, instance=sub, perm=PLAN_PERM, system=system)


@transaction.atomic
def sub_activity_update(
    *,
    actor: User | None,
    sub_activity: SubActivity,
    data: Mapping[str, Any],
    expected_version: int | None,
    reason: str = "",
    system: bool = False,
) -> SubActivity:
    if "output" in data and data["output"].activity.program.year != sub_activity.year:
        raise ValidationError({"output": _("A sub-activity stays in its year; create a new one for another year.")})
    return _update(
        actor=actor,
        instance=sub_activity,
        data=data,
        expected_version=expected_version,
        perm=PLAN_PERM,
        system=system,
        reason=reason,
    )


@transaction.atomic
def budget_revision_create(
    *,
    actor: User | None,
    sub_activity: SubActivity,
    effective_on: date,
    ceiling: int,
    reason: str,
    system: bool = False,
) -> BudgetRevision:
    revision = BudgetRevision(sub_activity=sub_activity, effective_on=effective_on, ceiling=ceiling, reason=reason)
    return _create(actor=actor, instance=revision, perm=PLAN_PERM, system=system, reason=reason)


@transaction.atomic
def quarter_plan_set(
    *,
    actor: User | None,
    sub_activity: SubActivity,
    quarter: int,
    planned_output: Any,
    planned_budget: int,
    system: bool = False,
) -> QuarterEntry:
    """The plan of a sub-activity for one quarter (part of the year's plan, kept by the planner)."""
    entry = QuarterEntry.objects.filter(sub_activity=sub_activity, quarter=quarter).first()
    data = {"planned_output": planned_output, "planned_budget": planned_budget}
    if entry is None:
        entry = QuarterEntry(sub_activity=sub_activity, quarter=quarter, **data)
        return _create(actor=actor, instance=entry, perm=PLAN_PERM, system=system)
    return _update(actor=actor, instance=entry, data=data, expected_version=None, perm=PLAN_PERM, system=system)


# --- quarterly realisation and its approval ----------------------------------------------------------------

REALISATION_FIELDS = {
    "output_realised",
    "budget_realised",
    "obstacles",
    "follow_up",
    "evidence",
    "over_ceiling_reason",
    "is_illustrative",
}


def quarter_report_for(*, year: int, quarter: int, unit: OrganisationUnit) -> QuarterReport:
    """The unit's report of that quarter; created (as a draft, no audit: it holds nothing yet) on first use."""
    report, _created = QuarterReport.objects.get_or_create(year=year, quarter=quarter, unit=unit)
    return report


def _check_open(report: QuarterReport) -> None:
    if report.status == ReportStatus.APPROVED:
        raise ValidationError(_("This quarter is approved and locked; leadership must reopen it before any change."))
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(
            _("This quarter has been submitted (%(status)s); it must be returned to draft before any change.")
            % {"status": report.get_status_display()}
        )


@transaction.atomic
def realisation_record(
    *,
    actor: User | None,
    year: int,
    sub_activity: SubActivity,
    quarter: int,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    system: bool = False,
) -> QuarterEntry:
    """Record what a sub-activity realised in a quarter of `year`.

    Refused: a sub-activity of another year, a quarter that is submitted or locked, a negative figure, a year's
    realised budget above the ceiling in force without a reason. Nothing is written when any check fails.
    """
    unknown = set(data) - REALISATION_FIELDS
    if unknown:
        raise ValueError(f"Not realisation fields: {sorted(unknown)}")
    if sub_activity.year != year:
        raise ValidationError(
            {
                "sub_activity": _("Sub-activity %(name)s belongs to %(other)s, not to %(year)s.")
                % {"name": sub_activity, "other": sub_activity.year, "year": year}
            }
        )
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("A quarter is 1, 2, 3 or 4.")})
    entry = QuarterEntry.objects.filter(sub_activity=sub_activity, quarter=quarter).first()
    if entry is None:
        entry = QuarterEntry(sub_activity=sub_activity, quarter=quarter)
    if not system:
        require(actor, "performance.enter_realisation", entry)
    report = (
        QuarterReport.objects.select_for_update()
        .filter(pk=quarter_report_for(year=year, quarter=quarter, unit=sub_activity.owner_unit).pk)
        .get()
    )
    _check_open(report)

    budget = data.get("budget_realised", entry.budget_realised)
    if budget is not None and budget >= 0:
        others = sum(
            QuarterEntry.objects.filter(sub_activity=sub_activity)
            .exclude(quarter=quarter)
            .exclude(budget_realised__isnull=True)
            .values_list("budget_realised", flat=True)
        )
        ceiling = selectors.ceiling_in_force(sub_activity, periods.quarter_bounds(year, quarter)[1])
        reason = str(data.get("over_ceiling_reason", entry.over_ceiling_reason) or "").strip()
        if others + budget > ceiling and not reason:
            raise ValidationError(
                {
                    "budget_realised": _(
                        "With this figure the year's realised budget (%(total)s) exceeds the ceiling in force "
                        "(%(ceiling)s). Give a reason for spending above the ceiling to record it."
                    )
                    % {"total": rupiah(others + budget), "ceiling": rupiah(ceiling)}
                }
            )
    if entry.pk is None:
        return create_record(actor=actor, instance=entry, data=data)
    return update_record(
        actor=actor, instance=entry, data=_normalise(QuarterEntry, data), expected_version=expected_version
    )


def _check_separation(actor: User | None, report: QuarterReport, to: str) -> None:
    """Separation of duties: whoever submitted a quarter does not verify it, whoever verified it does not approve it.

    Applies to every actor, administrators and the demo loader included; a step done by nobody (actor None,
    migrations) is not checked."""
    if actor is None or not actor.is_authenticated:
        return
    if to == ReportStatus.VERIFIED and report.submitted_by_id == actor.pk:
        raise ValidationError(_("You submitted this quarter, so someone else must verify it (separation of duties)."))
    if to == ReportStatus.APPROVED and report.verified_by_id == actor.pk:
        raise ValidationError(_("You verified this quarter, so someone else must approve it (separation of duties)."))


def _transition(
    *,
    actor: User | None,
    report: QuarterReport,
    perm: str,
    allowed_from: Sequence[str],
    to: str,
    stamp: str | None,
    reason: str = "",
    system: bool = False,
    expected_version: int | None = None,
) -> QuarterReport:
    if not system:
        require(actor, perm, report)
    current = QuarterReport.objects.select_for_update().get(pk=report.pk)
    if current.status not in allowed_from:
        raise ValidationError(
            _("This quarter is %(status)s; that step is not possible now.") % {"status": current.get_status_display()}
        )
    _check_separation(actor, current, to)
    data: dict[str, Any] = {"status": to}
    if stamp:
        data[f"{stamp}_by"] = actor if actor is not None and actor.is_authenticated else None
        data[f"{stamp}_at"] = timezone.now()
    return update_record(
        actor=actor,
        instance=current,
        data=data,
        expected_version=expected_version,
        reason=reason,
        action=AuditAction.STATE_CHANGE,
    )


@transaction.atomic
def quarter_submit(
    *, actor: User | None, report: QuarterReport, system: bool = False, expected_version: int | None = None
) -> QuarterReport:
    """Staff of the unit submit the quarter once every sub-activity has its output and budget realised and every
    action plan of the unit's indicators its realisation."""
    missing = [
        str(sub)
        for sub in SubActivity.objects.filter(year=report.year, owner_unit=report.unit)
        .prefetch_related("quarters")
        .order_by("number")
        if not any(
            q.quarter == report.quarter and q.output_realised is not None and q.budget_realised is not None
            for q in sub.quarters.all()
        )
    ]
    if missing:
        raise ValidationError(
            _("Enter the output and budget realised of every sub-activity before submitting: %(list)s.")
            % {"list": "; ".join(missing)}
        )
    unrealised = [
        str(plan.unit_indicator.name) for plan in selectors.report_action_plans(report) if plan.realised is None
    ]
    if unrealised:
        raise ValidationError(
            _("Enter what was realised against every action plan before submitting: %(list)s.")
            % {"list": "; ".join(unrealised)}
        )
    return _transition(
        actor=actor,
        report=report,
        perm="performance.submit_quarter",
        allowed_from=[ReportStatus.DRAFT],
        to=ReportStatus.SUBMITTED,
        stamp="submitted",
        system=system,
        expected_version=expected_version,
    )


@transaction.atomic
def quarter_verify(
    *, actor: User | None, report: QuarterReport, system: bool = False, expected_version: int | None = None
) -> QuarterReport:
    return _transition(
        actor=actor,
        report=report,
        perm="performance.verify_quarter",
        allowed_from=[ReportStatus.SUBMITTED],
        to=ReportStatus.VERIFIED,
        stamp="verified",
        system=system,
        expected_version=expected_version,
    )


@transaction.atomic
def quarter_approve(
    *, actor: User | None, report: QuarterReport, system: bool = False, expected_version: int | None = None
) -> QuarterReport:
    return _transition(
        actor=actor,
        report=report,
        perm="performance.approve_quarter",
        allowed_from=[ReportStatus.VERIFIED],
        to=ReportStatus.APPROVED,
        stamp="approved",
        system=system,
        expected_version=expected_version,
    )


def _need_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})


@transaction.atomic
def quarter_return(*, actor: User | None, report: QuarterReport, reason: str, system: bool = False) -> QuarterReport:
    """Send a submitted or verified quarter back to the unit for correction."""
    _need_reason(reason)
    return _transition(
        actor=actor,
        report=report,
        perm="performance.return_quarter",
        allowed_from=[ReportStatus.SUBMITTED, ReportStatus.VERIFIED],
        to=ReportStatus.DRAFT,
        stamp=None,
        reason=reason,
        system=system,
    )


@transaction.atomic
def quarter_reopen(*, actor: User | None, report: QuarterReport, reason: str, system: bool = False) -> QuarterReport:
    """Unlock an approved quarter: leadership only, with a reason; audited as a state change."""
    _need_reason(reason)
    return _transition(
        actor=actor,
        report=report,
        perm="performance.reopen_quarter",
        allowed_from=[ReportStatus.APPROVED],
        to=ReportStatus.DRAFT,
        stamp=None,
        reason=reason,
        system=system,
    )


# --- cascading to every unit -------------------------------------------------------------------------------

CASCADE_PERM = "performance.manage_cascade"
AGREEMENT_PERM = "performance.edit_unit_agreement"


CASCADE_INDICATOR_PERM = "performance.cascade_indicator"
UNIT_INDICATOR_FIELDS = {"indicator", "parent", "is_illustrative", *UNIT_INDICATOR_DESCRIPTION}
# What an edit may change: where the indicator sits in the tree (bureau indicator, parent, unit) is fixed.
UNIT_INDICATOR_EDITABLE = UNIT_INDICATOR_FIELDS - {"indicator", "parent", "unit"}


def _unit_indicator_data(data: Mapping[str, Any], allowed: set[str]) -> dict[str, Any]:
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Not unit indicator fields here: {sorted(unknown)}")
    return dict(data)


@transaction.atomic
def unit_indicator_create(
    *,
    actor: User | None,
    data: Mapping[str, Any],
    year: int | None = None,
    target: Decimal | None = None,
    target_label: str = "",
    system: bool = False,
) -> UnitIndicator:
    """A unit's indicator cascaded from a bureau indicator (or from its parent unit's indicator), with its target of
    `year` when one is given. Permission: `performance.cascade_indicator` (see rules.py: the planner, leadership,
    the head of the unit it cascades from)."""
    data = _unit_indicator_data(data, UNIT_INDICATOR_FIELDS)
    parent = data.get("parent")
    if parent is not None and "indicator" not in data:
        data["indicator"] = parent.indicator
    instance = UnitIndicator(**data)
    if not system:
        require(actor, CASCADE_INDICATOR_PERM, instance)
    taken = UnitIndicator.objects.filter(unit_id=instance.unit_id, code=instance.code)
    if instance.unit_id and instance.code and taken.exists():
        raise ValidationError({"code": _("The unit already has an indicator with this code.")})
    unit_indicator = create_record(actor=actor, instance=instance)
    if year is not None and target is not None:
        _unit_target_write(actor, unit_indicator, year, {"target": target, "target_label": target_label}, None)
    return unit_indicator


@transaction.atomic
def unit_indicator_update(
    *,
    actor: User | None,
    unit_indicator: UnitIndicator,
    data: Mapping[str, Any],
    expected_version: int | None,
    year: int | None = None,
    target: Decimal | None = None,
    target_label: str | None = None,
    target_version: int | None = None,
    system: bool = False,
) -> UnitIndicator:
    """Edit a unit indicator's name, measure and manual (not where it sits in the tree) and, when `year` and `target`
    are given, its target of that year. Both are refused when someone saved them since the editor loaded them
    (`expected_version` of the indicator, `target_version` of the target, 0 when it had none): the target's
    refusal is a StaleEditError of the target row."""
    if not system:
        require(actor, CASCADE_INDICATOR_PERM, unit_indicator)
    data = _unit_indicator_data(data, UNIT_INDICATOR_EDITABLE)
    code = data.get("code")
    if (
        code
        and UnitIndicator.objects.filter(unit_id=unit_indicator.unit_id, code=code)
        .exclude(pk=unit_indicator.pk)
        .exists()
    ):
        raise ValidationError({"code": _("The unit already has an indicator with this code.")})
    if year is not None and target is not None:
        values: dict[str, Any] = {"target": target}
        if target_label is not None:
            values["target_label"] = target_label
        _unit_target_write(actor, unit_indicator, year, values, target_version)
    return update_record(
        actor=actor, instance=unit_indicator, data=_normalise(UnitIndicator, data), expected_version=expected_version
    )


def _unit_target_write(
    actor: User | None, unit_indicator: UnitIndicator, year: int, data: Mapping[str, Any], expected_version: int | None
) -> UnitIndicatorTarget:
    """Create or change a unit indicator's target of a year (the caller checked the permission). A version of 0
    means the editor saw no target: a target saved meanwhile makes the save stale."""
    existing = UnitIndicatorTarget.objects.select_for_update().filter(unit_indicator=unit_indicator, year=year).first()
    if existing is None:
        instance = UnitIndicatorTarget(unit_indicator=unit_indicator, year=year, **data)
        return create_record(actor=actor, instance=instance)
    if expected_version == 0:
        raise StaleEditError(existing, 0, _changes_since(existing, 0))
    return update_record(
        actor=actor, instance=existing, data=_normalise(UnitIndicatorTarget, data), expected_version=expected_version
    )


@transaction.atomic
def unit_target_set(
    *,
    actor: User | None,
    unit_indicator: UnitIndicator,
    year: int,
    target: Decimal,
    target_label: str | None = None,
    is_illustrative: bool | None = None,
    expected_version: int | None = None,
    system: bool = False,
) -> UnitIndicatorTarget:
    """A unit indicator's target for a year (created, or changed with the change audited). A label or illustrative
    mark not given (None) stays as it was (empty and unmarked for a new target). `expected_version`: the target's
    version the editor loaded (0: none yet), refused with StaleEditError when someone saved it since."""
    data: dict[str, Any] = {"target": target}
    if target_label is not None:
        data["target_label"] = target_label
    if is_illustrative is not None:
        data["is_illustrative"] = is_illustrative
    if not system:
        require(actor, CASCADE_PERM, UnitIndicatorTarget(unit_indicator=unit_indicator, year=year))
    return _unit_target_write(actor, unit_indicator, year, data, expected_version)


@transaction.atomic
def action_plan_set(
    *,
    actor: User | None,
    unit_indicator: UnitIndicator,
    year: int,
    quarter: int,
    target: Decimal,
    actions: str,
    is_illustrative: bool | None = None,
    expected_version: int | None = None,
    system: bool = False,
) -> ActionPlan:
    """The quarter's target of a unit indicator and the actions planned to reach it (part of the year's plan). The
    plan of a quarter already submitted or approved is not changed (the comparison with its realisation is then
    on record); an illustrative mark not given (None) stays as it was."""
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("A quarter is 1, 2, 3 or 4.")})
    data: dict[str, Any] = {"target": target, "actions": actions}
    if is_illustrative is not None:
        data["is_illustrative"] = is_illustrative
    existing = (
        ActionPlan.objects.select_for_update().filter(unit_indicator=unit_indicator, year=year, quarter=quarter).first()
    )
    if existing is not None and expected_version == 0:  # the editor saw no plan; one was saved meanwhile
        raise StaleEditError(existing, 0, _changes_since(existing, 0))
    if existing is not None and (existing.target != target or existing.actions != actions):
        report = QuarterReport.objects.filter(year=year, quarter=quarter, unit=unit_indicator.unit).first()
        if report is not None:
            _check_open(report)
    if existing is None:
        instance = ActionPlan(unit_indicator=unit_indicator, year=year, quarter=quarter, **data)
        return _create(actor=actor, instance=instance, perm=CASCADE_PERM, system=system)
    return _update(
        actor=actor, instance=existing, data=data, expected_version=expected_version, perm=CASCADE_PERM, system=system
    )


@transaction.atomic
def action_plan_realise(
    *,
    actor: User | None,
    action_plan: ActionPlan,
    realised: Decimal,
    realisation_note: str,
    expected_version: int | None = None,
    system: bool = False,
) -> ActionPlan:
    """What the unit reached in the quarter against its action plan: part of the unit's quarterly realisation, so
    refused once the quarter is submitted or approved (it moves through the approval with the quarter's entries)."""
    if not system:
        require(actor, "performance.enter_realisation", action_plan)
    report = (
        QuarterReport.objects.select_for_update()
        .filter(
            pk=quarter_report_for(
                year=action_plan.year, quarter=action_plan.quarter, unit=action_plan.unit_indicator.unit
            ).pk
        )
        .get()
    )
    _check_open(report)
    return update_record(
        actor=actor,
        instance=action_plan,
        data=_normalise(ActionPlan, {"realised": realised, "realisation_note": realisation_note}),
        expected_version=expected_version,
    )


AGREEMENT_FIELDS = {
    "first_party_name",
    "first_party_position",
    "second_party_name",
    "second_party_position",
    "pledge",
    "programme",
    "activity",
    "budget",
    "place",
    "signed_on",
    "is_illustrative",
}


def agreement_lines(*, unit: OrganisationUnit, year: int) -> list[dict[str, Any]]:
    """The lines a unit's PK of `year` states: each of the unit's own indicators with its target of the year."""
    targets = (
        UnitIndicatorTarget.objects.filter(unit_indicator__unit=unit, year=year)
        .select_related("unit_indicator__indicator")
        .order_by("unit_indicator__indicator__order", "unit_indicator__order", "unit_indicator__code")
    )
    return [{"unit_indicator": t.unit_indicator, "target": t.target, "target_label": t.target_label} for t in targets]


def _agreement_data(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - AGREEMENT_FIELDS
    if unknown:
        raise ValueError(f"Not agreement fields: {sorted(unknown)}")
    return dict(data)


def _agreement_lines_save(actor: User | None, agreement: UnitAgreement) -> None:
    lines = agreement_lines(unit=agreement.unit, year=agreement.year)
    if not lines:
        raise ValidationError(
            _("%(unit)s has no indicator with a target for %(year)s: cascade the indicators to the unit first.")
            % {"unit": agreement.unit, "year": agreement.year}
        )
    for line in lines:
        create_record(actor=actor, instance=UnitAgreementLine(agreement=agreement, **line))


@transaction.atomic
def unit_agreement_create(
    *, actor: User | None, unit: OrganisationUnit, year: int, data: Mapping[str, Any], system: bool = False
) -> UnitAgreement:
    """A unit head's PK of a year (revision 1), stating the unit's indicators and their targets of that year."""
    agreement = UnitAgreement(unit=unit, year=year, **_agreement_data(data))
    if not system:
        require(actor, AGREEMENT_PERM, agreement)
    if UnitAgreement.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(
            _("%(unit)s already has a PK for %(year)s; amend it instead.") % {"unit": unit, "year": year}
        )
    agreement = create_record(actor=actor, instance=agreement)
    _agreement_lines_save(actor, agreement)
    return agreement


@transaction.atomic
def unit_agreement_amend(
    *,
    actor: User | None,
    agreement: UnitAgreement,
    data: Mapping[str, Any],
    reason: str,
    system: bool = False,
) -> UnitAgreement:
    """Amend a PK: a new revision with the changes, the unit's current indicators and targets, and the reason.
    The amended revision stays as it was (append-only); only the latest revision can be amended."""
    if not system:
        require(actor, AGREEMENT_PERM, agreement)
    if not reason.strip():
        raise ValidationError({"amendment_reason": _("Give the reason for amending the agreement.")})
    current = UnitAgreement.objects.select_for_update().get(pk=agreement.pk)
    if UnitAgreement.objects.filter(supersedes=current).exists():
        raise ValidationError(_("This agreement has already been amended; amend its latest revision."))
    values = {name: getattr(current, name) for name in AGREEMENT_FIELDS}
    values.update(_agreement_data(data))
    amendment = UnitAgreement(
        unit=current.unit,
        year=current.year,
        revision=current.revision + 1,
        supersedes=current,
        amendment_reason=reason,
        **values,
    )
    amendment = create_record(actor=actor, instance=amendment, reason=reason)
    _agreement_lines_save(actor, amendment)
    return amendment


@transaction.atomic
def unit_agreement_approve(*, actor: User | None, agreement: UnitAgreement, system: bool = False) -> UnitAgreement:
    """Leadership approves the latest revision of a unit's PK."""
    if not system:
        require(actor, "performance.approve_unit_agreement", agreement)
    current = UnitAgreement.objects.select_for_update().get(pk=agreement.pk)
    if UnitAgreement.objects.filter(supersedes=current).exists():
        raise ValidationError(_("Only the latest revision of an agreement can be approved."))
    if current.status == AgreementStatus.APPROVED:
        raise ValidationError(_("This agreement is already approved."))
    return update_record(
        actor=actor,
        instance=current,
        data={
            "status": AgreementStatus.APPROVED,
            "approved_by": actor if actor is not None and actor.is_authenticated else None,
            "approved_at": timezone.now(),
        },
        expected_version=None,
        action=AuditAction.STATE_CHANGE,
    )
