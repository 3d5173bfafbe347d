"""The briefing book of a meeting (a forum's session abroad, or a partner's delegation visiting BPOM), compiled from
the records as a report (model.py), so the DOCX and PDF renderers draw it like the LAKIP.

Sections: the forum's or partner's profile, the history (earlier meetings of the same forum or cooperation), the
agreements and their status, the open follow-up actions, the positions taken, the agenda items with the units'
answers, the contacts, the talking points, and the delegation (the meeting's delegation and the travellers of the
trips to this meeting). The reads are a fixed number of queries whatever the data (tests pin them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mitra.cooperation import selectors as registry
from mitra.cooperation.models import (
    Agreement,
    Assignment,
    Cooperation,
    DelegationMember,
    FollowUp,
    Meeting,
    PositionPaper,
)
from mitra.core import formatting
from mitra.partners.models import Contact, Institution
from mitra.travel.models import Traveller, TravelStatus

from .model import Cell, Paragraph, Report, Section, Styled, Table

ORGANISATION = "Badan Pengawas Obat dan Makanan"
HISTORY_LIMIT = 10

# The keys of the sections, in order (the tests and the user guide name them).
SECTION_KEYS = (
    "profile",
    "history",
    "agreements",
    "follow_ups",
    "positions",
    "agenda",
    "contacts",
    "talking_points",
    "delegation",
)


def _date(value: dt.date | None) -> str:
    return formatting.date(value) if value else "–"


def _text(value: Any) -> str:
    return str(value) if value not in (None, "") else "–"


def _table(key: str, caption: str, header: list[str], rows: list[list[Any]], widths: list[float]) -> Table:
    return Table(key, caption, header, [[Cell(_text(v)) for v in row] for row in rows], widths)


def _none() -> Paragraph:
    return Paragraph([Styled(_("Nothing recorded."), italic=True)])


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph([line.strip()]) for line in text.splitlines() if line.strip()]


def _subject(meeting: Meeting) -> Q:
    """Which records share the meeting's subject: those of its forum or of its cooperation."""
    subject = Q(pk__in=[])
    if meeting.forum_id:
        subject |= Q(forum_id=meeting.forum_id)
    if meeting.cooperation_id:
        subject |= Q(cooperation_id=meeting.cooperation_id)
    return subject


def build_briefing(meeting: Meeting, language: str) -> Report:
    with translation.override(language):
        return _build(meeting, language)


def _build(meeting: Meeting, language: str) -> Report:
    meeting = registry.meetings().get(pk=meeting.pk)
    subject = _subject(meeting)
    forum = meeting.forum
    cooperation = (
        Cooperation.objects.prefetch_related("partners__country").get(pk=meeting.cooperation_id)
        if meeting.cooperation_id
        else None
    )
    partners: list[Institution] = list(cooperation.partners.all()) if cooperation else []
    sections = [
        _profile(meeting, forum, cooperation, partners),
        _history(meeting, subject),
        _agreements(meeting, cooperation),
        _follow_ups(meeting, subject),
        _positions(meeting, subject),
        _agenda(meeting),
        _contacts(forum, partners),
        _talking_points(meeting),
        _delegation(meeting),
    ]
    place = ", ".join(p for p in (meeting.city, str(meeting.country)) if p)
    dates = _date(meeting.start_date) + (
        "" if meeting.end_date == meeting.start_date else f" – {_date(meeting.end_date)}"
    )
    return Report(
        kind="briefing",
        title=_("Briefing book"),
        subtitle=f"{meeting.title}\n{place} · {dates}",
        year=meeting.start_date.year,
        language=language,
        organisation=ORGANISATION,
        sections=sections,
        figures={},
        meta={"meeting": meeting.pk, "compiled": timezone.localdate().isoformat()},
    )


