from django.contrib import admin

from mitra.core.admin import AuditedAdmin

from .models import Contact, Country, Forum, Institution


@admin.register(Country)
class CountryAdmin(AuditedAdmin):
    list_display = ["code", "code3", "name_id", "name_en"]
    search_fields = ["code", "name_id", "name_en"]


@admin.register(Institution)
class InstitutionAdmin(AuditedAdmin):
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]


@admin.register(Forum)
class ForumAdmin(AuditedAdmin):
    list_display = ["name", "acronym", "parent", "scope"]
    search_fields = ["name", "acronym"]


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ["name", "role", "institution", "forum", "is_current"]
