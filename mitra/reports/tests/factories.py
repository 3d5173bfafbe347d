"""The smallest year the report generator makes a LAKIP and a monitoring report of, built with factories: a
strategic plan starting that year with one indicator and its target, and one division of the bureau responsible
for a sub-activity (so the division has a monitoring report). Far from the demo's years (2015–2017).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mitra.core.models import OrganisationUnit
from mitra.core.tests.factories import UnitFactory
from mitra.performance import services as performance_services
from mitra.performance.models import Activity, Indicator, Output, OutputUnit, Program, SubActivity
from mitra.performance.tests.factories import IndicatorFactory, IndicatorTargetFactory, StrategicPlanFactory

YEAR = 2031


@dataclass
class ReportYear:
    year: int
    indicator: Indicator
    unit: OrganisationUnit  # responsible for the year's one sub-activity
    sub_activity: SubActivity


def report_year(year: int = YEAR) -> ReportYear:
    plan = StrategicPlanFactory.create(start_year=year, end_year=year + 4)
    indicator = IndicatorFactory.create(strategic_target__goal__plan=plan)
    IndicatorTargetFactory.create(indicator=indicator, year=year, target=Decimal(10))
    unit = UnitFactory.create()
    # The budget structure above a sub-activity has no service of its own (it comes from the budget import).
    program = Program.objects.create(year=year, code="P-uji", name="Program uji")
    activity = Activity.objects.create(program=program, code="A-uji", name="Kegiatan uji")
    output = Output.objects.create(activity=activity, code="001", name="Keluaran uji")
    sub_activity = performance_services.sub_activity_create(
        actor=None,
        data={
            "output": output,
            "number": 1,
            "name": "Sub kegiatan uji",
            "owner_unit": unit,
            "ceiling": 1_000_000,
            "output_target": Decimal(4),
            "output_unit": OutputUnit.DOCUMENT,
            "indicator": indicator,
        },
        system=True,
    )
    return ReportYear(year=year, indicator=indicator, unit=unit, sub_activity=sub_activity)
