"""Factories of the SAKIP cycle for tests that build their own records: a strategic plan with its years, goals,
indicators and targets, the cascade to units (unit indicators, their targets, action plans) and quarterly reports.

Written through the services (`system=True`), so every row is validated and audited. Plans cover years far from the
demo's (2040 onwards), so a factory plan is the only plan of its years even when the demo is loaded.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import factory

from mitra.core.tests.factories import ServiceFactory, UnitFactory, bureau, number
from mitra.performance import services
from mitra.performance.models import (
    ActionPlan,
    Goal,
    Indicator,
    IndicatorTarget,
    PerformanceYear,
    QuarterReport,
    StrategicPlan,
    StrategicTarget,
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
