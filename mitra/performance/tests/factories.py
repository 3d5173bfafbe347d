"""Factories of the SAKIP cycle for tests that build their own records: a strategic plan with its years, goals,
indicators and targets, the cascade to units (unit indicators, their targets, action plans) and quarterly reports.

Written through the services (`system=True`), so every row is validated and audited. Plans cover years far from the
demo's (2040 onwards), so a factory plan is the only plan of its years even when the demo is loaded.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory

from mitra.core.tests.factories import ServiceFactory, Team, UnitFactory, bureau, make_team, number
from mitra.performance import services
from mitra.performance.models import (
    ActionPlan,
    Activity,
    ActivityTarget,
    Goal,
    Indicator,
    IndicatorTarget,
    Output,
    OutputUnit,
    PerformanceDocument,
    PerformanceYear,
    Program,
    QuarterEntry,
    QuarterReport,
    ReportStatus,
    StrategicPlan,
    StrategicTarget,
    SubActivity,
    UnitIndicator,
    UnitIndicatorTarget,
)

_plan_starts = itertools.count()


class PerformanceYearFactory(ServiceFactory[PerformanceYear]):
    class Meta:
        model = PerformanceYear

    year = 2040

    @classmethod
    def create_with(cls, **data: Any) -> PerformanceYear:
        year = data.pop("year")
        return services.year_save(actor=None, year=year, data=data, system=True)


class StrategicPlanFactory(ServiceFactory[StrategicPlan]):
    """Five years of its own, owned by the bureau."""

    class Meta:
        model = StrategicPlan

    name = factory.LazyFunction(lambda: f"Renstra uji {number()}")
    owner_unit: Any = factory.LazyFunction(bureau)
    # 2040–2044, 2045–2049 … 2090–2094, then again (a test's rows are rolled back, so a test makes few plans).
    start_year = factory.LazyFunction(lambda: 2040 + 5 * (next(_plan_starts) % 11))
    end_year = factory.LazyAttribute(lambda p: p.start_year + 4)
    vision = "Visi uji"
    missions = "Misi uji"

    @classmethod
    def create_with(cls, **data: Any) -> StrategicPlan:
        return services.plan_record_create(actor=None, model=StrategicPlan, data=data, system=True)


class GoalFactory(ServiceFactory[Goal]):
    class Meta:
        model = Goal

    plan: Any = factory.SubFactory(StrategicPlanFactory)
    order = 1
    text = factory.LazyFunction(lambda: f"Tujuan uji {number()}")

    @classmethod
    def create_with(cls, **data: Any) -> Goal:
        return services.plan_record_create(actor=None, model=Goal, data=data, system=True)


class StrategicTargetFactory(ServiceFactory[StrategicTarget]):
    class Meta:
        model = StrategicTarget

    goal: Any = factory.SubFactory(GoalFactory)
    plan = factory.LazyAttribute(lambda t: t.goal.plan)
    order = 1
    text = factory.LazyFunction(lambda: f"Sasaran uji {number()}")

    @classmethod
    def create_with(cls, **data: Any) -> StrategicTarget:
        return services.plan_record_create(actor=None, model=StrategicTarget, data=data, system=True)


class ActivityTargetFactory(ServiceFactory[ActivityTarget]):
    """A year's activity target (sasaran kegiatan) of a plan; give its indicators `activity_target=` (with
    `strategic_target=None` and `plan=`)."""

    class Meta:
        model = ActivityTarget

    plan: Any = factory.SubFactory(StrategicPlanFactory)
    year = factory.LazyAttribute(lambda t: t.plan.start_year)
    order = 1
    text = factory.LazyFunction(lambda: f"Sasaran kegiatan uji {number()}")

    @classmethod
    def create_with(cls, **data: Any) -> ActivityTarget:
        return services.plan_record_create(actor=None, model=ActivityTarget, data=data, system=True)


class IndicatorFactory(ServiceFactory[Indicator]):
    """A bureau indicator (entered), under a strategic target of a new plan unless `strategic_target` is given."""

    class Meta:
        model = Indicator

    strategic_target: Any = factory.SubFactory(StrategicTargetFactory)
    plan = factory.LazyAttribute(lambda i: i.strategic_target.plan)
    code = factory.LazyFunction(lambda: f"ind-{number()}")
    name = factory.LazyAttribute(lambda i: f"Jumlah dokumen {i.code}")
    unit_of_measure = "dokumen"
    is_key = True

    @classmethod
    def create_with(cls, **data: Any) -> Indicator:
        return services.plan_record_create(actor=None, model=Indicator, data=data, system=True)


class IndicatorTargetFactory(ServiceFactory[IndicatorTarget]):
    class Meta:
        model = IndicatorTarget

    indicator: Any = factory.SubFactory(IndicatorFactory)
    year = factory.LazyAttribute(lambda t: t.indicator.plan.start_year)
    target = Decimal(10)

    @classmethod
    def create_with(cls, **data: Any) -> IndicatorTarget:
        indicator, year = data.pop("indicator"), data.pop("year")
        return services.indicator_target_set(actor=None, indicator=indicator, year=year, data=data, system=True)


class UnitIndicatorFactory(ServiceFactory[UnitIndicator]):
    """A division's indicator cascaded from a bureau indicator; give `parent` (and `unit` beneath the parent's unit)
    for a sub-division's."""

    class Meta:
        model = UnitIndicator

    indicator: Any = factory.SubFactory(IndicatorFactory)
    parent = None
    unit: Any = factory.LazyFunction(lambda: UnitFactory.create())
    code = factory.LazyFunction(lambda: f"ui-{number()}")
    name = factory.LazyAttribute(lambda u: f"Jumlah dokumen unit {u.code}")
    unit_of_measure = "dokumen"

    @classmethod
    def create_with(cls, **data: Any) -> UnitIndicator:
        if data.get("parent") is not None:
            data["indicator"] = data["parent"].indicator
        return services.unit_indicator_create(actor=None, data=data, system=True)


