from django.contrib import admin

from mitra.core.admin import ReferenceAdmin

from .models import StepKind


@admin.register(StepKind)
class StepKindAdmin(ReferenceAdmin):
    list_display = (
        "order",
        "code",
        "name",
        "timing",
        "sla_working_days",
        "applies_by_default",
        "only_with_visa",
        "checks_passport",
        "is_active",
    )
    list_display_links = ("code", "name")
    list_editable = ("order",)
