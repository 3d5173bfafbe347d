"""The public view's reads: only listings marked public, of records not deleted, as plain items that carry nothing
but the public fields (title, partners, country or forum, type, dates, status, summary)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mitra.cooperation.models import Agreement, Cooperation
from mitra.partners.models import Institution

from .models import PublicListing


@dataclass
class PublicItem:
    kind: str  # "kerjasama" or "perjanjian"
    pk: int
    title: str
    type: str
    status: str
    partners: list[str]
    countries: list[tuple[str, str, str]]  # (alpha-2, numeric, name)
    forum: str
    start: dt.date | None
    end: dt.date | None
    summary: str
    published_on: dt.date | None
    fields: dict[str, str] = field(default_factory=dict)

    def as_row(self) -> dict[str, str]:
        """One row of the CSV and JSON: strings and ISO dates only."""
        return {
            "kind": self.kind,
            "id": str(self.pk),
            "title": self.title,
            "type": self.type,
            "status": self.status,
            "partners": "; ".join(self.partners),
            "countries": "; ".join(code for code, _numeric, _name in self.countries),
            "forum": self.forum,
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "summary": self.summary,
            "public_since": self.published_on.isoformat() if self.published_on else "",
        }


def _english() -> bool:
    return (get_language() or "id").startswith("en")


def _listings() -> QuerySet[PublicListing]:
    partners = Institution.objects.select_related("country").order_by("name")
    return (
        PublicListing.objects.filter(is_public=True)
        .filter(
            Q(cooperation__isnull=False, cooperation__deleted_at__isnull=True)
            | Q(
                agreement__isnull=False,
                agreement__deleted_at__isnull=True,
                agreement__cooperation__deleted_at__isnull=True,
            )
        )
        .select_related("cooperation__forum", "agreement__cooperation__forum")
        .prefetch_related(
            Prefetch("cooperation__partners", queryset=partners),
            Prefetch("agreement__cooperation__partners", queryset=partners),
        )
        .order_by("pk")
    )


def _agreement_status(agreement: Agreement, today: dt.date) -> str:
    if agreement.in_force_on(today):
        return _("in force")
    if agreement.expires_on and agreement.expires_on < today:
        return _("ended")
    if agreement.date_signed:
        return _("signed, not yet in force")
    return _("being prepared")


def _item(listing: PublicListing, today: dt.date) -> PublicItem:
    english = _english()
    summary = (listing.summary_en if english and listing.summary_en else listing.summary).strip()
    if listing.agreement is not None:
        agreement = listing.agreement
        cooperation = agreement.cooperation
        title = agreement.title_en if english and agreement.title_en else agreement.title
        kind, kind_label = "perjanjian", agreement.get_kind_display()
        status = _agreement_status(agreement, today)
        start, end = agreement.entry_into_force or agreement.date_signed, agreement.expires_on
    else:
        assert listing.cooperation is not None
        cooperation = listing.cooperation
        title = cooperation.title_en if english and cooperation.title_en else cooperation.title
        kind, kind_label = "kerjasama", cooperation.get_scope_display()
        status = str(cooperation.get_stage_display())
        start, end = cooperation.stage_since, None
    partners = list(cooperation.partners.all())
    countries = sorted(
        {(c.code, c.numeric, c.name) for p in partners if (c := p.country) is not None},
        key=lambda c: c[2],
    )
    return PublicItem(
        kind=kind,
        pk=(listing.agreement_id or listing.cooperation_id or 0),
        title=title,
        type=str(kind_label),
        status=str(status),
        partners=[str(p) for p in partners],
        countries=countries,
        forum=str(cooperation.forum) if cooperation.forum_id else "",
        start=start,
        end=end,
        summary=summary,
        published_on=listing.published_on,
    )


def public_items(today: dt.date | None = None) -> list[PublicItem]:
    today = today or timezone.localdate()
    return [_item(listing, today) for listing in _listings()]


def public_item(kind: str, pk: int, today: dt.date | None = None) -> PublicItem | None:
    lookup = {"kerjasama": "cooperation_id", "perjanjian": "agreement_id"}.get(kind)
    if lookup is None:
        return None
    listing = _listings().filter(**{lookup: pk}).first()
    return _item(listing, today or timezone.localdate()) if listing else None


@dataclass
class Grouped:
    by_country: list[tuple[str, list[PublicItem]]]
    by_forum: list[tuple[str, list[PublicItem]]]
    country_counts: dict[str, int]  # ISO numeric → items


def grouped(items: list[PublicItem]) -> Grouped:
    countries: dict[str, list[PublicItem]] = defaultdict(list)
    forums: dict[str, list[PublicItem]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        for _code, numeric, name in item.countries:
            countries[name].append(item)
            counts[numeric] += 1
        if item.forum:
            forums[item.forum].append(item)
    return Grouped(sorted(countries.items()), sorted(forums.items()), dict(counts))


def publishable(q: str = "") -> tuple[QuerySet[Cooperation], QuerySet[Agreement]]:
    """For the head's page: the cooperations and agreements that could be marked, with their listing if any."""
    cooperations = Cooperation.objects.select_related("public_listing").order_by("title")
    agreements = Agreement.objects.select_related("public_listing", "cooperation").order_by("title")
    if q := q.strip():
        cooperations = cooperations.filter(Q(title__icontains=q) | Q(title_en__icontains=q))
        agreements = agreements.filter(Q(title__icontains=q) | Q(title_en__icontains=q) | Q(number__icontains=q))
    return cooperations, agreements
