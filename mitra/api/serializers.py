"""Serializer base: unknown fields are refused (a typo must not be silently dropped), and integers are bounded by
the range every supported database stores (the schema states the same bounds)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _
from rest_framework import serializers

RECORD_READ_ONLY: tuple[str, ...] = ("id", "version", "created_at", "updated_at")


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class StrictSerializerMixin:
    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise serializers.ValidationError({"non_field_errors": [_("The body must be a JSON object.")]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        # No database stores a NUL character in text (PostgreSQL refuses it even in a lookup): refuse it here.
        with_nul = sorted(name for name, value in data.items() if _has_nul(value))
        if with_nul:
            raise serializers.ValidationError({name: [_("Null characters are not allowed.")] for name in with_nul})
        return super().to_internal_value(data)  # type: ignore[misc]


# SQLite stores any 64-bit integer in an IntegerField, PostgreSQL 32 bits: the API (and so the schema) allows what
# both store, the ranges Django states for a database that declares none of its own.
PORTABLE_INTEGER_RANGES: dict[str, tuple[int, int]] = BaseDatabaseOperations.integer_field_ranges


class PortableRangesMixin:
    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type, dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)  # type: ignore[misc]
        bounds = PORTABLE_INTEGER_RANGES.get(model_field.get_internal_type())
        if bounds is not None and issubclass(field_class, serializers.IntegerField):
            low, high = bounds
            kwargs["min_value"] = max(kwargs.get("min_value", low), low)
            kwargs["max_value"] = min(kwargs.get("max_value", high), high)
        return field_class, kwargs


class PortableModelSerializer(PortableRangesMixin, StrictSerializerMixin, serializers.ModelSerializer):
    """A model's serializer for the API: strict about fields, bounded integers."""


class RecordSerializer(PortableModelSerializer):
    """A versioned record: `version` is what If-Match names (the ETag is the version in quotes)."""

    class Meta:
        read_only_fields: tuple[str, ...] = RECORD_READ_ONLY


def serializer_for(kind: Any, base: type[RecordSerializer] | None = None) -> type[RecordSerializer]:
    """The serializer of a declared kind of record (core.crud.RecordKind): its fields writable, its computed values
    and the record's bookkeeping read only — the same fields as its form, declared once."""
    parent = base or RecordSerializer
    read_only = (*RECORD_READ_ONLY, *kind.computed)
    meta = type(
        "Meta",
        (parent.Meta,),
        {
            "model": kind.model,
            "fields": [*RECORD_READ_ONLY, *kind.fields, *kind.computed],
            "read_only_fields": read_only,
        },
    )
    return type(f"{kind.model.__name__}Serializer", (parent,), {"Meta": meta})
