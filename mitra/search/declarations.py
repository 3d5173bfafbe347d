"""The searchable kinds of the apps that came before search (partners, the registry, travel).

Each description says which text a record is found by (its own fields, plus the names of its partners, forum and
countries in both languages, so "MoU Jepang" finds the agreements with Japanese agencies) and where it sits in the
facets: year, scope, responsible unit, partners, countries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet

from mitra.core.choices import choice_label

from .registry import register

# The demo loader keys its made-up trips by a mark at the start of their notes ("[demo-perjalanan 123] …"); it is
# bookkeeping, not text anyone searches for or should see in a snippet.
DEMO_MARK = re.compile(r"^\s*\[demo-[\w-]+ \d+\]\s*")


def _without_demo_mark(text: str) -> str:
    return DEMO_MARK.sub("", text or "")


def _label(obj: Any) -> str | None:
    return str(obj) if obj is not None else None


def _country_names(country: Any) -> Iterator[str]:
    if country is not None:
        yield country.name_id
        yield country.name_en


def _institution_text(institution: Any) -> Iterator[str]:
    if institution is None:
        return
    yield institution.name
    yield institution.name_id
    yield institution.acronym
    yield from _country_names(institution.country)


def _forum_text(forum: Any) -> Iterator[str]:
    if forum is None:
        return
    yield forum.name
    yield forum.acronym
    if forum.parent_id and forum.parent is not None:
        yield forum.parent.acronym or forum.parent.name


def _partners(cooperation: Any) -> Sequence[Any]:
    """A cooperation's partners, to be read (not changed)."""
    if cooperation is None:
        return ()
    # Prefetched (every declaration's rows prefetch them): the prefetched queryset's own list of them, without
    # building a queryset or going through its iterator (three times per record of the kinds under a cooperation:
    # 784,330 times in a rebuild at ten years of data).
    prefetched = getattr(cooperation, "_prefetched_objects_cache", {}).get("partners")
    if prefetched is None:
        return list(cooperation.partners.all())
    cached = getattr(prefetched, "_result_cache", None)
    return cached if cached is not None else list(prefetched)


def _cooperation_text(cooperation: Any) -> Iterator[str]:
    if cooperation is None:
        return
    yield cooperation.title
    yield cooperation.title_en
    yield from _forum_text(cooperation.forum)
    for partner in _partners(cooperation):
        yield from _institution_text(partner)


def _scope(obj: Any) -> str | None:
    cooperation = getattr(obj, "cooperation", None)
    if cooperation is not None:
        return str(cooperation.scope)
    forum = getattr(obj, "forum", None)
    if forum is not None:
        return str(forum.scope)
    if getattr(obj, "partner", None) is not None:
        return "bilateral"
    return None


def _partner_ids(obj: Any) -> list[int]:
    ids = [p.pk for p in _partners(getattr(obj, "cooperation", None))]
    partner = getattr(obj, "partner", None)
    if partner is not None:
        ids.append(partner.pk)
    return ids


def _country_codes(obj: Any) -> list[str]:
    codes = [p.country_id for p in _partners(getattr(obj, "cooperation", None)) if p.country_id]
    partner = getattr(obj, "partner", None)
    if partner is not None and partner.country_id:
        codes.append(partner.country_id)
    return codes


COOPERATION_RELATED = ("cooperation__forum__parent",)
COOPERATION_PREFETCH = ("cooperation__partners__country",)


def _registry_rows(model: Any, *related: str, prefetch: Iterable[str] = ()) -> Any:
    def rows() -> QuerySet[Any]:
        return model.objects.select_related("responsible_unit", *related).prefetch_related(*prefetch)

    return rows


def declare() -> None:
    _declare_partners()
    _declare_registry()
    _declare_travel()


def _declare_partners() -> None:
    from mitra.partners import kinds
    from mitra.partners.models import Country, Forum, Institution

    register(
        Country,
        title=lambda c: c.name_id,
        title_en=lambda c: c.name_en,
        fields=("code", "code3"),
        countries=lambda c: [c.code],
        documents=False,
    )
    register(
        Institution,
        title=lambda i: str(i),
        fields=kinds.INSTITUTION.text_fields,
        text=lambda i: [*_country_names(i.country), choice_label(i, "kind")],
        partners=lambda i: [i.pk],
        countries=lambda i: [i.country_id] if i.country_id else [],
        queryset=lambda: Institution.objects.select_related("country"),
    )
    register(
        Forum,
        title=lambda f: f.full_name,
        fields=kinds.FORUM.text_fields,
        text=lambda f: [*_forum_text(f.parent), *_institution_text(f.organisation)],
        scope=lambda f: f.scope,
        partners=lambda f: [f.organisation_id] if f.organisation_id else [],
        countries=lambda f: [c.pk for c in f.member_countries.all()],
        queryset=lambda: Forum.objects.select_related("parent", "organisation__country").prefetch_related(
            "member_countries"
        ),
    )


