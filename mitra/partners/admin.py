from django.contrib import admin

from mitra.core.admin import ReadOnlyAdmin, ReferenceAdmin

from .models import Contact, Country, Forum, Institution


@admin.register(Country)
class CountryAdmin(ReferenceAdmin):
    list_display = ["code", "code3", "name_id", "name_en"]
    search_fields = ["code", "name_id", "name_en"]


@admin.register(Institution)
class InstitutionAdmin(ReadOnlyAdmin):
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]


@admin.register(Forum)
class ForumAdmin(ReadOnlyAdmin):
    list_display = ["name", "acronym", "parent", "scope"]
    search_fields = ["name", "acronym"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["name", "role", "institution", "forum", "is_current"]
