"""Reads of the SAKIP cycle, each in a fixed number of queries whatever the amount of data.

Every computed figure comes from metrics.py; this module only gathers the plain values it needs.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.urls import reverse

from mitra.core import periods
from mitra.core.models import OrganisationUnit, StaffMember
from mitra.core.selectors import within_unit
from mitra.documents.selectors import documents_for

from . import metrics, sources
from .models import (
    AchievementBand,
    ActionPlan,
    BudgetRevision,
    Indicator,
    IndicatorTarget,
    Output,
    PerformanceDocument,
    PerformanceYear,
    QuarterEntry,
    QuarterReport,
    ReportStatus,
    SourceKind,
    StrategicPlan,
    SubActivity,
    UnitAgreement,
    UnitIndicator,
)

logger = logging.getLogger(__name__)


def ceiling_at(original: int, revisions: list[BudgetRevision], on: date) -> int:
    """The ceiling in force on a date: the latest revision effective by then, else the original ceiling."""
    ceiling = original
    for revision in sorted(revisions, key=lambda r: (r.effective_on, r.pk or 0)):
        if revision.effective_on <= on:
            ceiling = revision.ceiling
    return ceiling


def ceiling_in_force(sub_activity: SubActivity, on: date) -> int:
    return ceiling_at(sub_activity.ceiling, list(sub_activity.revisions.all()), on)


def years() -> list[int]:
    """Years that have a budget structure or settings, newest first."""
    budget_years = set(SubActivity.objects.values_list("year", flat=True).distinct())
    setting_years = set(PerformanceYear.objects.values_list("year", flat=True))
    return sorted(budget_years | setting_years, reverse=True)


def sub_activities(year: int) -> QuerySet[SubActivity]:
    """The year's sub-activities with everything the pages show: three queries in all."""
    return (
        SubActivity.objects.filter(year=year)
        .select_related("output__activity__program", "owner_unit", "indicator")
        .prefetch_related(
            Prefetch("quarters", queryset=QuarterEntry.objects.order_by("quarter")),
            Prefetch("revisions", queryset=BudgetRevision.objects.order_by("effective_on", "id")),
        )
        .order_by("number")
    )


def sub_activities_all() -> QuerySet[SubActivity]:
    return SubActivity.objects.select_related("output__activity__program", "owner_unit", "indicator").prefetch_related(
        Prefetch("quarters", queryset=QuarterEntry.objects.order_by("quarter")),
        Prefetch("revisions", queryset=BudgetRevision.objects.order_by("effective_on", "id")),
    )


def current_plan(year: int) -> StrategicPlan | None:
    return StrategicPlan.objects.filter(start_year__lte=year, end_year__gte=year).select_related("owner_unit").first()


# --- per year settings -------------------------------------------------------------------------------------


@dataclass
class YearSettings:
    year: int
    setting: PerformanceYear | None
    efficiency_standard: Decimal
    budget_tolerance_pct: Decimal
    bands: list[metrics.Band]
    history: list[PerformanceYear]

    @property
    def previous(self) -> PerformanceYear | None:
        """The recorded settings of the previous year (`periods.previous_year`: the calendar year before), or None
        when that year is not recorded; an earlier recorded year never stands in for it."""
        before = periods.previous_year(self.year)
        return next((y for y in self.history if y.year == before), None)


def year_settings(year: int) -> YearSettings:
    """The year's settings, its achievement bands (the defaults when it has none) and the SAKIP history; 2 queries."""
    history = list(PerformanceYear.objects.order_by("year"))
    setting = next((y for y in history if y.year == year), None)
    all_bands = list(AchievementBand.objects.filter(year__isnull=True) | AchievementBand.objects.filter(year=setting))
    own = [b for b in all_bands if setting is not None and b.year_id == setting.pk]
    chosen = own or [b for b in all_bands if b.year_id is None]
    return YearSettings(
        year=year,
        setting=setting,
        efficiency_standard=setting.efficiency_standard if setting else metrics.ONE,
        budget_tolerance_pct=setting.budget_tolerance_pct if setting else Decimal(10),
        bands=[metrics.Band(b.min_pct, b.label) for b in chosen],
        history=history,
    )


# --- indicators --------------------------------------------------------------------------------------------


@dataclass
class IndicatorResult:
    indicator: Indicator
    target: IndicatorTarget | None
    realised: Decimal | None
    achievement_pct: Decimal | None
    category: str | None
    source: str  # "computed" | "entered"
    source_available: bool = True
    source_failed: bool = False
    records: Sequence[sources.SourceRecord] = field(default_factory=list)  # lazy: counted in SQL, built when shown