def _profile(meeting: Meeting, forum: Any, cooperation: Cooperation | None, partners: list[Institution]) -> Section:
    section = Section("profile", _("Profile of the forum or partner"))
    rows: list[list[Any]] = []
    if forum is not None:
        rows += [
            [_("Forum"), forum.name + (f" ({forum.acronym})" if forum.acronym else "")],
            [_("Scope"), forum.get_scope_display()],
        ]
        if forum.parent_id:
            rows.append([_("Part of"), str(forum.parent)])
        if forum.organisation_id:
            rows.append([_("Organisation"), str(forum.organisation)])
        if forum.website:
            rows.append([_("Website"), forum.website])
    if cooperation is not None:
        rows += [
            [_("Cooperation"), cooperation.title],
            [_("Scope"), cooperation.get_scope_display()],
            [_("Stage"), f"{cooperation.get_stage_display()} ({_('since')} {_date(cooperation.stage_since)})"],
        ]
    for partner in partners:
        rows.append(
            [
                _("Partner"),
                f"{partner} — {partner.get_kind_display()}" + (f", {partner.country}" if partner.country_id else ""),
            ]
        )
    rows.append([_("Unit responsible in BPOM"), str(meeting.responsible_unit)])
    section.add(_table("profile", _("Profile"), [_("Item"), _("Description")], rows, [30, 70]))
    notes = "\n".join(n for n in (getattr(forum, "notes", ""), *(p.notes for p in partners)) if n)
    section.add(*_paragraphs(notes))
    return section


def _history(meeting: Meeting, subject: Q) -> Section:
    section = Section("history", _("History: earlier meetings"))
    earlier = list(
        registry.meetings()
        .filter(subject, start_date__lt=meeting.start_date)
        .exclude(pk=meeting.pk)
        .order_by("-start_date", "pk")[:HISTORY_LIMIT]
    )
    if not earlier:
        return section.add(_none())
    rows = [
        [
            _date(m.start_date),
            m.title,
            ", ".join(p for p in (m.city, str(m.country)) if p),
            _("yes") if m.active_participation else _("no"),
            m.outcome,
        ]
        for m in earlier
    ]
    return section.add(
        _table(
            "history",
            _("Earlier meetings"),
            [_("Date"), _("Meeting"), _("Place"), _("Active participation"), _("Outcome")],
            rows,
            [12, 30, 16, 10, 32],
        )
    )


def _agreements(meeting: Meeting, cooperation: Cooperation | None) -> Section:
    section = Section("agreements", _("Agreements and their status"))
    where = Q(pk__in=[])
    if cooperation is not None:
        where |= Q(cooperation=cooperation)
    if meeting.forum_id:
        where |= Q(cooperation__forum_id=meeting.forum_id)
    rows_qs: list[Agreement] = list(registry.agreements().filter(where).order_by("-date_signed", "pk"))
    if not rows_qs:
        return section.add(_none())
    rows = [
        [
            a.title,
            a.get_kind_display(),
            _date(a.date_signed),
            a.get_current_step_display() if a.current_step else "–",
            _date(a.expires_on),
        ]
        for a in rows_qs
    ]
    return section.add(
        _table(
            "agreements",
            _("Agreements"),
            [_("Agreement"), _("Type"), _("Signed"), _("Current step"), _("Ends on")],
            rows,
            [40, 14, 14, 18, 14],
        )
    )


def _follow_ups(meeting: Meeting, subject: Q) -> Section:
    section = Section("follow_ups", _("Open follow-up actions"))
    where = (
        Q(cooperation_id=meeting.cooperation_id) | Q(meeting__cooperation_id=meeting.cooperation_id)
        if meeting.cooperation_id
        else Q(pk__in=[])
    )
    if meeting.forum_id:
        where |= Q(meeting__forum_id=meeting.forum_id) | Q(cooperation__forum_id=meeting.forum_id)
    open_ones: list[FollowUp] = list(
        registry.follow_ups().filter(where, status__in=registry.OPEN_FOLLOW_UP).order_by("due_date", "pk")
    )
    if not open_ones:
        return section.add(_none())
    today = timezone.localdate()
    rows = [
        [
            f.description,
            str(f.meeting) if f.meeting_id else "–",
            f.responsible_unit.short_name or f.responsible_unit.name,
            _date(f.due_date) + (f" ({_('overdue')})" if f.due_date < today else ""),
            f.get_status_display(),
        ]
        for f in open_ones
    ]
    return section.add(
        _table(
            "follow_ups",
            _("Open follow-up actions"),
            [_("Action"), _("Meeting"), _("Unit"), _("Due"), _("Status")],
            rows,
            [38, 22, 14, 14, 12],
        )
    )


