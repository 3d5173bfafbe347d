"""Administrators keep the plan, the per-year settings and the achievement bands here (audited).

Quarterly realisation and its approval are not editable here: they go through the services and their workflow.
"""

from django.contrib import admin

from mitra.core.admin import AuditedAdmin

from . import models


@admin.register(models.PerformanceYear)
class PerformanceYearAdmin(AuditedAdmin):
    list_display = ["year", "sakip_score", "sakip_target_score", "efficiency_standard", "budget_tolerance_pct"]


@admin.register(models.AchievementBand)
class AchievementBandAdmin(AuditedAdmin):
    list_display = ["year", "min_pct", "label"]


@admin.register(models.StrategicPlan)
class StrategicPlanAdmin(AuditedAdmin):
    list_display = ["name", "start_year", "end_year", "owner_unit"]


@admin.register(models.Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["code", "name", "source_kind", "source_key", "is_key"]
    list_filter = ["source_kind", "is_key"]


@admin.register(models.IndicatorTarget)
class IndicatorTargetAdmin(AuditedAdmin):
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
    admin.site.register(model, AuditedAdmin)
