"""Administrators keep the plan, the per-year settings and the achievement bands here, each saved through its
service (permission, validation, version, audit). Nothing is deleted here.

Quarterly realisation and its approval are not editable here: they go through the services and their workflow.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mitra.core.admin import ServiceAdmin
from mitra.core.models import User

from . import models, services


class PlanAdmin(ServiceAdmin):
    def create(self, actor: User, data: dict[str, Any]) -> Any:
        return services.plan_record_create(actor=actor, model=self.model, data=data)

    def update(self, actor: User, instance: Any, data: dict[str, Any]) -> Any:
        return services.plan_record_update(actor=actor, instance=instance, data=data, expected_version=None)


@admin.register(models.PerformanceYear)
class PerformanceYearAdmin(ServiceAdmin):
    list_display = ["year", "sakip_score", "sakip_target_score", "efficiency_standard", "budget_tolerance_pct"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["year"] if obj is not None else []

    def create(self, actor: User, data: dict[str, Any]) -> Any:
        year = data.pop("year")
        return services.year_save(actor=actor, year=year, data=data)

    def update(self, actor: User, instance: Any, data: dict[str, Any]) -> Any:
        return services.year_save(actor=actor, year=instance.year, data=data)


@admin.register(models.AchievementBand)
class AchievementBandAdmin(ServiceAdmin):
    """A band is keyed by its year and floor; only its label and its illustrative mark change once it exists."""

    list_display = ["year", "min_pct", "label", "is_illustrative"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["year", "min_pct"] if obj is not None else []

    def create(self, actor: User, data: dict[str, Any]) -> Any:
        return services.band_save(
            actor=actor,
            year=data["year"],
            min_pct=data["min_pct"],
            label=data["label"],
            is_illustrative=bool(data.get("is_illustrative")),
        )

    def update(self, actor: User, instance: Any, data: dict[str, Any]) -> Any:
        label = data.get("label", instance.label)
        return services.band_save(
            actor=actor,
            year=instance.year,
            min_pct=instance.min_pct,
            label=label,
            is_illustrative=data.get("is_illustrative", instance.is_illustrative),
        )


@admin.register(models.StrategicPlan)
class StrategicPlanAdmin(PlanAdmin):
    list_display = ["name", "start_year", "end_year", "owner_unit"]


@admin.register(models.Indicator)
class IndicatorAdmin(PlanAdmin):
    list_display = ["code", "name", "source_kind", "source_key", "is_key"]
    list_filter = ["source_kind", "is_key"]


@admin.register(models.IndicatorTarget)
class IndicatorTargetAdmin(PlanAdmin):
    list_display = ["indicator", "year", "target", "realised"]
    list_filter = ["year"]


for model in (
    models.Goal,
    models.StrategicTarget,
    models.ActivityTarget,
    models.FundingFramework,
    models.Program,
    models.Activity,
    models.Output,
):
    admin.site.register(model, PlanAdmin)
