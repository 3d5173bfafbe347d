"""The figures of a year, by name: the one place a report (tables and narratives alike) takes its numbers from.

Every value comes from a selector or a metric function (performance.selectors.measurement, core's staff
profile, the registry's indicator sources); nothing is re-derived here. Each figure links to the page that shows
the records or the computation behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mitra.cooperation import indicators as coop_indicators
from mitra.core import periods
from mitra.core import selectors as core_selectors
from mitra.core.models import OrganisationUnit
from mitra.performance import metrics
from mitra.performance import selectors as perf
from mitra.performance.models import DocumentKind, OutputUnit, PerformanceDocument

from .model import MONEY, NUMBER, PCT, RATIO, TEXT, Fig


@dataclass
class YearData:
    """Everything a year's reports draw on, read once."""

    year: int
    measurement: perf.Measurement
    staff: core_selectors.StaffProfile
    plan: Any
    plan_detail: dict[str, Any] | None
    pk: PerformanceDocument | None
    rkt: PerformanceDocument | None
    quarters: list[dict[str, Any]]  # bureau-wide cumulative physical/financial realisation per quarter
    developments: Any  # the registry's key indicator (Table 6): its rows are read lazily, only when listed
    figures: dict[str, Fig]
    # Figure name -> the quantity it shows, where two names show one quantity (the SAKIP indicator's realisation
    # is the SAKIP score); the consistency check compares values per quantity.
    quantities: dict[str, str] = field(default_factory=dict)
    reconciliations: list[Reconciliation] = field(default_factory=list)
    cascade: perf.Cascade | None = None  # the units' indicators and action plans of the year (action_plans.py)
    # The key indicator's counts by scope (cooperation.indicators.development_tally), read once for the figures
    # and Table 6's summary.
    development_tally: coop_indicators.DevelopmentTally | None = None


@dataclass(frozen=True)
class Reconciliation:
    """Sub-activities whose output counts records the registry also holds (position papers, studies, editions):
    what their quarterly realisation reports against what the registry holds for the year."""

    key: str  # figure prefix: records.<key>.*
    label: Any  # what is counted, e.g. "position papers" (lazily translated)
    subs: tuple[int, ...]  # sub-activity numbers
    reported: Decimal  # sum of the sub-activities' realised output
    recorded: int  # records in the registry dated in the year

    @property
    def difference(self) -> Decimal:
        """How many more the sub-activities report than the registry holds (negative: fewer)."""
        return self.reported - self.recorded


# (key, label, which sub-activities, the registry's count of the same records). A sub-activity serving the
# indicator counted from a registry source reports that source's records; a sub-activity whose output unit is an
# edition reports publication editions.
RECORD_COUNTS: tuple[tuple[str, Any, Any, str], ...] = (
    (
        "position_papers",
        gettext_lazy("position papers"),
        lambda sub: sub.indicator is not None and sub.indicator.source_key == "cooperation.position_papers",
        "cooperation.position_papers",
    ),
    (
        "studies",
        gettext_lazy("studies"),
        lambda sub: sub.indicator is not None and sub.indicator.source_key == "cooperation.studies",
        "cooperation.studies",
    ),
    ("editions", gettext_lazy("editions"), lambda sub: sub.output_unit == OutputUnit.EDITION, "cooperation.editions"),
)


def _slug(code: str) -> str:
    return code.replace("-", "_")