class UnitIndicatorTargetFactory(ServiceFactory[UnitIndicatorTarget]):
    class Meta:
        model = UnitIndicatorTarget

    unit_indicator: Any = factory.SubFactory(UnitIndicatorFactory)
    year = factory.LazyAttribute(lambda t: t.unit_indicator.indicator.plan.start_year)
    target = Decimal(4)
    target_label = ""

    @classmethod
    def create_with(cls, **data: Any) -> UnitIndicatorTarget:
        return services.unit_target_set(actor=None, system=True, **data)


class ActionPlanFactory(ServiceFactory[ActionPlan]):
    class Meta:
        model = ActionPlan

    unit_indicator: Any = factory.SubFactory(UnitIndicatorFactory)
    year = factory.LazyAttribute(lambda p: p.unit_indicator.indicator.plan.start_year)
    quarter = 1
    target = Decimal(1)
    actions = "Rapat koordinasi\nPenyusunan draf"

    @classmethod
    def create_with(cls, **data: Any) -> ActionPlan:
        return services.action_plan_set(actor=None, system=True, **data)


class QuarterReportFactory(ServiceFactory[QuarterReport]):
    """A unit's quarterly report (a draft, as the services create it on first use)."""

    class Meta:
        model = QuarterReport

    year = 2040
    quarter = 1
    unit: Any = factory.LazyFunction(lambda: UnitFactory.create())

    @classmethod
    def create_with(cls, **data: Any) -> QuarterReport:
        return services.quarter_report_for(**data)


def action_plan_year(unit_indicator: UnitIndicator, targets: list[int], year: int | None = None) -> list[ActionPlan]:
    """Four quarters of action plans for a unit indicator, with the given quarter targets."""
    year = year or unit_indicator.indicator.plan.start_year
    return [
        ActionPlanFactory.create(unit_indicator=unit_indicator, year=year, quarter=q, target=Decimal(t))
        for q, t in enumerate(targets, start=1)
    ]