def _declare_registry() -> None:
    from mitra.cooperation import kinds
    from mitra.cooperation.models import (
        AgendaItem,
        Agreement,
        Cooperation,
        Deliverable,
        FollowUp,
        Meeting,
        OutreachEvent,
        PositionPaper,
        Publication,
        Study,
    )

    unit = lambda r: r.responsible_unit_id  # noqa: E731
    register(
        Cooperation,
        title=lambda c: c.title,
        title_en=lambda c: c.title_en,
        fields=kinds.COOPERATION.text_fields,
        text=lambda c: [
            *_forum_text(c.forum),
            *(t for p in _partners(c) for t in _institution_text(p)),
            *(s.name_id + " " + s.name_en for s in c.sectors.all()),
            choice_label(c, "scope"),
            choice_label(c, "stage"),
        ],
        date=lambda c: c.stage_since,
        scope=lambda c: c.scope,
        unit=unit,
        partners=lambda c: [p.pk for p in _partners(c)],
        countries=lambda c: [p.country_id for p in _partners(c) if p.country_id],
        queryset=lambda: Cooperation.objects.select_related("responsible_unit", "forum__parent").prefetch_related(
            "partners__country", "sectors"
        ),
    )
    register(
        Agreement,
        title=lambda a: a.title,
        title_en=lambda a: a.title_en,
        fields=kinds.AGREEMENT.text_fields,
        text=lambda a: [choice_label(a, "kind"), *_cooperation_text(a.cooperation)],
        date=lambda a: a.date_signed,
        scope=_scope,
        unit=unit,
        partners=_partner_ids,
        countries=_country_codes,
        queryset=_registry_rows(Agreement, *COOPERATION_RELATED, prefetch=COOPERATION_PREFETCH),
    )
    register(
        PositionPaper,
        title=lambda p: p.title,
        fields=kinds.POSITION_PAPER.text_fields,
        text=lambda p: [*_forum_text(p.forum), *_cooperation_text(p.cooperation), _label(p.meeting)],
        year=lambda p: p.year,
        scope=_scope,
        unit=unit,
        partners=_partner_ids,
        countries=_country_codes,
        queryset=_registry_rows(
            PositionPaper, "forum__parent", "meeting", *COOPERATION_RELATED, prefetch=COOPERATION_PREFETCH
        ),
    )
    register(
        Study,
        title=lambda s: s.title,
        fields=kinds.STUDY.text_fields,
        year=lambda s: s.year,
        text=lambda s: [
            choice_label(s, "kind"),
            *_forum_text(s.forum),
            *_institution_text(s.partner),
            *_cooperation_text(s.cooperation),
        ],
        scope=_scope,
        unit=unit,
        partners=_partner_ids,
        countries=_country_codes,
        queryset=_registry_rows(
            Study, "forum__parent", "partner__country", *COOPERATION_RELATED, prefetch=COOPERATION_PREFETCH
        ),
    )
    register(
        Meeting,
        title=lambda m: m.title,
        fields=kinds.MEETING.text_fields,
        text=lambda m: [*_forum_text(m.forum), *_country_names(m.country), *_cooperation_text(m.cooperation)],
        date=lambda m: m.start_date,
        scope=_scope,
        unit=unit,
        partners=_partner_ids,
        countries=lambda m: [m.country_id, *_country_codes(m)],
        queryset=_registry_rows(
            Meeting, "forum__parent", "country", *COOPERATION_RELATED, prefetch=COOPERATION_PREFETCH
        ),
    )
    register(
        FollowUp,
        title=lambda f: str(f),
        fields=kinds.FOLLOW_UP.text_fields,
        text=lambda f: [_label(f.meeting), *_cooperation_text(f.cooperation)],
        date=lambda f: f.due_date,
        scope=_scope,
        unit=unit,
        partners=_partner_ids,
        countries=_country_codes,
        queryset=_registry_rows(FollowUp, "meeting", *COOPERATION_RELATED, prefetch=COOPERATION_PREFETCH),
    )
    register(
        OutreachEvent,
        title=lambda o: o.title,
        fields=kinds.OUTREACH.text_fields,
        text=lambda o: [choice_label(o, "kind"), *_forum_text(o.forum), *_cooperation_text(o.cooperation)],
        date=lambda o: o.date,
        scope=_scope,
        unit=unit,
        partners=_partner_ids,
        countries=_country_codes,
        queryset=_registry_rows(OutreachEvent, "forum__parent", *COOPERATION_RELATED, prefetch=COOPERATION_PREFETCH),
    )
    register(
        Deliverable,
        title=lambda d: d.title,
        fields=kinds.DELIVERABLE.text_fields,
        text=lambda d: [d.agreement.title, choice_label(d, "status")],
        date=lambda d: d.due_date,
        unit=unit,
        queryset=_registry_rows(Deliverable, "agreement"),
    )
    register(
        AgendaItem,
        title=lambda a: a.title,
        fields=kinds.AGENDA_ITEM.text_fields,
        text=lambda a: [choice_label(a, "kind"), _label(a.meeting)],
        date=lambda a: a.response_deadline,
        unit=unit,
        queryset=_registry_rows(AgendaItem, "meeting"),
    )
    register(
        Publication,
        title=lambda p: str(p),
        fields=kinds.PUBLICATION.text_fields,
        date=lambda p: p.date,
        unit=unit,
        queryset=_registry_rows(Publication),
    )


def _declare_travel() -> None:
    from mitra.travel.models import TravelRequest

    def visible(user: Any) -> QuerySet[Any] | None:
        from mitra.travel.selectors import visible_requests

        return None if user.has_perm("travel.view_all") else visible_requests(user)

    register(
        TravelRequest,
        title=lambda t: str(t),
        fields=("purpose", "destination_city"),
        text=lambda t: [
            _without_demo_mark(t.notes),
            *_country_names(t.destination_country),
            *_institution_text(t.partner),
            _label(t.meeting),
            *(str(traveller) for traveller in t.travellers.all()),
        ],
        date=lambda t: t.departure_date,
        scope=lambda t: "bilateral" if t.partner_id else None,
        unit=lambda t: t.requesting_unit_id,
        partners=lambda t: [t.partner_id] if t.partner_id else [],
        countries=lambda t: [t.destination_country_id],
        queryset=lambda: TravelRequest.objects.select_related(
            "requesting_unit", "destination_country", "partner__country", "meeting"
        ).prefetch_related("travellers__staff_member"),
        visible_to=visible,
        weight=0.5,
    )
