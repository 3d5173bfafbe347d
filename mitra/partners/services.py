"""Writes of partners, forums and contacts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from mitra.core.models import User
from mitra.core.services import create_guarded, create_guarded_many, delete_guarded, update_guarded

from .models import Contact, Forum, Institution

PERM = "partners.edit"
P = TypeVar("P", Institution, Forum, Contact)


def create(*, actor: User | None, model: type[P], data: Mapping[str, Any], system: bool = False) -> P:
    return create_guarded(actor=actor, perm=PERM, model=model, data=data, system=system)


def create_many(
    *, actor: User | None, model: type[P], rows: Sequence[Mapping[str, Any]], system: bool = False
) -> list[Any]:
    """`create` for many rows (an import): per row the record or the error that refused it (core.services)."""
    return create_guarded_many(actor=actor, perm=PERM, model=model, rows=rows, system=system)


def update(
    *,
    actor: User | None,
    instance: P,
    data: Mapping[str, Any],
    expected_version: int | None,
    system: bool = False,
    reason: str = "",
) -> P:
    return update_guarded(
        actor=actor,
        perm=PERM,
        instance=instance,
        data=data,
        expected_version=expected_version,
        system=system,
        reason=reason,
    )


def _live_links(instance: models.Model) -> list[str]:
    """Names of the kinds of live registry records that still refer to `instance`."""
    kinds = []
    for relation in instance._meta.related_objects:
        if relation.many_to_many or relation.one_to_many:
            accessor = relation.get_accessor_name()
            if accessor is None:
                continue
            related = getattr(instance, accessor)
            manager = related.model._default_manager if hasattr(related, "model") else None
            if manager is not None and related.exists():
                kinds.append(str(related.model._meta.verbose_name_plural))
    return kinds


@transaction.atomic
def delete(
    *, actor: User | None, instance: Institution | Forum | Contact, expected_version: int | None, reason: str
) -> Institution | Forum | Contact:
    """Soft-delete; refused while cooperations, agreements, meetings … still refer to it (never cascades)."""
    if not isinstance(instance, Contact):
        links = [k for k in _live_links(instance) if k]
        if links:
            raise ValidationError(
                _(
                    "%(name)s cannot be deleted while these records refer to it: %(links)s. "
                    "Keep it, or first move those records to another partner."
                )
                % {"name": instance, "links": ", ".join(sorted(set(links)))}
            )
    deleted = delete_guarded(
        actor=actor, perm=PERM, instance=instance, expected_version=expected_version, reason=reason
    )
    assert isinstance(deleted, Institution | Forum | Contact)
    return deleted