# --- the budget structure of a year: program, activity, output, sub-activities and their quarters -------------


class ProgramFactory(ServiceFactory[Program]):
    class Meta:
        model = Program

    year = 2040
    code = factory.LazyFunction(lambda: f"PRG{number()}")
    name = factory.LazyAttribute(lambda p: f"Program uji {p.code}")

    @classmethod
    def create_with(cls, **data: Any) -> Program:
        return services.plan_record_create(actor=None, model=Program, data=data, system=True)


class ActivityFactory(ServiceFactory[Activity]):
    class Meta:
        model = Activity

    program: Any = factory.SubFactory(ProgramFactory)
    code = factory.LazyFunction(lambda: f"KEG{number()}")
    name = factory.LazyAttribute(lambda a: f"Kegiatan uji {a.code}")

    @classmethod
    def create_with(cls, **data: Any) -> Activity:
        return services.plan_record_create(actor=None, model=Activity, data=data, system=True)


class OutputFactory(ServiceFactory[Output]):
    """An output (keluaran) of a new activity of a new program of 2040 unless `activity` is given."""

    class Meta:
        model = Output

    activity: Any = factory.SubFactory(ActivityFactory)
    code = "007"
    name = "Layanan uji"

    @classmethod
    def create_with(cls, **data: Any) -> Output:
        return services.plan_record_create(actor=None, model=Output, data=data, system=True)


class SubActivityFactory(ServiceFactory[SubActivity]):
    """A sub-activity (its year is its program's), owned by a new division unless `owner_unit` is given."""

    class Meta:
        model = SubActivity

    output: Any = factory.SubFactory(OutputFactory)
    number = factory.LazyFunction(number)
    name = factory.LazyAttribute(lambda s: f"Sub kegiatan uji {s.number}")
    owner_unit: Any = factory.LazyFunction(lambda: UnitFactory.create())
    ceiling = 40_000_000
    output_target = Decimal(4)
    output_unit = OutputUnit.REPORT
    indicator = None

    @classmethod
    def create_with(cls, **data: Any) -> SubActivity:
        return services.sub_activity_create(actor=None, data=data, system=True)


def quarter_plans(sub: SubActivity, outputs: Sequence[Any], budgets: Sequence[int]) -> list[QuarterEntry]:
    """The four quarters' plan of a sub-activity (planned output and budget of Q1–Q4)."""
    return [
        services.quarter_plan_set(
            actor=None, sub_activity=sub, quarter=q, planned_output=Decimal(o), planned_budget=b, system=True
        )
        for q, (o, b) in enumerate(zip(outputs, budgets, strict=True), start=1)
    ]


def realise(sub: SubActivity, quarter: int, output: Any, budget: int, **data: Any) -> QuarterEntry:
    """What a sub-activity realised in a quarter (written by the system, as the demo loader does)."""
    return services.realisation_record(
        actor=None,
        year=sub.year,
        sub_activity=sub,
        quarter=quarter,
        data={"output_realised": Decimal(output), "budget_realised": budget, **data},
        system=True,
    )


def approve(report: QuarterReport) -> QuarterReport:
    """Walk a draft quarter through submitted and verified to approved (locked), by the system."""
    if report.status == ReportStatus.DRAFT:
        report = services.quarter_submit(actor=None, report=report, system=True)
    if report.status == ReportStatus.SUBMITTED:
        report = services.quarter_verify(actor=None, report=report, system=True)
    return services.quarter_approve(actor=None, report=report, system=True)


@dataclass
class BudgetYear:
    """A year of the budget structure owned by one team's division: its plan (whose first year it is), a key
    indicator with the year's target, one output and the sub-activities serving the indicator."""

    year: int
    team: Team
    plan: StrategicPlan
    indicator: Indicator
    output: Output
    subs: list[SubActivity]

    @property
    def unit(self) -> Any:
        return self.team.unit

    def report(self, quarter: int) -> QuarterReport:
        """The division's report of that quarter, read afresh."""
        return QuarterReport.objects.get(year=self.year, quarter=quarter, unit=self.team.unit)

    def entry(self, sub: SubActivity, quarter: int) -> QuarterEntry:
        return QuarterEntry.objects.get(sub_activity=sub, quarter=quarter)