def indicator_result(
    indicator: Indicator, target: IndicatorTarget | None, year: int, bands: list[metrics.Band]
) -> IndicatorResult:
    records: Sequence[sources.SourceRecord] = []
    available = True
    realised: Decimal | None
    failed = False
    if indicator.source_kind == SourceKind.COMPUTED:
        try:
            result = sources.get(indicator.source_key).compute(year)
        except LookupError:  # not registered (yet), or no figure for that year
            available, realised = False, None
        except Exception:  # another app's source failed: show the indicator without a figure, never the error
            logger.exception("Indicator source %s failed for %s", indicator.source_key, year)
            available, failed, realised = False, True, None
        else:
            realised, records = result.value, result.records
    else:
        realised = target.realised if target else None
    pct = metrics.achievement_pct(realised, target.target if target else None, indicator.direction)
    return IndicatorResult(
        indicator=indicator,
        target=target,
        realised=realised,
        achievement_pct=pct,
        category=metrics.category(pct, bands),
        source=indicator.source_kind,
        source_available=available,
        source_failed=failed,
        records=records,
    )


def indicator_results(year: int, bands: list[metrics.Band]) -> list[IndicatorResult]:
    """Every indicator with a target in `year`; one query (plus what registered sources read)."""
    targets = (
        IndicatorTarget.objects.filter(year=year)
        .select_related("indicator__activity_target", "indicator__strategic_target")
        .order_by("indicator__order", "indicator__code")
    )
    return [indicator_result(t.indicator, t, year, bands) for t in targets]


# --- the year's measurement (appendix 4) -------------------------------------------------------------------


@dataclass
class SubActivityFigures:
    sub: SubActivity
    ceiling: int
    realised: int
    input_pct: Decimal | None
    output_target: Decimal
    output_realised: Decimal
    output_pct: Decimal | None
    efficiency_index: Decimal | None
    efficiency_level: Decimal | None
    efficient: bool | None


@dataclass
class OutputFigures:
    output: Output
    ceiling: int
    realised: int
    absorption_pct: Decimal | None
    subs: list[SubActivityFigures]


@dataclass
class Measurement:
    year: int
    settings: YearSettings
    ceiling: int
    realised: int
    absorption_pct: Decimal | None
    outputs: list[OutputFigures]
    subs: list[SubActivityFigures]
    indicators: list[IndicatorResult]


def sub_activity_figures(sub: SubActivity, standard: Decimal) -> SubActivityFigures:
    """Year figures of one sub-activity from its prefetched quarters and revisions (no queries)."""
    quarters = list(sub.quarters.all())
    ceiling = ceiling_at(sub.ceiling, list(sub.revisions.all()), periods.year_bounds(sub.year)[1])
    realised = sum(q.budget_realised or 0 for q in quarters)
    output_realised = sum((q.output_realised or Decimal(0) for q in quarters), Decimal(0))
    inp = metrics.input_pct(realised, ceiling)
    out = metrics.achievement_pct(output_realised, sub.output_target)
    index = metrics.efficiency_index(out, inp)
    return SubActivityFigures(
        sub=sub,
        ceiling=ceiling,
        realised=realised,
        input_pct=inp,
        output_target=sub.output_target,
        output_realised=output_realised,
        output_pct=out,
        efficiency_index=index,
        efficiency_level=metrics.efficiency_level(index, standard),
        efficient=metrics.is_efficient(index, standard),
    )


def measurement(year: int) -> Measurement:
    settings = year_settings(year)
    subs = [sub_activity_figures(s, settings.efficiency_standard) for s in sub_activities(year)]
    by_output: dict[int, list[SubActivityFigures]] = defaultdict(list)
    outputs: dict[int, Output] = {}
    for figures in subs:
        by_output[figures.sub.output_id].append(figures)
        outputs[figures.sub.output_id] = figures.sub.output
    output_rows = []
    for output_id, rows in sorted(by_output.items(), key=lambda item: outputs[item[0]].code):
        c, r, pct = metrics.absorption((f.ceiling, f.realised) for f in rows)
        output_rows.append(OutputFigures(outputs[output_id], c, r, pct, rows))
    ceiling, realised, pct = metrics.absorption((f.ceiling, f.realised) for f in subs)
    return Measurement(
        year=year,
        settings=settings,
        ceiling=ceiling,
        realised=realised,
        absorption_pct=pct,
        outputs=output_rows,
        subs=subs,
        indicators=indicator_results(year, settings.bands),
    )


def _num(value: Decimal | None, places: int = 2) -> str | None:
    """A figure rounded for JSON output (measurement JSON, chart data); selectors keep full precision."""
    rounded = metrics.rounded(value, places)
    return None if rounded is None else str(rounded)


def _volume(value: Decimal | None) -> int | str | None:
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    rounded = metrics.rounded(value, 3)
    return None if rounded is None else str(rounded.normalize())


def current_measurement_json(year: int) -> dict[str, Any]:
    """The year's performance measurement as the records say now, as plain JSON: money as integers, percentages as
    2-place strings. `measurement_json` is what pages, the command and the API show (the issued figures of an
    issued year)."""
    return measurement_as_json(measurement(year))


