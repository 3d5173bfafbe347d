"""A choice field's label for a record, as `record.get_<field>_display()` gives it, for pages and descriptions that
show it for hundreds of records (a profile's timeline and lists, the search index's descriptions): Django's method
makes every choice's lazy label hashable again on each call (one translation each); here a field's labels are
translated once per language for the process (the choices are code)."""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@functools.cache
def _labels(field: Any, language: str | None) -> dict[Any, str]:
    """The labels of a choice field in one language, by value."""
    return {make_hashable(value): str(label) for value, label in field.flatchoices}


def choice_label(record: Model, name: str) -> Any:
    """`record.get_<name>_display()`: the label of the value of its choice field `name` in the active language; a
    value that is not a choice is given as it is (None stays None, as Django gives it)."""
    field: Any = record._meta.get_field(name)
    value = getattr(record, field.attname)
    return force_str(_labels(field, get_language()).get(make_hashable(value), value), strings_only=True)
