"""Loads the 2017 registry (registry_2017.py) through the services; idempotent like every demo loader."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import models, transaction

from mitra.cooperation import services as registry
from mitra.cooperation.models import (
    AgendaItem,
    Agreement,
    Cooperation,
    Deliverable,
    EffectivenessRule,
    FollowUp,
    Meeting,
    OutreachEvent,
    PositionPaper,
    Publication,
    Sector,
    Study,
)
from mitra.cooperation.reference import SECTORS
from mitra.core.models import OrganisationUnit, StaffMember, User
from mitra.partners import services as partners
from mitra.partners.models import Contact, Country, Forum, Institution
from mitra.partners.reference import load_countries

from . import registry_2017 as data
from .lookup import existing

ILLUSTRATIVE = "Illustrative: the 2017 report does not give this detail."
YEAR = 2017
M = TypeVar("M", bound=models.Model)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _upsert(
    model: type[M],
    lookup: dict[str, Any],
    data: dict[str, Any],
    create: Any,
    counter: dict[str, int],
    kind: str,
) -> M:
    """The record with this natural key if one exists (left as it is), else a new one with the demo's content."""
    found = existing(model, **lookup)
    if found is not None:
        return found
    counter[kind] = counter.get(kind, 0) + 1
    return create(actor=None, model=model, data={**lookup, **data}, system=True)


def _counterpart(cooperation: Cooperation, signatory: str) -> Institution | None:
    """The partner of the cooperation whose name or acronym the partner's signatory names."""
    for partner in cooperation.partners.all():
        if partner.name in signatory or (partner.acronym and partner.acronym in signatory.split(", ")[-1]):
            return partner
    return None


def _agreement_history(agreement: Agreement, place: str) -> int:
    """A plausible lifecycle (UU 24/2000) for a demo agreement that has none yet: signed ones end in force, drafts
    in their first negotiation round. An agreement with any step recorded is left as it is."""
    if agreement.steps.exists():
        return 0
    consult = registry.needs_foreign_ministry(agreement)
    signed = agreement.date_signed
    steps: list[tuple[str, dt.date, dict[str, str]]]
    if signed is None:
        steps = [
            ("initiative", day("2017-02-01"), {"decided_by": "Kepala Biro Kerja Sama Luar Negeri"}),
            ("exploration", day("2017-03-15"), {}),
            ("consultation", day("2017-05-10"), {"reference": "Surat Kemlu (ilustratif)"}),
            ("negotiation", day("2017-09-20"), {"draft_version": "v1", "comments_bpom": "Draf awal dari Badan POM."}),
        ]
    else:
        back = dt.timedelta
        steps = [
            ("initiative", signed - back(days=300), {"decided_by": "Kepala Biro Kerja Sama Luar Negeri"}),
            ("exploration", signed - back(days=240), {}),
        ]
        if consult:
            steps.append(("consultation", signed - back(days=180), {"reference": "Surat Kemlu (ilustratif)"}))
        steps += [
            (
                "negotiation",
                signed - back(days=150),
                {"draft_version": "v1", "comments_bpom": "Draf awal dari Badan POM."},
            ),
            (
                "negotiation",
                signed - back(days=90),
                {"draft_version": "v2", "comments_partner": "Tanggapan mitra atas draf v1."},
            ),
            ("legal_review", signed - back(days=45), {"decided_by": "Biro Hukum dan Organisasi"}),
        ]
        if consult and place and place != "Jakarta":
            steps.append(("full_powers", signed - back(days=14), {"decided_by": "Menteri Luar Negeri"}))
        steps += [
            ("signing", signed, {"decided_by": agreement.signatory_bpom or "Kepala Badan POM"}),
            ("in_force", agreement.entry_into_force or signed, {}),
        ]
    for kind, date, extra in steps:
        registry.record_step(
            actor=None,
            agreement=agreement,
            data={"kind": kind, "date": date, "note": ILLUSTRATIVE, **extra},
            expected_version=None,
            system=True,
        )
    return len(steps)


