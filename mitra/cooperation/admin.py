from django.contrib import admin

from mitra.core.admin import ReadOnlyAdmin, ReferenceAdmin

from .models import (
    Agreement,
    Cooperation,
    EffectivenessRule,
    FollowUp,
    Meeting,
    OutreachEvent,
    PositionPaper,
    Publication,
    Sector,
    Study,
)


@admin.register(EffectivenessRule)
class EffectivenessRuleAdmin(ReferenceAdmin):
    list_display = [
        "year",
        "requires_agreement_in_force",
        "counts_meetings",
        "counts_position_papers",
        "counts_follow_ups",
        "counts_outreach",
        "counts_studies",
    ]


@admin.register(Sector)
class SectorAdmin(ReferenceAdmin):
    list_display = ["code", "name_id", "name_en", "order"]


@admin.register(Cooperation)
class CooperationAdmin(ReadOnlyAdmin):
    list_display = ["title", "scope", "stage", "responsible_unit"]
    list_filter = ["scope", "stage", "responsible_unit"]
    search_fields = ["title", "title_en"]
    readonly_fields = ["stage", "stage_since"]


for model in (Agreement, PositionPaper, Study, Meeting, FollowUp, OutreachEvent, Publication):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (ReadOnlyAdmin,),
            {"list_display": ["__str__", "responsible_unit"], "list_filter": ["responsible_unit"]},
        ),
    )
