"""The smallest year the report generator makes a LAKIP and a monitoring report of, built with factories: a
strategic plan starting that year with one indicator and its target, and one division of the bureau responsible
for a sub-activity (so the division has a monitoring report). Far from the demo's years (2015–2017).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mitra.core.models import OrganisationUnit
from mitra.core.tests.factories import UnitFactory
from mitra.performance.models import Indicator, OutputUnit, SubActivity
from mitra.performance.tests.factories import (
    IndicatorFactory,
    IndicatorTargetFactory,
    StrategicPlanFactory,
    SubActivityFactory,
)

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
    sub_activity = SubActivityFactory.create(
        output__activity__program__year=year,
        name="Sub kegiatan uji",
        owner_unit=unit,
        ceiling=1_000_000,
        output_unit=OutputUnit.DOCUMENT,
        indicator=indicator,
    )
    return ReportYear(year=year, indicator=indicator, unit=unit, sub_activity=sub_activity)