def year_data(year: int) -> YearData:
    m = perf.measurement(year)
    # The report's staff are the bureau's (units outside it have people in Mitra too, who request travel).
    bureau = OrganisationUnit.objects.filter(code=settings.MITRA_TRAVEL_BUREAU).first()
    staff = core_selectors.staff_profile(on=periods.year_bounds(year)[1], unit=bureau)
    plan = perf.current_plan(year)
    detail = perf.plan_detail(plan) if plan else None
    docs: dict[str, PerformanceDocument] = {}
    for d in perf.documents(year):  # newest revision of each kind wins (ordered by -revision)
        docs.setdefault(d.kind, d)
    quarters = perf.monitoring(year, 4).by_quarter
    tally = coop_indicators.development_tally(year)  # one query for every count of the key indicator
    counts = coop_indicators.development_counts(year, tally)
    developments = coop_indicators.cooperation_developments(year, count=counts["count"])
    figures = build_figures(m, staff, plan, detail, docs.get(DocumentKind.PK), quarters)
    figures.update(development_figures(counts, year))
    reconciliations = record_reconciliations(m)
    figures.update(reconciliation_figures(reconciliations, year))
    from .evaluator import history_figures  # the evaluator's sections (indicators by year, agreements signed)

    figures.update(history_figures(year, m, plan, figures))
    from .action_plans import action_plan_figures  # the units' action plans (LAKIP chapter III)

    tree = perf.cascade(year)
    figures.update(action_plan_figures(tree))
    return YearData(
        year=year,
        measurement=m,
        staff=staff,
        plan=plan,
        plan_detail=detail,
        pk=docs.get(DocumentKind.PK),
        rkt=docs.get(DocumentKind.RKT),
        quarters=quarters,
        developments=developments,
        figures=figures,
        quantities=quantities(m),
        reconciliations=reconciliations,
        cascade=tree,
        development_tally=tally,
    )


SAKIP_SOURCE = "performance.sakip_score"


def quantities(m: perf.Measurement) -> dict[str, str]:
    """Names that show a quantity another name shows too: the indicator measured by the SAKIP score shows the
    SAKIP figures (its target, realisation, achievement and category)."""
    out: dict[str, str] = {}
    for r in m.indicators:
        if r.indicator.source_key == SAKIP_SOURCE:
            code = _slug(r.indicator.code)
            for part, quantity in (
                ("target", "sakip.target"),
                ("realized", "sakip.score"),
                ("achievement_pct", "sakip.achievement_pct"),
                ("category", "sakip.category"),
            ):
                out[f"indicator.{code}.{part}"] = quantity
    return out


def record_reconciliations(m: perf.Measurement) -> list[Reconciliation]:
    out = []
    for key, label, serves, source in RECORD_COUNTS:
        subs = [f for f in m.subs if serves(f.sub)]
        if not subs:
            continue
        reported = sum((f.output_realised or Decimal(0) for f in subs), Decimal(0))
        recorded = coop_indicators.INDICATORS[source](m.year).count  # a COUNT in SQL
        out.append(Reconciliation(key, label, tuple(f.sub.number for f in subs), reported, recorded))
    return out


def reconciliation_figures(items: list[Reconciliation], year: int) -> dict[str, Fig]:
    figs: dict[str, Fig] = {}
    for r in items:
        source = next(s for k, _l, _s, s in RECORD_COUNTS if k == r.key)
        url = reverse("cooperation:indicator", args=[source, year])
        p = f"records.{r.key}"
        figs[f"{p}.reported"] = Fig(f"{p}.reported", r.reported, NUMBER, url, _("Output reported by sub-activities"))
        figs[f"{p}.recorded"] = Fig(f"{p}.recorded", r.recorded, NUMBER, url, _("Records in the registry"))
        figs[f"{p}.difference"] = Fig(f"{p}.difference", abs(r.difference), NUMBER, url, _("Difference"))
    return figs


