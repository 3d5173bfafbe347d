"""Factories of evaluation reports (LHE) and their recommendations, created through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

from mitra.core.tests.factories import ServiceFactory, UnitFactory
from mitra.core.tests.factories import number as next_number
from mitra.evaluation import services
from mitra.evaluation.models import EvaluationReport, Recommendation


class ReportFactory(ServiceFactory[EvaluationReport]):
    class Meta:
        model = EvaluationReport

    year = factory.LazyFunction(lambda: 2030 + next_number() % 60)
    number = factory.LazyFunction(lambda: f"LHE/{next_number()}")
    issued_on = factory.LazyAttribute(lambda r: dt.date(r.year + 1, 3, 1))
    evaluator = "Inspektorat Utama"
    score = Decimal("71.74")
    grade = "BB"

    @classmethod
    def create_with(cls, **data: Any) -> EvaluationReport:
        return services.save_report(actor=None, data=data, system=True)


class RecommendationFactory(ServiceFactory[Recommendation]):
    class Meta:
        model = Recommendation

    report = factory.SubFactory(ReportFactory)
    order = 1
    text = factory.LazyFunction(lambda: f"Rekomendasi {next_number()}")
    owner_unit = factory.SubFactory(UnitFactory)
    owner = None
    due_date = dt.date(2018, 6, 30)

    @classmethod
    def create_with(cls, **data: Any) -> Recommendation:
        report = data.pop("report")
        return services.add_recommendation(actor=None, report=report, data=data, system=True)