# The sub-activities `budget_year` makes: (ceiling, output target, planned output and budget per quarter).
BUDGET_SUBS: list[tuple[int, int, list[int], list[int]]] = [
    (40_000_000, 4, [1, 1, 1, 1], [10_000_000, 10_000_000, 10_000_000, 10_000_000]),
    (12_000_000, 2, [0, 1, 0, 1], [2_000_000, 4_000_000, 2_000_000, 4_000_000]),
]
# What they realised per quarter (output, budget); `realised_quarters` says how many quarters are filled in.
BUDGET_REALISED: list[list[tuple[int, int]]] = [
    [(1, 9_000_000), (1, 10_000_000), (1, 9_500_000), (1, 9_000_000)],
    [(0, 1_500_000), (1, 4_000_000), (0, 2_000_000), (1, 3_000_000)],
]


def budget_year(
    team: Team | None = None,
    *,
    realised_quarters: int = 3,
    approved: Sequence[int] = (),
    target: Decimal = Decimal(10),
    source_key: str = "",
) -> BudgetYear:
    """A year (a new plan's first, 2040 onwards) with the `BUDGET_SUBS` of a team's division: the quarters up to
    `realised_quarters` realised as in `BUDGET_REALISED`, the quarters in `approved` approved (locked), the others
    drafts. With `source_key` the indicator is computed by that registered source, else entered."""
    team = team or make_team()
    indicator = IndicatorFactory.create(source_kind="computed" if source_key else "entered", source_key=source_key)
    plan = indicator.plan
    year = plan.start_year
    IndicatorTargetFactory.create(indicator=indicator, year=year, target=target)
    output = OutputFactory.create(activity=ActivityFactory.create(program=ProgramFactory.create(year=year)))
    subs = []
    for ceiling, volume, outputs, budgets in BUDGET_SUBS:
        sub = SubActivityFactory.create(
            output=output, owner_unit=team.unit, ceiling=ceiling, output_target=Decimal(volume), indicator=indicator
        )
        quarter_plans(sub, outputs, budgets)
        subs.append(sub)
    for quarter in range(1, realised_quarters + 1):
        for sub, realised in zip(subs, BUDGET_REALISED, strict=True):
            realise(sub, quarter, *realised[quarter - 1])
    for quarter in (1, 2, 3, 4):
        report = services.quarter_report_for(year=year, quarter=quarter, unit=team.unit)
        if quarter in approved:
            approve(report)
    return BudgetYear(year=year, team=team, plan=plan, indicator=indicator, output=output, subs=subs)


class PerformanceDocumentFactory(ServiceFactory[PerformanceDocument]):
    """An RKT or PK of a plan's first year, with one line per indicator in `lines` (indicator, target, budget)."""

    class Meta:
        model = PerformanceDocument

    kind = "pk"
    plan: Any = factory.SubFactory(StrategicPlanFactory)
    year = factory.LazyAttribute(lambda d: d.plan.start_year)
    owner_unit: Any = factory.LazyFunction(bureau)
    first_party_name = "Kepala Biro Uji"
    first_party_position = "Kepala Biro"
    second_party_name = "Sekretaris Utama Uji"
    second_party_position = "Sekretaris Utama"
    budget = 1_000_000_000
    lines: Any = ()

    @classmethod
    def create_with(cls, **data: Any) -> PerformanceDocument:
        lines = [
            {"indicator": indicator, "target": Decimal(target), "target_label": str(target), "budget": budget}
            for indicator, target, budget in data.pop("lines")
        ]
        return services.document_create(actor=None, data=data, lines=lines, system=True)
