"""Writes of the reports app: the narratives (permission, one transaction, validation, audit)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mitra.core.models import User
from mitra.core.services import StaleEditError, create_record, require, upsert_record

__all__ = ["StaleEditError", "narrative_save", "narratives_copy"]

from . import narrative
from .models import Narrative, NarrativeKey

PERM = "reports.edit_narrative"


@transaction.atomic
def narrative_save(
    *,
    actor: User | None,
    year: int,
    key: str,
    text: str,
    expected_version: int | None,
    system: bool = False,
    known: set[str] | None = None,
) -> Narrative:
    """Create or update one narrative; with `known` figure names, unknown references are refused at the field.

    `expected_version` is the version the editor opened, 0 when the section had no text yet: a save over a
    section someone else saved meanwhile (a first save included) raises StaleEditError and writes nothing."""
    if not system:
        require(actor, PERM)
    if key not in NarrativeKey.values:
        raise ValidationError({"key": _("Unknown section.")})
    if known is not None:
        errors = narrative.validate(text, known)
        if errors:
            raise ValidationError({"text": [str(e) for e in errors]})
    return upsert_record(
        actor=actor,
        model=Narrative,
        lookup={"year": year, "key": key},
        data={"text": text},
        expected_version=expected_version,
    )


@transaction.atomic
def narratives_copy(*, actor: User | None, from_year: int, to_year: int, system: bool = False) -> int:
    """Copy last year's narratives as a start for sections that have none yet; returns how many were copied."""
    if not system:
        require(actor, PERM)
    have = set(Narrative.objects.filter(year=to_year).values_list("key", flat=True))
    copied = 0
    for source in Narrative.objects.filter(year=from_year).exclude(key__in=have):
        create_record(
            actor=actor,
            instance=Narrative(year=to_year, key=source.key, text=source.text),
            reason=_("Copied from %(y)s") % {"y": from_year},
        )
        copied += 1
    return copied