def measurement_as_json(m: Measurement, records: bool = True) -> dict[str, Any]:
    """A measurement already read, as the plain JSON of `current_measurement_json`. With `records` each indicator
    lists the ids of the records behind it (a query per computed indicator whose records are read lazily);
    without, the JSON has no "records" and needs no query (the report's consistency check compares figures only)."""
    year = m.year
    setting = m.settings.setting
    score = setting.sakip_score if setting else None
    target = setting.sakip_target_score if setting else None
    return {
        "year": year,
        "budget": {"ceiling": m.ceiling, "realized": m.realised, "absorption_pct": _num(m.absorption_pct)},
        "efficiency_standard": _num(m.settings.efficiency_standard, 3),
        "outputs": [
            {
                "code": o.output.code,
                "name": o.output.name,
                "ceiling": o.ceiling,
                "realized": o.realised,
                "absorption_pct": _num(o.absorption_pct),
            }
            for o in m.outputs
        ],
        "sub_activities": [
            {
                "number": f.sub.number,
                "name": f.sub.name,
                "output_code": f.sub.output.code,
                "unit": f.sub.owner_unit.code,
                "ceiling": f.ceiling,
                "realized": f.realised,
                "input_pct": _num(f.input_pct),
                "output_target": _volume(f.output_target),
                "output_realized": _volume(f.output_realised),
                "output_unit": f.sub.output_unit,
                "output_pct": _num(f.output_pct),
                "efficiency_index": _num(f.efficiency_index, 3),
                "efficiency_level": _num(f.efficiency_level, 3),
                "efficient": f.efficient,
            }
            for f in m.subs
        ],
        "indicators": [
            {
                "code": r.indicator.code,
                "name": r.indicator.name,
                "target": _volume(r.target.target) if r.target else None,
                "realized": _volume(r.realised),
                "achievement_pct": _num(r.achievement_pct),
                "category": r.category,
                "source": r.source,
                "source_key": r.indicator.source_key or None,
                "source_available": r.source_available,
                **({"records": sources.record_ids(r.records)} if records else {}),
            }
            for r in m.indicators
        ],
        "sakip": {
            "score": _num(score),
            "grade": metrics.sakip_grade(score),
            "target": _num(target),
            "achievement_pct": _num(metrics.achievement_pct(score, target)),
            "history": [
                {
                    "year": y.year,
                    "score": _num(y.sakip_score),
                    "grade": metrics.sakip_grade(y.sakip_score),
                    "absorption_pct": _num(y.reported_absorption_pct),
                }
                for y in m.settings.history
                if y.year <= year
            ],
        },
    }


# --- issued figures and late changes ------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedMeasurement:
    """The measurement of a year as frozen when its LAKIP was issued (the reports app keeps it)."""

    year: int
    revision: int
    issued_at: datetime
    issued_by: str
    measurement: dict[str, Any]  # current_measurement_json(year) at the issue
    url: str = ""


# The reports app, above this one, tells which figures of a year were issued (`register_issued_lookup` from its
# AppConfig.ready()): a lower app never imports a higher one.
_ISSUED_LOOKUP: Callable[[int], IssuedMeasurement | None] | None = None


def register_issued_lookup(lookup: Callable[[int], IssuedMeasurement | None]) -> None:
    global _ISSUED_LOOKUP
    _ISSUED_LOOKUP = lookup


def issued_measurement(year: int) -> IssuedMeasurement | None:
    return _ISSUED_LOOKUP(year) if _ISSUED_LOOKUP is not None else None


# The records the year's budget figures read (ceilings, revisions, quarterly realisation), with their year lookup.
BUDGET_READS = {
    "performance.subactivity": "year",
    "performance.budgetrevision": "sub_activity__year",
    "performance.quarterentry": "sub_activity__year",
}
SETTINGS_READS = {"performance.performanceyear": "year", "performance.achievementband": ""}


@dataclass
class MovedFigure:
    figure: str  # e.g. "indicators.IKU-1.realized"
    issued: Any
    current: Any
    reads: dict[str, str]  # record type -> year lookup ("" = not tied to a year)
    records: set[str] = field(default_factory=set)  # ids of the records listed behind it (issued or now)
    narrow: dict[str, dict[str, Any]] = field(default_factory=dict)  # record type -> extra filter (one sub-activity)


