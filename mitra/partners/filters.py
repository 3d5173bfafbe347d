from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from mitra.core.filters import StyledFilterSet

from .models import Contact, Country, Forum, ForumScope, Institution, InstitutionKind


class SearchFilter(StyledFilterSet):
    search_fields: tuple[str, ...] = ("name",)


class InstitutionFilter(SearchFilter):
    search_fields = ("name", "name_id", "acronym")
    kind = filters.ChoiceFilter(label=_("Type"), choices=InstitutionKind.choices)
    country = filters.ModelChoiceFilter(label=_("Country"), queryset=Country.objects.all())

    class Meta:
        model = Institution
        fields: list[str] = []


class ForumFilter(SearchFilter):
    search_fields = ("name", "acronym")
    scope = filters.ChoiceFilter(label=_("Scope"), choices=ForumScope.choices)
    parent = filters.ModelChoiceFilter(label=_("Parent forum"), queryset=Forum.objects.all())

    class Meta:
        model = Forum
        fields: list[str] = []


class ContactFilter(SearchFilter):
    search_fields = ("name", "role", "email", "institution__acronym", "institution__name")
    is_current = filters.BooleanFilter(label=_("Current"))

    class Meta:
        model = Contact
        fields: list[str] = []


class CountryFilter(SearchFilter):
    search_fields = ("name_id", "name_en", "code", "code3")

    class Meta:
        model = Country
        fields: list[str] = []
