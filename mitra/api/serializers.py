"""Serializer base: unknown fields are refused (a typo must not be silently dropped)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

RECORD_READ_ONLY: tuple[str, ...] = ("id", "version", "created_at", "updated_at")


class StrictSerializerMixin:
    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise serializers.ValidationError({"non_field_errors": [_("The body must be a JSON object.")]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)  # type: ignore[misc]


class RecordSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """A versioned record: `version` is what If-Match names (the ETag is the version in quotes)."""

    class Meta:
        read_only_fields: tuple[str, ...] = RECORD_READ_ONLY
