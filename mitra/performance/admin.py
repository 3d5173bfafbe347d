"""Administrators keep the plan (saved through the plan services), the per-year settings and the achievement bands
(reference rows, audited) here. Nothing is deleted here.

Quarterly realisation and its approval are not editable here: they go through the services and their workflow.
"""

from typing import Any

from django.contrib import admin

from mitra.core.admin import ReferenceAdmin, ServiceAdmin
from mitra.core.models import User

from . import models, services


class PlanAdmin(ServiceAdmin):
    def create(self, actor: User, data: dict[str, Any]) -> Any:
        return services.plan_record_create(actor=actor, model=self.model, data=data)

    def update(self, actor: User, instance: Any, data: dict[str, Any]) -> Any:
        return services.plan_record_update(actor=actor, instance=instance, data=data, expected_version=None)


@admin.register(models.PerformanceYear)
class PerformanceYearAdmin(ReferenceAdmin):
    list_display = ["year", "sakip_score", "sakip_target_score", "efficiency_standard", "budget_tolerance_pct"]


@admin.register(models.AchievementBand)
class AchievementBandAdmin(ReferenceAdmin):
    list_display = ["year", "min_pct", "label"]


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