def build_figures(
    m: perf.Measurement,
    staff: core_selectors.StaffProfile,
    plan: Any,
    detail: dict[str, Any] | None,
    pk: PerformanceDocument | None,
    quarters: list[dict[str, Any]],
) -> dict[str, Fig]:
    year = m.year
    figs: dict[str, Fig] = {}
    measurement_url = reverse("performance:measurement", args=[year])
    year_url = reverse("performance:year", args=[year])

    def add(name: str, value: Any, kind: str = NUMBER, url: str = "", label: str = "") -> None:
        figs[name] = Fig(name, value, kind, url, label)

    add("year", str(year), TEXT, year_url, _("Report year"))
    before = periods.previous_year(year)
    add("previous_year", str(before), TEXT, reverse("performance:year", args=[before]), _("Previous year"))
    add("budget.ceiling", m.ceiling, MONEY, measurement_url, _("Budget ceiling of the year"))
    add("budget.realized", m.realised, MONEY, measurement_url, _("Budget realised in the year"))
    add("budget.absorption_pct", m.absorption_pct, PCT, measurement_url, _("Budget absorption"))
    add("budget.unspent", m.ceiling - m.realised, MONEY, measurement_url, _("Budget not spent"))
    prev = m.settings.previous  # the calendar year before (core.periods.previous_year), when recorded
    prev_abs = prev.reported_absorption_pct if prev else None
    add("budget.previous_absorption_pct", prev_abs, PCT, year_url, _("Budget absorption of the previous year"))
    add(
        "budget.absorption_change",
        metrics.change(m.absorption_pct, prev_abs),
        NUMBER if prev_abs is None else RATIO,
        year_url,
        _("Change in absorption from the previous year (percentage points)"),
    )
    for o in m.outputs:
        code = o.output.code
        add(f"output.{code}.name", o.output.name, TEXT, measurement_url, _("Output name"))
        add(f"output.{code}.ceiling", o.ceiling, MONEY, measurement_url, _("Output ceiling"))
        add(f"output.{code}.realized", o.realised, MONEY, measurement_url, _("Output budget realised"))
        add(f"output.{code}.absorption_pct", o.absorption_pct, PCT, measurement_url, _("Output absorption"))
    add("outputs.count", len(m.outputs), NUMBER, measurement_url, _("Number of outputs"))
    add("sub_activities.count", len(m.subs), NUMBER, measurement_url, _("Number of sub-activities"))
    efficient = [f for f in m.subs if f.efficient]
    add("sub_activities.efficient", len(efficient), NUMBER, measurement_url, _("Efficient sub-activities"))
    add(
        "sub_activities.not_efficient",
        sum(f.efficient is False for f in m.subs),
        NUMBER,
        measurement_url,
        _("Sub-activities that are not efficient"),
    )
    full = [f for f in m.subs if f.output_pct is not None and f.output_pct >= metrics.HUNDRED]
    add("sub_activities.output_met", len(full), NUMBER, measurement_url, _("Sub-activities that met their output"))
    levels = [f for f in m.subs if f.efficiency_level is not None]
    best = max(levels, key=lambda f: f.efficiency_level or 0, default=None)
    add(
        "efficiency.max_level",
        best.efficiency_level if best else None,
        RATIO,
        measurement_url,
        _("Highest efficiency level (TE)"),
    )
    add("efficiency.max_level_sub", best.sub.name if best else None, TEXT, measurement_url, _("Its sub-activity"))
    add("efficiency.standard", m.settings.efficiency_standard, RATIO, year_url, _("Efficiency standard (SE)"))
    for f in m.subs:
        n = f.sub.number
        url = reverse("performance:sub-activity", args=[f.sub.pk])
        add(f"sub.{n}.name", f.sub.name, TEXT, url, _("Sub-activity name"))
        add(f"sub.{n}.ceiling", f.ceiling, MONEY, url, _("Ceiling"))
        add(f"sub.{n}.realized", f.realised, MONEY, url, _("Budget realised"))
        add(f"sub.{n}.input_pct", f.input_pct, PCT, url, _("Input %"))
        add(f"sub.{n}.output_target", f.output_target, NUMBER, url, _("Output target"))
        add(f"sub.{n}.output_realized", f.output_realised, NUMBER, url, _("Output realised"))
        add(f"sub.{n}.output_pct", f.output_pct, PCT, url, _("Output %"))
        add(f"sub.{n}.efficiency_index", f.efficiency_index, RATIO, url, _("Efficiency index (IE)"))
        add(f"sub.{n}.efficiency_level", f.efficiency_level, RATIO, url, _("Efficiency level (TE)"))
    for r in m.indicators:
        code = _slug(r.indicator.code)
        url = perf.indicator_url(r.indicator, year)
        add(f"indicator.{code}.target", r.target.target if r.target else None, NUMBER, url, r.indicator.name)
        if r.target and r.target.target_label:
            add(f"indicator.{code}.target_label", r.target.target_label, TEXT, url, r.indicator.name)
        add(f"indicator.{code}.realized", r.realised, NUMBER, url, r.indicator.name)
        add(f"indicator.{code}.achievement_pct", r.achievement_pct, PCT, url, r.indicator.name)
        add(f"indicator.{code}.category", r.category, TEXT, url, r.indicator.name)
    setting = m.settings.setting
    score = setting.sakip_score if setting else None
    target = setting.sakip_target_score if setting else None
    add("sakip.score", score, NUMBER, year_url, _("SAKIP score"))
    add("sakip.grade", metrics.sakip_grade(score), TEXT, year_url, _("SAKIP grade"))
    add("sakip.target", target, NUMBER, year_url, _("SAKIP target score"))
    add("sakip.target_grade", metrics.sakip_target_grade(target), TEXT, year_url, _("SAKIP target grade"))
    sakip_pct = metrics.achievement_pct(score, target)
    add("sakip.achievement_pct", sakip_pct, PCT, year_url, _("SAKIP achievement"))
    sakip_category = metrics.category(sakip_pct, m.settings.bands)
    add("sakip.category", sakip_category, TEXT, year_url, _("SAKIP achievement category"))
    prev_score = prev.sakip_score if prev else None
    add("sakip.previous_score", prev_score, NUMBER, year_url, _("SAKIP score of the previous year"))
    add("sakip.change", metrics.change(score, prev_score), NUMBER, year_url, _("SAKIP change from the previous year"))
    for y in m.settings.history:
        if y.year <= year:
            add(f"sakip.score_{y.year}", y.sakip_score, NUMBER, year_url, _("SAKIP score of %(y)s") % {"y": y.year})
    staff_url = reverse("core:staff-list")
    add("staff.total", staff.total, NUMBER, staff_url, _("Staff"))
    add("staff.civil_servants", staff.civil_servants, NUMBER, staff_url, _("Civil servants"))
    add("staff.contract", staff.contract, NUMBER, staff_url, _("Contract staff"))
    for key, breakdown in staff.breakdowns.items():
        for value, _label, count in breakdown.rows:
            add(
                f"staff.{key}.{_slug(value or 'none').replace('+', 'plus').replace('<', 'under')}",
                count,
                NUMBER,
                staff_url,
            )
    if plan is not None:
        plan_url = reverse("performance:plan", args=[plan.pk])
        add("renstra.period", f"{plan.start_year}–{plan.end_year}", TEXT, plan_url, _("Renstra period"))
        add("renstra.decree", plan.decree, TEXT, plan_url, _("Renstra decree"))
        if detail:
            for y, amount in detail["funding"].items():
                add(f"renstra.funding_{y}", amount, MONEY, plan_url, _("Funding framework"))
    if pk is not None:
        add("pk.budget", pk.budget, MONEY, reverse("performance:documents", args=[year]), _("PK budget"))
    for q in quarters:
        n = q["quarter"]
        for key in ("physical", "financial", "physical_plan", "financial_plan"):
            add(f"q{n}.{key}_pct", q[key], PCT, reverse("performance:monitoring", args=[year]) + f"?triwulan={n}")
    return figs


def development_figures(counts: dict[str, int], year: int) -> dict[str, Fig]:
    """Table 6's counts (`cooperation.indicators.development_counts`, in SQL): the union, and how many had a
    position paper, active participation, or both."""
    url = reverse("cooperation:indicator", args=["cooperation.developments", year])
    return {
        "developments.count": Fig("developments.count", counts["count"], NUMBER, url, _("Cooperation developments")),
        "developments.with_position": Fig(
            "developments.with_position", counts["position"], NUMBER, url, _("With a position paper")
        ),
        "developments.with_participation": Fig(
            "developments.with_participation", counts["participation"], NUMBER, url, _("With active participation")
        ),
        "developments.both": Fig("developments.both", counts["both"], NUMBER, url, _("With both")),
    }
