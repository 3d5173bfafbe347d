"""Marking a cooperation or an agreement public, and withdrawing it: the head of the bureau's decision, audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mitra.cooperation.models import Agreement, Cooperation
from mitra.core.models import User
from mitra.core.services import create_record, require, update_record

from .models import PublicListing


def _field(record: Cooperation | Agreement) -> str:
    return "cooperation" if isinstance(record, Cooperation) else "agreement"


@transaction.atomic
def publish(
    *,
    actor: User | None,
    record: Cooperation | Agreement,
    summary: str,
    summary_en: str = "",
    expected_version: int | None = None,
    system: bool = False,
) -> PublicListing:
    """Show `record` on the public page with this summary (or change the summary of one shown already)."""
    if not system:
        require(actor, "public.publish", record)
    field = _field(record)
    listing = PublicListing.objects.select_for_update().filter(**{field: record}).first()
    data = {"is_public": True, "summary": summary.strip(), "summary_en": summary_en.strip()}
    if listing is None:
        return create_record(
            actor=actor,
            instance=PublicListing(**{field: record}),
            data={**data, "published_on": timezone.localdate()},
        )
    if not listing.is_public:
        data["published_on"] = timezone.localdate()
    return update_record(actor=actor, instance=listing, data=data, expected_version=expected_version)


@transaction.atomic
def withdraw(*, actor: User, listing: PublicListing, reason: str, expected_version: int | None = None) -> PublicListing:
    """Take a record off the public page; the listing (and its summary) stays for the history."""
    require(actor, "public.publish", listing.record)
    return update_record(
        actor=actor,
        instance=listing,
        data={"is_public": False, "published_on": None},
        expected_version=expected_version,
        reason=reason,
    )
