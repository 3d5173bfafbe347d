"""The interface's own filter sets, reused by the API with bounds on numbers (a year of 10^30 is a 400, not a
database error)."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.contrib.django_filters import DjangoFilterExtension

from mitra.partners.filters import ForumNameFilter
from mitra.partners.models import Forum

# Text the API accepts: no NUL character (no database stores one in text).
TEXT_PATTERN = "^[^\\u0000]*$"

_CACHE: dict[type, type] = {}


def bounded(filterset: type[filters.FilterSet]) -> type[filters.FilterSet]:
    if filterset in _CACHE:
        return _CACHE[filterset]
    attrs: dict[str, Any] = {}
    for name, declared in filterset.declared_filters.items():
        if isinstance(declared, filters.NumberFilter) and not declared.method:
            attrs[name] = filters.NumberFilter(
                field_name=declared.field_name,
                lookup_expr=declared.lookup_expr,
                label=declared.label,
                min_value=1 if name == "year" else -(2**31),
                max_value=9999 if name == "year" else 2**31 - 1,
                max_digits=12,
                decimal_places=0,
            )
        if isinstance(declared, ForumNameFilter):
            # The pages take a forum typed by name; the API keeps its forum id.
            attrs[name] = filters.ModelChoiceFilter(
                field_name=declared.field_name, label=declared.label, queryset=Forum.objects.all()
            )
    meta = type("Meta", (filterset.Meta,), {})  # type: ignore[attr-defined]
    attrs["Meta"] = meta
    subclass = type(f"Api{filterset.__name__}", (filterset,), attrs)
    _CACHE[filterset] = subclass
    return subclass


class ApiFilterBackend(DjangoFilterBackend):
    """django-filter for the API. A filter naming a record that does not exist (`?forum=999`) matches nothing, so the
    answer is an empty list rather than a 400: the value has the type the schema states. Other invalid values (out of
    the stated range, not a number) stay 400."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            codes = {e.code for errors in filterset.errors.as_data().values() for e in errors}
            if codes == {"invalid_choice"} and all(
                isinstance(filterset.filters[name], filters.ModelChoiceFilter | filters.ModelMultipleChoiceFilter)
                for name in filterset.errors
            ):
                return queryset.none()
            raise translate_validation(filterset.errors)
        return filterset.qs


class ApiFilterExtension(DjangoFilterExtension):
    """The schema of a filter states its bounds (min_value, max_value, max_length), whole numbers as integers, and
    text without NUL characters (refused by every API view), so that values valid by the schema are accepted."""

    target_class = "mitra.api.filters.ApiFilterBackend"
    priority = 1

    def resolve_filter_field(
        self, auto_schema: Any, model: Any, filterset_class: Any, field_name: str, filter_field: Any
    ) -> Any:
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        extra = filter_field.extra
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if isinstance(filter_field, filters.NumberFilter) and extra.get("decimal_places") == 0:
                schema["type"] = "integer"
            if schema.get("type") in {"integer", "number"}:
                if extra.get("min_value") is not None:
                    schema["minimum"] = extra["min_value"]
                if extra.get("max_value") is not None:
                    schema["maximum"] = extra["max_value"]
            if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
                schema.setdefault("pattern", TEXT_PATTERN)
                if extra.get("max_length") is not None:
                    schema["maxLength"] = extra["max_length"]
        return parameters
