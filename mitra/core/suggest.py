"""Related records typed, not picked from a select of every row: a record form's foreign key or many-to-many field
to a table that grows with the registry's history (meetings, cooperations, agreements, position papers,
institutions, forums, contacts, travel requests) is a text field whose <datalist> static/mitra/records.js fills
from /saran/<key>/?q=… as the user types (at most SUGGESTIONS rows, one bounded query). The field carries the
record's id: a suggestion reads “Title (#123)”, and a bare number is an id too (presets such as ?meeting=123, the
tests' posts). A form page no longer grows with the table.

Threshold: a model registered here (a table of the registry that grows with every year of history) is always
typed; reference tables that stay small (countries, sectors, units, step kinds, staff) keep their select. Apps
register their models in their AppConfig.ready(); `type_related_fields(form)` swaps the fields of a bound or
unbound form (every RecordKind form does it; other forms call it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

SUGGESTIONS = 20
ID_MAX = 2**31 - 1
SEPARATOR = ";"
_TAGGED = re.compile(r"\(#(\d{1,12})\)\s*$")
_BARE = re.compile(r"^#?(\d{1,12})$")


@dataclass(frozen=True)
class Suggestable:
    key: str  # the URL part: /saran/<key>/
    model: type[models.Model]
    search: tuple[str, ...]  # fields matched with icontains
    ordering: tuple[str, ...]
    describe: Callable[[Any], str] | None = None  # a second line for the suggestion (date, forum …)
    related: tuple[str, ...] = ()  # select_related for str() and describe()
    # For a table whose rows not everyone may read (travel requests): the rows `user` may see.
    visible_to: Callable[[Any], models.QuerySet] | None = None

    def queryset(self, user: Any = None) -> models.QuerySet:
        qs = (
            self.visible_to(user)
            if self.visible_to is not None and user is not None
            else self.model._default_manager.all()
        )
        return qs.select_related(*self.related) if self.related else qs


REGISTRY: dict[type[models.Model], Suggestable] = {}
BY_KEY: dict[str, Suggestable] = {}


def register(entry: Suggestable) -> None:
    REGISTRY[entry.model] = entry
    BY_KEY[entry.key] = entry


def value_of(record: models.Model) -> str:
    """What the field shows for a record and what a suggestion puts in it: its name and its id."""
    return f"{record} (#{record.pk})"


def suggestions(entry: Suggestable, typed: str, user: Any, limit: int = SUGGESTIONS) -> list[dict[str, str]]:
    """Records `user` may read whose searched fields contain what was typed (or whose id it is), at most `limit`,
    in one query."""
    typed = typed.strip()
    if not typed:
        return []
    match = Q()
    for name in entry.search:
        match |= Q(**{f"{name}__icontains": typed})
    bare = _BARE.match(typed)
    if bare and int(bare.group(1)) <= ID_MAX:
        match |= Q(pk=int(bare.group(1)))
    rows = entry.queryset(user).filter(match).order_by(*entry.ordering, "pk")[:limit]
    return [{"value": value_of(r), "label": entry.describe(r) if entry.describe else str(r)} for r in rows]


def parse_id(text: str) -> int | None:
    """The id a typed value names: “Title (#123)”, “#123” or “123”; None when it names none."""
    text = text.strip()
    found = _TAGGED.search(text) or _BARE.match(text)
    if not found or int(found.group(1)) > ID_MAX:
        return None
    return int(found.group(1))


class RecordInput(forms.TextInput):
    """A text field with a datalist filled by static/mitra/records.js from the model's suggestions (the browser's
    own list: arrow keys, Enter and screen readers work as with any datalist)."""

    class Media:
        js = ("mitra/records.js",)

    def __init__(self, entry: Suggestable, multiple: bool = False, attrs: dict[str, Any] | None = None):
        super().__init__(
            {"autocomplete": "off", "spellcheck": "false", "placeholder": _("Type part of the name…"), **(attrs or {})}
        )
        self.entry = entry
        self.multiple = multiple

    def format_value(self, value: Any) -> str | None:
        """The current value as text: a record (or its id) shows as “Title (#id)”; typed text stays as typed."""
        if value is None or value == "":
            return None
        values = list(value) if isinstance(value, list | tuple) else [value]
        ids = [v.pk if isinstance(v, models.Model) else v for v in values]
        if all(isinstance(v, int) or (isinstance(v, str) and _BARE.match(v.strip())) for v in ids):
            numbers = [int(str(v).strip().lstrip("#")) for v in ids]
            numbers = [n for n in numbers if n <= ID_MAX]
            known = {r.pk: r for r in self.entry.queryset().filter(pk__in=numbers)} if numbers else {}
            shown = [value_of(known[n]) if n in known else str(n) for n in numbers]
            return f"{SEPARATOR} ".join(shown)
        return f"{SEPARATOR} ".join(str(v) for v in values)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["list"] = f"{widget_attrs.get('id', 'id_' + name)}-options"
        widget_attrs["data-records"] = reverse("core:record-suggest", args=[self.entry.key])
        if self.multiple:
            widget_attrs["data-separator"] = SEPARATOR
        return context

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id') or self.attrs.get('id') or 'id_' + name}-options"
        return format_html('{}<datalist id="{}"></datalist>', html, list_id)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


UNKNOWN = _("“%(value)s” is not a record you can choose here. Type part of its name and pick one of the suggestions.")


def _resolve(queryset: models.QuerySet, text: str) -> models.Model:
    number = parse_id(text)
    record = queryset.filter(pk=number).first() if number is not None else None
    if record is None:
        raise forms.ValidationError(UNKNOWN, code="invalid_choice", params={"value": text.strip()})
    return record


class RecordChoiceField(forms.ModelChoiceField):
    """A foreign key typed with suggestions; cleans to the record (of the field's queryset) the text names."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, models.Model):
            return value
        assert self.queryset is not None
        return _resolve(self.queryset, str(value))

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Whether the typed value names another record than the initial one (no query: the id is in the text)."""
        if self.disabled:
            return False
        before = initial.pk if isinstance(initial, models.Model) else initial
        if data in self.empty_values:
            return before not in self.empty_values
        return parse_id(str(data)) != (int(before) if before not in self.empty_values else None)


class RecordMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many field typed with suggestions, the records separated by “;”."""

    def clean(self, value: Any) -> Any:
        assert self.queryset is not None
        if isinstance(value, list | tuple):
            parts = [str(v) for v in value]
        else:
            parts = [p for p in str(value or "").split(SEPARATOR) if p.strip()]
        if not parts:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return self.queryset.none()
        records = [_resolve(self.queryset, part) for part in parts]
        ids = sorted({r.pk for r in records})
        return self.queryset.filter(pk__in=ids)

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Whether the typed records differ from the initial ones (no query: the ids are in the text)."""
        if self.disabled:
            return False
        before = {int(v.pk if isinstance(v, models.Model) else v) for v in initial or []}
        parts = [str(v) for v in data] if isinstance(data, list | tuple) else str(data or "").split(SEPARATOR)
        ids = [parse_id(p) for p in parts if p.strip()]
        return None in ids or set(ids) != before


def typed_field(field: forms.ModelChoiceField) -> forms.ModelChoiceField | None:
    """The typed equivalent of a select field, or None when its model is a small table that keeps the select."""
    assert field.queryset is not None
    entry = REGISTRY.get(field.queryset.model)
    if entry is None:
        return None
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    cls = RecordMultipleChoiceField if multiple else RecordChoiceField
    help_text = field.help_text
    hint = _("Type part of the name and pick a suggestion; several are separated by “;”.") if multiple else None
    typed = cls(
        queryset=field.queryset,
        required=field.required,
        label=field.label,
        initial=field.initial,
        help_text=f"{help_text} {hint}".strip() if hint else help_text,
        disabled=field.disabled,
        widget=RecordInput(entry, multiple=multiple),
    )
    return typed


def type_related_fields(form: forms.BaseForm, names: Iterable[str] | None = None) -> None:
    """Swap the form's selects of large related tables for typed fields (before the form is cleaned)."""
    for name in list(names if names is not None else form.fields):
        field = form.fields.get(name)
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field.widget, forms.HiddenInput):
            typed = typed_field(field)
            if typed is not None:
                form.fields[name] = typed
