"""How every demo loader finds a record it would load: by its natural key, soft-deleted rows included."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def existing(model: type[M], **lookup: Any) -> M | None:
    """The record with this natural key, soft-deleted ones included (a record a user deleted stays deleted)."""
    manager = getattr(model, "all_objects", None) or model._default_manager
    return manager.filter(**lookup).first()
