from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mitra.core.admin import ReferenceAdmin

from . import services
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

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Its service level or timing may have changed: the open steps of this kind are due on another day.
        services.refresh_due_dates_of_kind(obj)
