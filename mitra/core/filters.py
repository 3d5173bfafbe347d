"""Shared list-filter behaviour (django-filter)."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


class StyledFilterSet(filters.FilterSet):
    """A FilterSet whose form fields carry Bootstrap's small control classes, and a free-text `q` search."""

    q = filters.CharFilter(label=_("Search"), method="search")
    search_fields: tuple[str, ...] = ()

    @property
    def form(self) -> Any:
        form = super().form
        for field in form.fields.values():
            widget = field.widget
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs.setdefault("class", css)
        return form

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class YearFilter(filters.NumberFilter):
    """A year: a whole number within the range a date can hold, so that nonsense is a form error, not a crash."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)
