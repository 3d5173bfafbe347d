"""The interface's own filter sets, reused by the API with bounds on numbers (a year of 10^30 is a 400, not a
database error)."""

from __future__ import annotations

from typing import Any

import django_filters as filters

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
    meta = type("Meta", (filterset.Meta,), {})  # type: ignore[attr-defined]
    attrs["Meta"] = meta
    subclass = type(f"Api{filterset.__name__}", (filterset,), attrs)
    _CACHE[filterset] = subclass
    return subclass