def _positions(meeting: Meeting, subject: Q) -> Section:
    section = Section("positions", _("Positions taken"))
    where = subject | Q(meeting=meeting)
    papers: list[PositionPaper] = list(
        PositionPaper.objects.filter(where).select_related("approved_by").order_by("-year", "title")
    )
    if not papers:
        return section.add(_none())
    rows = [[str(p.year), p.title, p.get_status_display(), p.summary] for p in papers]
    return section.add(
        _table(
            "positions",
            _("Position papers"),
            [_("Year"), _("Title"), _("Status"), _("Position taken")],
            rows,
            [8, 32, 12, 48],
        )
    )


def _agenda(meeting: Meeting) -> Section:
    section = Section("agenda", _("Agenda items and the units' answers"))
    assignments: list[Assignment] = list(
        Assignment.objects.filter(item__meeting=meeting, item__deleted_at__isnull=True)
        .select_related("item", "unit")
        .order_by("item__number", "item__title", "item_id", "unit__path")
    )
    unassigned = list(
        registry.agenda_items().filter(meeting=meeting, assignments__isnull=True).order_by("number", "title", "pk")
    )
    if not assignments and not unassigned:
        return section.add(_none())
    rows = [[str(a.item), a.unit.short_name or a.unit.name, a.answer or _("(no answer yet)")] for a in assignments] + [
        [str(item), "–", _("(no unit asked)")] for item in unassigned
    ]
    return section.add(
        _table("agenda", _("Agenda items"), [_("Agenda item"), _("Unit"), _("Answer")], rows, [30, 16, 54])
    )


def _contacts(forum: Any, partners: list[Institution]) -> Section:
    section = Section("contacts", _("Contacts"))
    where = Q(pk__in=[])
    if forum is not None:
        where |= Q(forum=forum)
    if partners:
        where |= Q(institution__in=partners)
    contacts = list(
        Contact.objects.filter(where, is_current=True).select_related("institution", "forum").order_by("name")
    )
    if not contacts:
        return section.add(_none())
    rows = [[c.name, c.role, str(c.institution or c.forum or ""), c.email, c.phone] for c in contacts]
    return section.add(
        _table(
            "contacts",
            _("Contact persons"),
            [_("Name"), _("Role"), _("Institution or forum"), _("E-mail"), _("Phone")],
            rows,
            [22, 22, 24, 20, 12],
        )
    )


def _talking_points(meeting: Meeting) -> Section:
    section = Section("talking_points", _("Talking points"))
    blocks = _paragraphs(meeting.talking_points)
    paper = meeting.position_paper
    if paper is not None and paper.summary:
        blocks.append(Paragraph([Styled(_("Position (from the position paper): "), bold=True), paper.summary]))
    return section.add(*(blocks or [_none()]))


def _delegation(meeting: Meeting) -> Section:
    section = Section("delegation", _("The delegation"))
    members: list[DelegationMember] = list(meeting.delegation.select_related("staff_member__unit").all())
    travellers: list[Traveller] = list(
        Traveller.objects.filter(request__meeting=meeting, request__deleted_at__isnull=True)
        .exclude(request__status=TravelStatus.CANCELLED)
        .select_related("staff_member__unit", "request")
        .order_by("staff_member__full_name")
    )
    listed = {m.staff_member_id for m in members if m.staff_member_id}
    rows = [[m.name, m.get_role_display(), m.unit_name or "–", _("Delegation")] for m in members]
    rows += [
        [
            t.staff_member.full_name,
            _("Traveller"),
            str(t.staff_member.unit) if t.staff_member.unit_id else "–",
            _("Travel request (%(status)s)") % {"status": t.request.get_status_display()},
        ]
        for t in travellers
        if t.staff_member_id not in listed
    ]
    if not rows:
        return section.add(_none())
    return section.add(
        _table(
            "delegation",
            _("The delegation"),
            [_("Name"), _("Role"), _("Unit"), _("Recorded as")],
            rows,
            [30, 20, 30, 20],
        )
    )


def filename(meeting: Meeting, fmt: str) -> str:
    return f"buku-briefing-{meeting.pk}-{meeting.start_date.isoformat()}.{fmt}"
