from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mitra.core.filters import StyledFilterSet

from .models import Contact, Country, Forum, ForumScope, Institution, InstitutionKind

# --- a forum typed, not picked from hundreds ------------------------------------------------------------------

SUGGESTIONS = 20
ID_MAX = 2**31 - 1


def forum_label(forum: Forum) -> str:
    """What a person types for a forum and what the filter shows: its acronym, or its name when it has none."""
    return forum.acronym or forum.name


def forums_named(value: str) -> list[int]:
    """The forums a typed value means: a number is a forum's id (the filter's URLs before the typeahead, and the
    profiles' links); text is an acronym or a whole name, in any case."""
    value = value.strip()
    if value.isdigit():
        if int(value) > ID_MAX:
            return []
        return list(Forum.objects.filter(pk=int(value)).values_list("pk", flat=True))
    return list(Forum.objects.filter(Q(acronym__iexact=value) | Q(name__iexact=value)).values_list("pk", flat=True))


def forum_suggestions(typed: str, limit: int = SUGGESTIONS) -> list[dict[str, str]]:
    """Forums whose acronym starts with, or whose name contains, what was typed: value to put in the field, and
    a label naming the forum in full (one bounded query)."""
    typed = typed.strip()
    if not typed:
        return []
    rows = Forum.objects.filter(Q(acronym__istartswith=typed) | Q(name__icontains=typed)).order_by("acronym", "name")
    return [{"value": forum_label(f), "label": f.full_name} for f in rows[:limit]]


class ForumInput(forms.TextInput):
    """A text field with a datalist that static/mitra/suggest.js fills from the forum suggestions as the user
    types (the browser's own list: keyboard and screen-reader support come with it). Without the script the
    field still takes an acronym or a name."""

    class Media:
        js = ("mitra/suggest.js",)

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        # A forum given by its id (?forum=12) shows as the forum's acronym or name.
        if isinstance(value, str) and value.strip().isdigit() and int(value) <= ID_MAX:
            forum = Forum.objects.filter(pk=int(value)).first()
            return forum_label(forum) if forum else value
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["list"] = f"{widget_attrs.get('id', 'id_' + name)}-options"
        widget_attrs["data-suggest"] = reverse("partners:forum-suggest")
        return context

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id') or self.attrs.get('id') or 'id_' + name}-options"
        return format_html('{}<datalist id="{}"></datalist>', html, list_id)


class ForumField(forms.CharField):
    """A typed forum: cleans to the ids of the forums it names, or says at the field that none is called so."""

    widget = ForumInput

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[int] | None:
        text = super().clean(value)
        if not text:
            return None
        found = forums_named(text)
        if not found:
            raise forms.ValidationError(
                _("No forum has the acronym or name “%(value)s”. Pick one of the suggestions."),
                code="unknown_forum",
                params={"value": text},
            )
        return found


class ForumNameFilter(filters.Filter):
    """Filter on a forum typed by acronym or name (or given by id in the URL) instead of a select of every forum:
    the page no longer grows with the number of forums."""

    field_class = ForumField

    def filter(self, qs: QuerySet, value: list[int] | None) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


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
    parent = ForumNameFilter(label=_("Parent forum"))

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