@transaction.atomic
def load_registry() -> dict[str, int]:
    created: dict[str, int] = {
        "institutions": 0,
        "forums": 0,
        "cooperations": 0,
        "agreements": 0,
        "position papers": 0,
        "meetings": 0,
        "studies": 0,
        "outreach events": 0,
        "newsletter editions": 0,
        "follow-ups": 0,
    }
    # Reference data comes with the migrations; load it again if a test emptied the database.
    load_countries(Country)  # inserts only the missing ones
    for order, (code, name_id, name_en) in enumerate(SECTORS):  # only the missing ones: an edited sector stays
        Sector.objects.get_or_create(code=code, defaults={"name_id": name_id, "name_en": name_en, "order": order})
    units = {u.code: u for u in OrganisationUnit.objects.all()}
    countries = {c.code: c for c in Country.objects.all()}

    institutions: dict[str, Institution] = {}
    for key, (name, name_id, acronym, kind, country, illustrative) in data.INSTITUTIONS.items():
        institutions[key] = _upsert(
            Institution,
            {"acronym": acronym},
            {
                "name": name,
                "name_id": name_id,
                "kind": kind,
                "country": countries.get(country),
                "is_illustrative": illustrative,
                "notes": ILLUSTRATIVE if illustrative else "",
            },
            partners.create,
            created,
            "institutions",
        )

    forums: dict[str, Forum] = {}
    for key, (name, acronym, parent, scope, organisation, members) in data.FORUMS.items():
        forums[key] = _upsert(
            Forum,
            {"acronym": acronym},
            {
                "name": name,
                "parent": forums.get(parent),
                "scope": scope,
                "organisation": institutions.get(organisation),
                "member_countries": [countries[c] for c in members],
            },
            partners.create,
            created,
            "forums",
        )

    sectors = {s.code: s for s in Sector.objects.all()}
    cooperations: dict[str, Cooperation] = {}
    for (
        row,
        title,
        title_en,
        scope,
        partner_keys,
        forum,
        unit,
        _position,
        _participation,
        sector_codes,
        note,
    ) in data.TABLE_6:
        notes = f"LAKIP 2017, Table 6, row {row}." + (f" {note}" if note else "")
        cooperations[str(row)] = _upsert(
            Cooperation,
            {"title": title},
            {
                "title_en": title_en,
                "scope": scope,
                "forum": forums.get(forum),
                "responsible_unit": units[unit],
                "partners": [institutions[k] for k in partner_keys],
                "sectors": [sectors[s] for s in sector_codes],
                "development_cooperation": data.DEVELOPMENT_COOPERATION.get(row, ""),
                "notes": notes,
            },
            _create_cooperation(row),
            created,
            "cooperations",
        )
    for key, (title, title_en, partner, unit) in data.OTHER_COOPERATIONS.items():
        cooperations[key] = _upsert(
            Cooperation,
            {"title": title},
            {
                "title_en": title_en,
                "scope": "bilateral",
                "responsible_unit": units[unit],
                "partners": [institutions[partner]],
                "notes": "Agreement signed in 2017 (chapter III); not a row of Table 6.",
            },
            _create_cooperation(0),
            created,
            "cooperations",
        )

    for coop, kind, title, title_en, signatory, place, signed, months, notice, note in data.AGREEMENTS:
        agreement = _upsert(
            Agreement,
            {"title": title},
            {
                "cooperation": cooperations[coop],
                "counterpart": _counterpart(cooperations[coop], signatory),
                "kind": kind,
                "title_en": title_en,
                "signatory_bpom": "Kepala Badan POM" if signed else "",
                "signatory_partner": signatory,
                "place_signed": place,
                "date_signed": day(signed) if signed else None,
                "entry_into_force": day(signed) if signed else None,
                "duration_months": months,
                "notice_period_days": notice,
                "responsible_unit": cooperations[coop].responsible_unit,
                "is_illustrative": True,
                "notes": " ".join(filter(None, [note, "Dates, places, signatories and terms are illustrative."])),
            },
            registry.create,
            created,
            "agreements",
        )
        created["agreement steps"] = created.get("agreement steps", 0) + _agreement_history(agreement, place)

    meetings: dict[int, Meeting] = {}
    staff = {s.full_name: s for s in StaffMember.objects.all()}
    for row, *_rest, position, participation, _sectors, _note in data.TABLE_6:
        cooperation = cooperations[str(row)]
        if position:
            _upsert(
                PositionPaper,
                {"title": f"Dokumen posisi: {position}", "cooperation": cooperation},
                {
                    "year": YEAR,
                    "forum": cooperation.forum,
                    "status": "approved",
                    "responsible_unit": cooperation.responsible_unit,
                    "notes": f"LAKIP 2017, Table 6, row {row}, position document column: “{position}”.",
                },
                registry.create,
                created,
                "position papers",
            )
        if participation:
            title, start, end, city, country, mode, how = data.MEETINGS[row]
            meetings_before = created["meetings"]
            meeting = _upsert(
                Meeting,
                {"title": title, "cooperation": cooperation},
                {
                    "forum": cooperation.forum,
                    "start_date": day(start),
                    "end_date": day(end),
                    "city": city,
                    "country": countries[country],
                    "mode": mode,
                    "active_participation": True,
                    "participation_note": how,
                    "responsible_unit": cooperation.responsible_unit,
                    "is_illustrative": True,
                    "notes": f"LAKIP 2017, Table 6, row {row}, active participation column: “{participation}”. "
                    f"{ILLUSTRATIVE} (dates, place, delegation)",
                },
                registry.create,
                created,
                "meetings",
            )
            meetings[row] = meeting
            if created["meetings"] > meetings_before:  # a delegation only for a meeting made now
                for index, (name, unit_name, role) in enumerate(data.DELEGATION_POOL[row % 3 : row % 3 + 2]):
                    registry.add_delegation_member(
                        actor=None,
                        meeting=meeting,
                        system=True,
                        data={
                            "name": name,
                            "unit_name": unit_name,
                            "staff_member": staff.get(name),
                            "role": "head" if index == 0 else role,
                        },
                    )

    for title, topic, coop, unit in data.STUDIES:
        _upsert(
            Study,
            {"title": title},
            {
                "kind": "study",
                "topic": topic,
                "year": YEAR,
                "cooperation": cooperations[coop],
                "responsible_unit": units[unit],
                "is_illustrative": True,
                "notes": "Table 5 counts 7 studies in 2017 without naming them; the title is illustrative.",
            },
            registry.create,
            created,
            "studies",
        )

    for kind, title, date, audience, unit, participants, coop in data.OUTREACH:
        _upsert(
            OutreachEvent,
            {"title": title},
            {
                "kind": kind,
                "date": day(date),
                "audience": audience,
                "participants": participants,
                "cooperation": cooperations[coop],
                "responsible_unit": units[unit],
                "is_illustrative": True,
                "notes": "Table 5 counts 15 socialisation/publication/workshop activities (12 events and 3 newsletter "
                "editions here); date, audience and participants are illustrative.",
            },
            registry.create,
            created,
            "outreach events",
        )

    for edition, date in data.NEWSLETTER:
        _upsert(
            Publication,
            {"series": "Drug and Food Control Newsletter", "edition": edition},
            {
                "date": day(date),
                "copies": data.NEWSLETTER_COPIES,
                "distribution": data.NEWSLETTER_DISTRIBUTION,
                "responsible_unit": units["ksln-reg"],
                "is_illustrative": True,
                "notes": "3 editions of 1,500 copies in 2017 (chapter III); dates illustrative.",
            },
            registry.create,
            created,
            "newsletter editions",
        )

    for row, description, unit, due, status, completed in data.FOLLOW_UPS:
        meeting = meetings[row]
        _upsert(
            FollowUp,
            {"description": description},
            {
                "meeting": meeting,
                "cooperation": meeting.cooperation,
                "responsible_unit": units[unit],
                "due_date": day(due),
                "status": status,
                "completed_on": day(completed) if completed else None,
                "notes": ILLUSTRATIVE,
            },
            registry.create,
            created,
            "follow-ups",
        )

    users = {u.username: u for u in User.objects.filter(username__in={d[2] for d in data.DELIVERABLES})}
    for agreement_title, title, owner, due, status, completed in data.DELIVERABLES:
        agreement_found = existing(Agreement, title=agreement_title)
        if agreement_found is None:
            continue
        _upsert(
            Deliverable,
            {"title": title, "agreement": agreement_found},
            {
                "responsible_unit": agreement_found.responsible_unit,
                "owner": users.get(owner),
                "due_date": day(due),
                "status": status,
                "completed_on": day(completed) if completed else None,
                "notes": ILLUSTRATIVE,
            },
            registry.create,
            created,
            "deliverables",
        )

    answerers = {
        u.username: u for u in User.objects.filter(username__in={a[2] for i in data.AGENDA_ITEMS for a in i[9]})
    }
    for meeting_row, number, title, asked, source, reference, external, answer_by, unit, answers in data.AGENDA_ITEMS:
        before = created.get("agenda items and requests", 0)
        item = _upsert(
            AgendaItem,
            {"title": title},
            {
                "kind": "agenda" if meeting_row else "external",
                "meeting": meetings.get(meeting_row) if meeting_row else None,
                "number": number,
                "description": asked,
                "source": source,
                "reference": reference,
                "external_deadline": day(external) if external else None,
                "response_deadline": day(answer_by),
                "responsible_unit": units[unit],
                "notes": ILLUSTRATIVE,
            },
            registry.create,
            created,
            "agenda items and requests",
        )
        if created.get("agenda items and requests", 0) > before:  # units asked and answers only for an item made now
            asked_units = [OrganisationUnit.objects.get(code=code) for code, _answer, _who in answers]
            made = registry.assign_units(actor=None, item=item, units=asked_units, system=True)
            for assignment, (_code, answer, who) in zip(made, answers, strict=True):
                registry.answer_assignment(actor=answerers.get(who), assignment=assignment, answer=answer, system=True)

    for name, role, institution, forum, email in data.CONTACTS:
        _upsert(
            Contact,
            {"name": name},
            {
                "role": role,
                "institution": institutions.get(institution),
                "forum": forums.get(forum),
                "email": email,
                "notes": ILLUSTRATIVE,
            },
            partners.create,
            created,
            "contacts",
        )

    EffectivenessRule.objects.get_or_create(
        year=YEAR,
        defaults={
            "requires_agreement_in_force": False,
            "counts_meetings": True,
            "counts_position_papers": True,
            "counts_follow_ups": False,
            "counts_outreach": False,
            "counts_studies": False,
            "note": "As the 2017 report counted it: Table 5 reports 28 effective cooperations, the same 28 as the "
            "cooperation developments of Table 6, so in 2017 a cooperation counted as effective when it had a "
            "position paper or an active participation, whether or not an agreement was in force. "
            + " ".join(data.DISAGREEMENTS),
        },
    )
    return created


def _create_cooperation(row: int) -> Any:
    """The create function for a cooperation of the demo: its stage in 2017 from the report."""

    def create(*, actor: Any, model: Any, data: dict[str, Any], system: bool) -> Cooperation:
        stage = "negotiation" if row in (1, 2) else "implementation"
        return registry.create(
            actor=actor, model=model, system=system, data={**data, "stage": stage, "stage_since": dt.date(YEAR, 1, 1)}
        )

    return create