def _by(items: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {item[key]: item for item in items}


def moved_figures(issued: dict[str, Any], current: dict[str, Any]) -> list[MovedFigure]:
    """The figures whose value the records give now differs from the issued one, with what each reads."""
    moved: list[MovedFigure] = []

    def compare(prefix: str, before: dict[str, Any], now: dict[str, Any], reads: dict[str, str], **extra: Any) -> None:
        for name in sorted(set(before) | set(now)):
            if name in ("records", "name", "code", "number", "unit", "output_code", "output_unit", "source"):
                continue
            if isinstance(before.get(name), (dict, list)) or isinstance(now.get(name), (dict, list)):
                continue
            if before.get(name) != now.get(name):
                moved.append(MovedFigure(f"{prefix}.{name}", before.get(name), now.get(name), reads, **extra))

    compare("budget", issued.get("budget", {}), current.get("budget", {}), BUDGET_READS)
    for kind, key, prefix in (("outputs", "code", "outputs"), ("sub_activities", "number", "sub_activities")):
        old, new = _by(issued.get(kind, []), key), _by(current.get(kind, []), key)
        for k in sorted(set(old) | set(new), key=str):
            narrow: dict[str, dict[str, Any]] = {}
            if kind == "sub_activities":
                narrow = {
                    "performance.subactivity": {"number": k},
                    "performance.budgetrevision": {"sub_activity__number": k},
                    "performance.quarterentry": {"sub_activity__number": k},
                }
            compare(f"{prefix}.{k}", old.get(k, {}), new.get(k, {}), BUDGET_READS, narrow=narrow)
    old, new = _by(issued.get("indicators", []), "code"), _by(current.get("indicators", []), "code")
    for code in sorted(set(old) | set(new)):
        item = new.get(code) or old[code]
        if (
            item.get("source") == SourceKind.COMPUTED
            and item.get("source_key")
            and sources.is_registered(item["source_key"])
        ):
            reads = dict(sources.get(item["source_key"]).reads)
        else:
            reads = {"performance.indicatortarget": "year"}
        reads.update(SETTINGS_READS)
        records = {str(r) for r in old.get(code, {}).get("records", []) + new.get(code, {}).get("records", [])}
        compare(f"indicators.{code}", old.get(code, {}), new.get(code, {}), reads, records=records)
    compare("sakip", issued.get("sakip", {}), current.get("sakip", {}), SETTINGS_READS)
    return moved


def _touches_year(entry: Any, lookup: str, year: int) -> bool:
    """Whether the audited record counts in `year`, now or before the change (a record moved out of the year)."""
    from django.apps import apps

    try:
        model = apps.get_model(entry.record_type)
    except (LookupError, ValueError):
        return False
    manager = getattr(model, "all_objects", model._default_manager)
    if manager.filter(pk=entry.record_id, **{lookup: year}).exists():
        return True
    name, _sep, rest = lookup.partition("__")
    if rest not in ("", "year"):
        return False  # through a relation: the record as it is now decided it
    values = (entry.changes or {}).get(name, [])
    return any(value is not None and str(value)[:4] == str(year) for value in values)


def late_changes(year: int, issued: IssuedMeasurement, current: dict[str, Any]) -> list[dict[str, Any]]:
    """The writes after the issue that move an issued figure: each audited create, change or delete after the
    issue of a record a moved figure reads, with the figure, its issued and current value, who and when."""
    from mitra.core.models import AuditEntry

    moved = moved_figures(issued.measurement, current)
    if not moved:
        return []
    types = {t for m in moved for t in m.reads}
    entries = AuditEntry.objects.filter(at__gt=issued.issued_at, record_type__in=types).order_by("id")
    out: list[dict[str, Any]] = []
    relevant: dict[tuple[int, str, str], bool] = {}
    for entry in entries:
        for m in moved:
            lookup = m.reads.get(entry.record_type)
            if lookup is None:
                continue
            if lookup == "":
                if (
                    m.records
                    and entry.record_id not in m.records
                    and entry.record_type != "performance.achievementband"
                ):
                    continue
            else:
                narrow = m.narrow.get(entry.record_type, {})
                key = (entry.id, lookup, repr(sorted(narrow.items())))
                if key not in relevant:
                    relevant[key] = _touches_year(entry, lookup, year) and (not narrow or _matches(entry, narrow))
                if not relevant[key]:
                    continue
            out.append(
                {
                    "record": {
                        "type": entry.record_type,
                        "id": entry.record_id,
                        "label": entry.record_repr,
                        "action": entry.action,
                    },
                    "figure": m.figure,
                    "issued_value": m.issued,
                    "current_value": m.current,
                    "who": entry.actor_username,
                    "when": entry.at.isoformat(),
                }
            )
    return out


def _matches(entry: Any, narrow: dict[str, Any]) -> bool:
    from django.apps import apps

    model = apps.get_model(entry.record_type)
    manager = getattr(model, "all_objects", model._default_manager)
    return bool(manager.filter(pk=entry.record_id, **narrow).exists())


@dataclass
class IssuedComparison:
    """What the pages of an issued year show: the issue, the figures the records now give differently, and the
    writes after the issue that moved them."""

    issue: IssuedMeasurement
    moved: list[MovedFigure]
    late_changes: list[dict[str, Any]]


def issued_comparison(year: int) -> IssuedComparison | None:
    issued = issued_measurement(year)
    if issued is None:
        return None
    current = current_measurement_json(year)
    return IssuedComparison(issued, moved_figures(issued.measurement, current), late_changes(year, issued, current))


def measurement_json(year: int) -> dict[str, Any]:
    """The year's measurement as pages, `mitra measurement` and the API show it. For a year whose LAKIP was issued:
    the issued figures, unchanged by later writes, with `"issue"` (revision, when, by whom), `"current"` (what the
    records say now) and `"late_changes"` (the writes after the issue that move a figure); otherwise the figures
    of the records, with `"issue": null` and no late changes."""
    current = current_measurement_json(year)
    issued = issued_measurement(year)
    if issued is None:
        return {**current, "issue": None, "late_changes": []}
    return {
        **issued.measurement,
        "issue": {
            "revision": issued.revision,
            "issued_at": issued.issued_at.isoformat(),
            "issued_by": issued.issued_by,
            "url": issued.url,
        },
        "current": current,
        "late_changes": late_changes(year, issued, current),
    }


# --- quarterly monitoring ----------------------------------------------------------------------------------


@dataclass
class SubProgress:
    sub: SubActivity
    ceiling: int
    planned_output_q: Decimal
    output_q: Decimal | None
    planned_budget_q: int
    budget_q: int | None
    planned_output_cum: Decimal
    output_cum: Decimal
    planned_budget_cum: int
    budget_cum: int
    physical_plan_pct: Decimal | None
    physical_pct: Decimal | None
    financial_plan_pct: Decimal | None
    financial_pct: Decimal | None
    physically_behind: bool
    financially_behind: bool
    obstacles: str
    follow_up: str

    @property
    def behind(self) -> bool:
        return self.physically_behind or self.financially_behind


@dataclass
class UnitProgress:
    unit: OrganisationUnit
    report: QuarterReport | None
    subs: list[SubProgress]
    ceiling: int
    planned_budget_q: int
    budget_q: int
    planned_budget_cum: int
    budget_cum: int
    physical_plan_pct: Decimal | None
    physical_pct: Decimal | None
    financial_plan_pct: Decimal | None
    financial_pct: Decimal | None
    physically_behind: bool
    financially_behind: bool

    @property
    def behind(self) -> bool:
        return self.physically_behind or self.financially_behind

    @property
    def behind_subs(self) -> list[SubProgress]:
        return [s for s in self.subs if s.behind]

    @property
    def status(self) -> str:
        return self.report.status if self.report else ReportStatus.DRAFT


@dataclass
class Monitoring:
    year: int
    quarter: int
    units: list[UnitProgress]
    # Bureau-wide cumulative physical and financial realisation at the end of each quarter: {"quarter": 1..4,
    # "physical_plan", "physical", "financial_plan", "financial": Decimal percentages in full precision, or None}.
    by_quarter: list[dict[str, Any]]

    @property
    def behind_units(self) -> list[UnitProgress]:
        return [u for u in self.units if u.behind]


def _capped_progress(realised: Decimal, target: Decimal) -> Decimal | None:
    """Physical progress towards the year's output target, capped at 100 % so one over-achiever hides nothing."""
    pct = metrics.achievement_pct(realised, target)
    return None if pct is None else min(pct, metrics.HUNDRED)


def _weighted(items: list[tuple[int, Decimal | None]]) -> Decimal | None:
    """Ceiling-weighted mean of percentages (realisasi fisik of a group of sub-activities)."""
    weight = sum(w for w, p in items if p is not None)
    if not weight:
        return None
    return sum((Decimal(w) * p for w, p in items if p is not None), Decimal(0)) / Decimal(weight)


def _sub_progress(sub: SubActivity, quarter: int, tolerance: Decimal) -> SubProgress:
    entries = {q.quarter: q for q in sub.quarters.all()}
    ceiling = ceiling_at(sub.ceiling, list(sub.revisions.all()), periods.quarter_bounds(sub.year, quarter)[1])
    upto = [entries[q] for q in range(1, quarter + 1) if q in entries]
    this = entries.get(quarter)
    p_out = sum((e.planned_output for e in upto), Decimal(0))
    out = sum((e.output_realised or Decimal(0) for e in upto), Decimal(0))
    p_bud = sum(e.planned_budget for e in upto)
    bud = sum(e.budget_realised or 0 for e in upto)
    physical, financial = metrics.behind_plan(
        output_realised=out,
        output_planned=p_out,
        budget_realised=bud,
        budget_planned=p_bud,
        budget_tolerance_pct=tolerance,
    )
    return SubProgress(
        sub=sub,
        ceiling=ceiling,
        planned_output_q=this.planned_output if this else Decimal(0),
        output_q=this.output_realised if this else None,
        planned_budget_q=this.planned_budget if this else 0,
        budget_q=this.budget_realised if this else None,
        planned_output_cum=p_out,
        output_cum=out,
        planned_budget_cum=p_bud,
        budget_cum=bud,
        physical_plan_pct=_capped_progress(p_out, sub.output_target),
        physical_pct=_capped_progress(out, sub.output_target),
        financial_plan_pct=metrics.input_pct(p_bud, ceiling),
        financial_pct=metrics.input_pct(bud, ceiling),
        physically_behind=physical,
        financially_behind=financial,
        obstacles=this.obstacles if this else "",
        follow_up=this.follow_up if this else "",
    )


def monitoring(year: int, quarter: int) -> Monitoring:
    """Each unit's plan against realisation in the quarter and cumulatively; 5 queries whatever the data."""
    settings = year_settings(year)
    tolerance = settings.budget_tolerance_pct
    subs = list(sub_activities(year))
    reports = {r.unit_id: r for r in QuarterReport.objects.filter(year=year, quarter=quarter)}
    grouped: dict[int, list[SubActivity]] = defaultdict(list)
    for sub in subs:
        grouped[sub.owner_unit_id].append(sub)
    units = []
    for rows in sorted(grouped.values(), key=lambda r: r[0].owner_unit.path):
        progress = [_sub_progress(s, quarter, tolerance) for s in rows]
        ceiling = sum(p.ceiling for p in progress)
        planned_cum = sum(p.planned_budget_cum for p in progress)
        budget_cum = sum(p.budget_cum for p in progress)
        physical_plan = _weighted([(p.ceiling, p.physical_plan_pct) for p in progress])
        physical = _weighted([(p.ceiling, p.physical_pct) for p in progress])
        _phys, financial_behind = metrics.behind_plan(
            output_realised=0,
            output_planned=0,
            budget_realised=budget_cum,
            budget_planned=planned_cum,
            budget_tolerance_pct=tolerance,
        )
        unit = rows[0].owner_unit
        units.append(
            UnitProgress(
                unit=unit,
                report=reports.get(unit.pk),
                subs=progress,
                ceiling=ceiling,
                planned_budget_q=sum(p.planned_budget_q for p in progress),
                budget_q=sum(p.budget_q or 0 for p in progress),
                planned_budget_cum=planned_cum,
                budget_cum=budget_cum,
                physical_plan_pct=physical_plan,
                physical_pct=physical,
                financial_plan_pct=metrics.input_pct(planned_cum, ceiling),
                financial_pct=metrics.input_pct(budget_cum, ceiling),
                physically_behind=any(p.physically_behind for p in progress),
                financially_behind=financial_behind,
            )
        )
    by_quarter = []
    for q in (1, 2, 3, 4):
        progress = [_sub_progress(s, q, tolerance) for s in subs]
        ceiling = sum(p.ceiling for p in progress)
        by_quarter.append(
            {
                "quarter": q,
                "physical_plan": _weighted([(p.ceiling, p.physical_plan_pct) for p in progress]),
                "physical": _weighted([(p.ceiling, p.physical_pct) for p in progress]),
                "financial_plan": metrics.input_pct(sum(p.planned_budget_cum for p in progress), ceiling),
                "financial": metrics.input_pct(sum(p.budget_cum for p in progress), ceiling),
            }
        )
    return Monitoring(year=year, quarter=quarter, units=units, by_quarter=by_quarter)


def monitoring_chart_data(mon: Monitoring) -> dict[str, Any]:
    """The monitoring chart's JSON: percentages rounded (half-up, 2 places) as strings here, at the output."""
    return {
        "units": [u.unit.short_name or u.unit.name for u in mon.units],
        "physical": [_num(u.physical_pct) for u in mon.units],
        "physical_plan": [_num(u.physical_plan_pct) for u in mon.units],
        "financial": [_num(u.financial_pct) for u in mon.units],
        "financial_plan": [_num(u.financial_plan_pct) for u in mon.units],
        "by_quarter": [{k: v if k == "quarter" else _num(v) for k, v in q.items()} for q in mon.by_quarter],
    }


# --- quarterly reports -------------------------------------------------------------------------------------


def quarter_reports(year: int) -> QuerySet[QuarterReport]:
    return QuarterReport.objects.filter(year=year).select_related("unit", "submitted_by", "verified_by", "approved_by")


# The decision a quarter awaits, by status, with the permission that takes it and who may not (separation of duties).
DECISIONS = {
    ReportStatus.SUBMITTED: ("performance.verify_quarter", "submitted_by_id"),
    ReportStatus.VERIFIED: ("performance.approve_quarter", "verified_by_id"),
}


def quarters_awaiting_decision(user: Any) -> list[QuarterReport]:
    """The quarters waiting for this user's verification (heads, of their units) or approval (leadership), oldest
    period first, leaving out one the user submitted or verified (someone else decides it). One query."""
    reports = QuarterReport.objects.filter(status__in=list(DECISIONS)).select_related(
        "unit", "submitted_by", "verified_by"
    )
    if not user.has_perm("performance.approve_quarter"):  # leadership decides for every unit; heads for their own
        if user.unit is None:
            return []
        reports = reports.filter(within_unit(user.unit, "unit"))
    awaiting = []
    for report in reports.order_by("year", "quarter", "unit__path"):
        perm, own = DECISIONS[ReportStatus(report.status)]
        if getattr(report, own) != user.pk and user.has_perm(perm, report):
            awaiting.append(report)
    return awaiting


def report_entries(report: QuarterReport) -> list[tuple[SubActivity, QuarterEntry | None]]:
    """The unit's sub-activities with their entry of the report's quarter; two queries."""
    subs = (
        SubActivity.objects.filter(year=report.year, owner_unit=report.unit)
        .select_related("output")
        .prefetch_related(Prefetch("quarters", queryset=QuarterEntry.objects.filter(quarter=report.quarter)))
        .order_by("number")
    )
    return [(s, next(iter(s.quarters.all()), None)) for s in subs]


def report_units(year: int) -> QuerySet[OrganisationUnit]:
    """Units responsible for at least one sub-activity in `year`."""
    return OrganisationUnit.objects.filter(sub_activities__year=year).distinct().order_by("path")


def documents(year: int) -> QuerySet[PerformanceDocument]:
    return (
        PerformanceDocument.objects.filter(year=year)
        .select_related("supersedes")
        .prefetch_related("lines__indicator")
        .order_by("kind", "-revision")
    )


def plan_detail(plan: StrategicPlan) -> dict[str, Any]:
    """A plan with goals, strategic targets, IKU with their targets per year, and funding; five queries."""
    indicators = list(
        plan.indicators.filter(activity_target__isnull=True).prefetch_related("targets").order_by("order", "code")
    )
    return {
        "goals": list(plan.goals.all()),
        "targets": list(plan.strategic_targets.all()),
        "indicators": [(i, {t.year: t for t in i.targets.all()}) for i in indicators],
        "funding": {f.year: f.amount for f in plan.funding.all()},
    }


def indicator_url(indicator: Indicator, year: int) -> str:
    return reverse("performance:indicator", args=[year, indicator.pk])


# --- cascading to every unit and action plans --------------------------------------------------------------


@dataclass
class UnitIndicatorProgress:
    """A unit indicator in a year, up to a quarter: its year target, the action plan's quarters, and whether the
    unit is behind its plan (cumulative realisation against cumulative quarter targets)."""

    unit_indicator: UnitIndicator
    depth: int
    target: Decimal | None
    target_label: str
    target_illustrative: bool
    plans: dict[int, ActionPlan]
    planned_cum: Decimal
    realised_cum: Decimal
    behind: bool
    unreported: bool  # a quarter up to this one has a plan but no realisation yet

    @property
    def unit(self) -> OrganisationUnit:
        return self.unit_indicator.unit

    @property
    def quarters(self) -> list[ActionPlan | None]:
        return [self.plans.get(q) for q in (1, 2, 3, 4)]


@dataclass
class CascadeBranch:
    indicator: Indicator
    indicator_target: Decimal | None
    rows: list[UnitIndicatorProgress]


@dataclass
class Cascade:
    year: int
    quarter: int
    plan: StrategicPlan | None
    branches: list[CascadeBranch]

    @property
    def rows(self) -> list[UnitIndicatorProgress]:
        return [row for branch in self.branches for row in branch.rows]

    @property
    def behind(self) -> list[UnitIndicatorProgress]:
        return [row for row in self.rows if row.behind]

    @property
    def behind_units(self) -> list[OrganisationUnit]:
        """The units behind their own action plan, each once, in the order of the organisation."""
        seen: dict[int, OrganisationUnit] = {}
        for row in self.behind:
            seen.setdefault(row.unit.pk, row.unit)
        return sorted(seen.values(), key=lambda u: u.path)


def _progress(ui: UnitIndicator, year: int, quarter: int, depth: int) -> UnitIndicatorProgress:
    target = next((t for t in ui.targets.all() if t.year == year), None)
    plans = {p.quarter: p for p in ui.action_plans.all() if p.year == year}
    upto = [plans[q] for q in range(1, quarter + 1) if q in plans]
    # Compared over the quarters reported so far: a quarter not yet realised is not "behind" (nor, where lower is
    # better, "on plan"); it is shown as not reported.
    reported = [p for p in upto if p.realised is not None]
    planned = sum((p.target for p in reported), Decimal(0))
    realised = sum((p.realised or Decimal(0) for p in reported), Decimal(0))
    return UnitIndicatorProgress(
        unit_indicator=ui,
        depth=depth,
        target=target.target if target else None,
        target_label=target.target_label if target else "",
        target_illustrative=bool(target and target.is_illustrative),
        plans=plans,
        planned_cum=planned,
        realised_cum=realised,
        behind=metrics.behind_action_plan(realised, planned, ui.indicator.direction),
        unreported=any(p.realised is None for p in upto),
    )


def cascade(year: int, quarter: int = 4, unit: OrganisationUnit | None = None) -> Cascade:
    """The performance tree of a year: each bureau indicator of the plan with its unit indicators beneath it (a
    sub-division's under its division's), their targets and action plans, up to `quarter`. `unit` narrows it to
    that unit's subtree. Five queries whatever the data."""
    plan = current_plan(year)
    if plan is None:
        return Cascade(year=year, quarter=quarter, plan=None, branches=[])
    unit_indicators = UnitIndicator.objects.filter(indicator__plan=plan).select_related("unit", "indicator")
    if unit is not None:
        unit_indicators = unit_indicators.filter(within_unit(unit, "unit"))
    unit_indicators = unit_indicators.prefetch_related(
        "targets", Prefetch("action_plans", queryset=ActionPlan.objects.filter(year=year))
    ).order_by("unit__path", "order", "code")
    children: dict[int | None, list[UnitIndicator]] = defaultdict(list)
    by_indicator: dict[int, list[UnitIndicator]] = defaultdict(list)
    known = set()
    for ui in unit_indicators:
        known.add(ui.pk)
    for ui in unit_indicators:
        if ui.parent_id is not None and ui.parent_id in known:
            children[ui.parent_id].append(ui)
        else:
            by_indicator[ui.indicator_id].append(ui)

    def walk(ui: UnitIndicator, depth: int) -> list[UnitIndicatorProgress]:
        rows = [_progress(ui, year, quarter, depth)]
        for child in children.get(ui.pk, []):
            rows.extend(walk(child, depth + 1))
        return rows

    indicators = (
        Indicator.objects.filter(plan=plan, pk__in=list(by_indicator))
        .select_related("strategic_target__goal")  # the page groups the branches by goal
        .prefetch_related(Prefetch("targets", queryset=IndicatorTarget.objects.filter(year=year)))
    )
    branches = []
    for indicator in indicators.order_by("order", "code"):
        target = next(iter(indicator.targets.all()), None)
        rows = [row for ui in by_indicator[indicator.pk] for row in walk(ui, 0)]
        branches.append(
            CascadeBranch(indicator=indicator, indicator_target=target.target if target else None, rows=rows)
        )
    return Cascade(year=year, quarter=quarter, plan=plan, branches=branches)


def action_plans(year: int, unit: OrganisationUnit | None = None) -> QuerySet[ActionPlan]:
    """The action plans of a year (of one unit's subtree), with their unit indicator, unit and bureau indicator:
    for the quarterly realisation and for the LAKIP. One query."""
    plans = ActionPlan.objects.filter(year=year).select_related("unit_indicator__unit", "unit_indicator__indicator")
    if unit is not None:
        plans = plans.filter(within_unit(unit, "unit_indicator__unit"))
    return plans.order_by(
        "unit_indicator__indicator__order", "unit_indicator__unit__path", "unit_indicator__order", "quarter"
    )


def report_action_plans(report: QuarterReport) -> QuerySet[ActionPlan]:
    """The unit's own action plans of the report's quarter (entered with the quarter's other entries)."""
    return (
        ActionPlan.objects.filter(year=report.year, quarter=report.quarter, unit_indicator__unit=report.unit)
        .select_related("unit_indicator__indicator")
        .order_by("unit_indicator__indicator__order", "unit_indicator__order")
    )


def unit_agreements(year: int) -> QuerySet[UnitAgreement]:
    """Every revision of the year's unit PKs, latest revision of each unit first."""
    return (
        UnitAgreement.objects.filter(year=year)
        .select_related("unit", "supersedes", "approved_by")
        .prefetch_related("superseded_by")
        .order_by("unit__path", "-revision")
    )


def unit_agreement(pk: int) -> UnitAgreement:
    return (
        UnitAgreement.objects.select_related("unit", "supersedes", "approved_by")
        .prefetch_related("lines__unit_indicator__indicator")
        .get(pk=pk)
    )


HEAD_POSITIONS = ("head_of_bureau", "head_of_division", "head_of_subdivision")


def unit_head_name(unit: OrganisationUnit | None) -> str:
    """The name of the unit's head as the staff list records it ("" when it records none): a PK's first party."""
    if unit is None:
        return ""
    head = StaffMember.objects.filter(unit=unit, position__in=HEAD_POSITIONS).order_by("full_name").first()
    return head.full_name if head else ""


def unit_budget(unit: OrganisationUnit, year: int) -> int:
    """The original ceilings of the sub-activities the unit (or a unit beneath it) is responsible for in `year`."""
    total = SubActivity.objects.filter(within_unit(unit, "owner_unit"), year=year).aggregate(total=Sum("ceiling"))
    return int(total["total"] or 0)


def agreement_documents(agreement: UnitAgreement) -> Any:
    """The files attached to a unit PK revision (its signed scan)."""
    return documents_for(agreement)
