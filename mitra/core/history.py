"""A record's history as people read it: field labels instead of field names, values formatted the way the pages
show them (choices by their label, related records by name, money in rupiah, dates in words), and a status
change as "from → to".

The audit log stores each change as {field name: [before, after]} in JSON (see core/audit.py): foreign keys and
many-to-many values by id, choices by their stored value, dates as ISO text. `describe()` turns a page of entries
back into what the interface shows, reading each related model's names in one query (not one per entry).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import formatting
from .models import AuditAction, AuditEntry

STATUS_FIELDS = ("status", "stage")  # in a state change, this field reads as "from → to" beside the action
SHOWN_ACTIONS = (AuditAction.UPDATE, AuditAction.STATE_CHANGE)  # creation lists every field: not repeated here


@dataclass(frozen=True)
class Change:
    name: str
    label: str
    before: str
    after: str


@dataclass
class HistoryItem:
    entry: AuditEntry
    status: tuple[str, str] | None = None
    changes: list[Change] = field(default_factory=list)


def is_money(model_field: Any) -> bool:
    return bool(getattr(model_field, "is_money", False))


def _model(record_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(record_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def label_of(model_field: Any, name: str) -> str:
    if model_field is None:
        return capfirst(name.replace("_", " "))
    if getattr(model_field, "auto_created", False) and not getattr(model_field, "concrete", True):
        # A reverse relation (a meeting's "delegation"): the related records' plural name.
        return str(capfirst(model_field.related_model._meta.verbose_name_plural))
    return str(capfirst(getattr(model_field, "verbose_name", name)))


def _related(model_field: Any) -> type[models.Model] | None:
    if model_field is None or not getattr(model_field, "concrete", False):
        return None
    if model_field.many_to_one or model_field.one_to_one or model_field.many_to_many:
        related: type[models.Model] = model_field.related_model
        return related
    return None


def _names(wanted: dict[type[models.Model], set[Any]]) -> dict[tuple[type[models.Model], str], str]:
    """The names of the related records the entries mention: one query per related model, deleted rows included."""
    names: dict[tuple[type[models.Model], str], str] = {}
    for model, pks in wanted.items():
        manager = getattr(model, "all_objects", None) or model._base_manager
        clean = set()
        for pk in pks:
            with suppress(ValidationError):  # a value from an older schema is shown as stored
                clean.add(model._meta.pk.to_python(pk))
        for obj in manager.filter(pk__in=clean):
            names[(model, str(obj.pk))] = str(obj)
    return names


def _number(value: Any, model_field: Any) -> str:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if is_money(model_field):
        return formatting.rupiah(amount)
    places = 0 if amount == amount.to_integral_value() else getattr(model_field, "decimal_places", 2) or 2
    return formatting.number(amount, places)


def display(model_field: Any, value: Any, names: dict[tuple[type[models.Model], str], str]) -> str:
    """One stored value as the pages show it."""
    if value is None or value == "" or value == []:
        return "–"
    if model_field is None or not getattr(model_field, "concrete", False):
        return str(value)
    related = _related(model_field)
    if related is not None:
        values = value if isinstance(value, list) else [value]
        return ", ".join(names.get((related, str(v)), f"#{v}") for v in values)
    if model_field.choices:
        labels = {str(key): label for key, label in model_field.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(value))
        return formatting.datetime(moment) if moment else str(value)
    if isinstance(model_field, models.DateField):
        day = parse_date(str(value)) if not isinstance(value, dt.date) else value
        return formatting.date(day) if day else str(value)
    if isinstance(model_field, models.DecimalField | models.IntegerField | models.FloatField):
        return _number(value, model_field)
    if isinstance(model_field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    return str(value)


def describe(entries: Iterable[AuditEntry]) -> list[HistoryItem]:
    """The entries with their changes labelled and formatted, and a status change picked out."""
    entries = list(entries)
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        if entry.action not in SHOWN_ACTIONS or not isinstance(entry.changes, dict):
            continue
        model = _model(entry.record_type)
        for name, pair in entry.changes.items():
            related = _related(_field(model, name))
            if related is None or not isinstance(pair, list | tuple):
                continue
            for value in pair:
                for v in value if isinstance(value, list) else [value]:
                    if v is not None and v != "":
                        wanted[related].add(v)
    names = _names(wanted)
    items = []
    for entry in entries:
        item = HistoryItem(entry)
        items.append(item)
        if entry.action not in SHOWN_ACTIONS or not isinstance(entry.changes, dict):
            continue
        model = _model(entry.record_type)
        for name, pair in entry.changes.items():
            before, after = [*pair, None, None][:2] if isinstance(pair, list | tuple) else (None, pair)
            model_field = _field(model, name)
            shown = Change(
                name,
                label_of(model_field, name),
                display(model_field, before, names),
                display(model_field, after, names),
            )
            if entry.action == AuditAction.STATE_CHANGE and name in STATUS_FIELDS and item.status is None:
                item.status = (shown.before, shown.after)
            else:
                item.changes.append(shown)
    return items
