"""The kinds of registry record, each declared once: its fields give the form, the detail page, the API serializer
(mitra/api/v1/cooperation.py), the services' whitelist and the text search reads (mitra/search/declarations.py);
its columns give the list and the CSV/XLSX export. See core/crud.py (`RecordKind`)."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.core.crud import Column, RecordKind
from mitra.documents.selectors import documents_for

from . import filters, forms, selectors, services
from .models import (
    PAPER_TRANSITIONS,
    STAGE_TRANSITIONS,
    AgendaItem,
    Agreement,
    Cooperation,
    Deliverable,
    FollowUp,
    Meeting,
    OutreachEvent,
    PaperStatus,
    PositionPaper,
    Publication,
    Stage,
    StepKind,
    Study,
)

TEXT = django_forms.Textarea(attrs={"rows": 3})
ILLUSTRATIVE = "is_illustrative"


def _common(
    name: str,
    prefix: str,
    model: Any,
    fields: tuple[str, ...],
    columns: list[Column],
    queryset: Any,
    filterset: Any,
    **extra: Any,
) -> RecordKind:
    extra.setdefault("form_base", forms.RegistryForm)
    return RecordKind(
        namespace="cooperation",
        name=name,
        url_prefix=prefix,
        model=model,
        fields=fields,
        columns=columns,
        queryset=queryset,
        filterset_class=filterset,
        create=services.create,
        update=services.update,
        delete=services.delete,
        documents=documents_for,
        **extra,
    )


def _cooperation_context(record: Cooperation, request: HttpRequest) -> dict[str, Any]:
    return {
        "agreements": record.agreements.all(),
        "position_papers": record.position_papers.all(),
        "meetings": record.meetings.select_related("country").all(),
        "follow_ups": record.follow_ups.all(),
        "stage_changes": record.stage_changes.select_related("changed_by").all(),
        "referred_by": record.referred_by.all(),
        "next_stages": [Stage(s).label for s in sorted(STAGE_TRANSITIONS.get(record.stage, set()))],
    }


def _meeting_context(record: Meeting, request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "delegation": record.delegation.select_related("staff_member").all(),
        "follow_ups": record.follow_ups.select_related("responsible_unit").all(),
        "papers": record.position_papers_for.all(),
        "agenda_items": selectors.agenda_items().filter(meeting=record),
        "delegation_form": forms.DelegationMemberForm(),
        "decision_form": forms.DecisionForm(meeting=record, user=request.user),  # type: ignore[arg-type]
        "report_overdue": not record.report_submitted_on and record.report_due < today,
        "can_briefing": request.user.has_perm("reports.view"),  # the briefing book's own permission
        "today": today,
    }


def _paper_context(record: PositionPaper, request: HttpRequest) -> dict[str, Any]:
    user = request.user
    moves = [
        (status, PaperStatus(status).label)
        for status in PAPER_TRANSITIONS.get(record.status, ())
        if user.has_perm(services.PAPER_PERMS[status], record)
    ]
    return {"moves": moves, "paper_form": forms.PaperStatusForm()}


def _agenda_context(record: AgendaItem, request: HttpRequest) -> dict[str, Any]:
    user = request.user
    assignments = list(record.assignments.select_related("unit", "answered_by").all())
    return {
        "assignments": [(a, user.has_perm("cooperation.answer_assignment", a)) for a in assignments],
        "assign_form": forms.AssignForm(item=record),
        "today": timezone.localdate(),
    }


def _agreement_context(record: Agreement, request: HttpRequest) -> dict[str, Any]:
    steps = list(record.steps.select_related("recorded_by").all())
    today = timezone.localdate()
    deliverables = list(record.deliverables.select_related("owner", "responsible_unit").all())
    return {
        "amendments": record.amendments.all(),
        "steps": steps,
        "next_steps": [(kind, StepKind(kind).label) for kind in services.allowed_steps(record)],
        "needs_foreign_ministry": services.needs_foreign_ministry(record),
        "consulted": any(step.kind == StepKind.CONSULTATION for step in steps),
        "implementing_arrangements": record.implementing_arrangements.all(),
        "deliverables": deliverables,
        "deliverable_summary": selectors.deliverable_summary(deliverables, today),
        "today": today,
    }


COOPERATION = _common(
    "cooperation",
    "daftar",
    Cooperation,
    (
        "title",
        "title_en",
        "scope",
        "partners",
        "forum",
        "responsible_unit",
        "sectors",
        "is_binding",
        "development_cooperation",
        "related",
        "stage",
        "stage_since",
        "notes",
        ILLUSTRATIVE,
    ),
    [
        Column(_("Title"), "title", link=True, sort="title"),
        Column(_("Scope"), "scope", sort="scope"),
        Column(_("Partners / forum"), lambda c: ", ".join(str(p) for p in c.partners.all()) or c.forum),
        Column(_("Stage"), "stage", sort="stage"),
        Column(_("Unit"), "responsible_unit.short_name"),
        Column(_("Sectors"), "sectors"),
    ],
    selectors.cooperations,
    filters.CooperationFilter,
    form_base=forms.CooperationForm,
    widgets={"notes": TEXT},
    detail_template="cooperation/cooperation_detail.html",
    detail_context=_cooperation_context,
)
AGREEMENT = _common(
    "agreement",
    "perjanjian",
    Agreement,
    (
        "cooperation",
        "kind",
        "number",
        "title",
        "title_en",
        "counterpart",
        "signatory_bpom",
        "signatory_partner",
        "place_signed",
        "date_signed",
        "entry_into_force",
        "end_date",
        "duration_months",
        "notice_period_days",
        "automatic_renewal",
        "amends",
        "parent",
        "responsible_unit",
        "notes",
        ILLUSTRATIVE,
    ),
    [
        Column(_("Title"), "title", link=True, sort="title"),
        Column(_("Type"), "kind", sort="kind"),
        Column(_("Number"), "number"),
        Column(_("Cooperation"), "cooperation"),
        Column(_("Signed"), "date_signed", sort="date_signed"),
        Column(_("Ends"), "expires_on"),
        Column(_("Current step"), "current_step", sort="current_step"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.agreements,
    filters.AgreementFilter,
    widgets={"notes": TEXT},
    computed=("expires_on", "notice_date", "current_step", "current_step_on"),
    default_ordering=["-date_signed", "pk"],
    detail_template="cooperation/agreement_detail.html",
    detail_context=_agreement_context,
    initial_from_query=("cooperation", "amends", "parent"),
)
POSITION_PAPER = _common(
    "positionpaper",
    "posisi",
    PositionPaper,
    (
        "title",
        "year",
        "cooperation",
        "forum",
        "meeting",
        "responsible_unit",
        "summary",
        "notes",
        ILLUSTRATIVE,
    ),
    [
        Column(_("Title"), "title", link=True, sort="title"),
        Column(_("Year"), "year", sort="year"),
        Column(_("Cooperation"), "cooperation"),
        Column(_("Forum"), "forum"),
        Column(_("Status"), "status"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.position_papers,
    filters.PositionPaperFilter,
    widgets={"summary": TEXT, "notes": TEXT},
    default_ordering=["-year", "title"],
    initial_from_query=("cooperation", "forum", "meeting"),
    computed=("workflow_status",),
    detail_template="cooperation/positionpaper_detail.html",
    detail_context=_paper_context,
)
STUDY = _common(
    "study",
    "kajian",
    Study,
    (
        "kind",
        "title",
        "topic",
        "year",
        "cooperation",
        "forum",
        "partner",
        "responsible_unit",
        "summary",
        "notes",
        ILLUSTRATIVE,
    ),
    [
        Column(_("Title"), "title", link=True, sort="title"),
        Column(_("Kind"), "kind"),
        Column(_("Year"), "year", sort="year"),
        Column(_("Topic"), "topic"),
        Column(_("Cooperation"), "cooperation"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.studies,
    filters.StudyFilter,
    widgets={"summary": TEXT, "notes": TEXT},
    default_ordering=["-year", "title"],
    initial_from_query=("cooperation", "forum", "partner"),
)
MEETING = _common(
    "meeting",
    "pertemuan",
    Meeting,
    (
        "title",
        "forum",
        "cooperation",
        "start_date",
        "end_date",
        "city",
        "country",
        "mode",
        "active_participation",
        "participation_note",
        "position_paper",
        "responsible_unit",
        "talking_points",
        "outcome",
        "report_submitted_on",
        "notes",
        ILLUSTRATIVE,
    ),
    [
        Column(_("Title"), "title", link=True, sort="title"),
        Column(_("Start"), "start_date", sort="start_date"),
        Column(_("Place"), lambda m: f"{m.city}, {m.country}" if m.city else m.country),
        Column(_("Forum / cooperation"), lambda m: m.forum or m.cooperation),
        Column(_("Active participation"), "active_participation"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.meetings,
    filters.MeetingFilter,
    widgets={"outcome": TEXT, "notes": TEXT, "talking_points": TEXT},
    default_ordering=["-start_date", "pk"],
    detail_template="cooperation/meeting_detail.html",
    detail_context=_meeting_context,
    initial_from_query=("forum", "cooperation"),
)
FOLLOW_UP = _common(
    "followup",
    "tindak-lanjut",
    FollowUp,
    (
        "description",
        "meeting",
        "cooperation",
        "responsible_unit",
        "owner_person",
        "due_date",
        "status",
        "completed_on",
        "evidence",
        "notes",
    ),
    [
        Column(_("Action"), "description", link=True),
        Column(_("Due"), "due_date", sort="due_date"),
        Column(_("Status"), "status", sort="status"),
        Column(_("Meeting"), "meeting"),
        Column(_("Unit"), "responsible_unit.short_name"),
        Column(_("Person"), "owner_person"),
    ],
    selectors.follow_ups,
    filters.FollowUpFilter,
    widgets={"description": TEXT, "evidence": TEXT, "notes": TEXT},
    excluded={ILLUSTRATIVE: "not offered for follow-ups; the demo says in their notes which are illustrative"},
    default_ordering=["due_date", "pk"],
    detail_template="cooperation/followup_detail.html",
    initial_from_query=("meeting", "cooperation"),
)
OUTREACH = _common(
    "outreachevent",
    "sosialisasi",
    OutreachEvent,
    (
        "kind",
        "title",
        "date",
        "topic",
        "audience",
        "participants",
        "cooperation",
        "forum",
        "responsible_unit",
        "notes",
        ILLUSTRATIVE,
    ),
    [
        Column(_("Title"), "title", link=True, sort="title"),
        Column(_("Kind"), "kind"),
        Column(_("Date"), "date", sort="date"),
        Column(_("Audience"), "audience"),
        Column(_("Participants"), "participants"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.outreach_events,
    filters.OutreachEventFilter,
    widgets={"notes": TEXT},
    default_ordering=["-date", "pk"],
    initial_from_query=("cooperation", "forum"),
)
PUBLICATION = _common(
    "publication",
    "publikasi",
    Publication,
    ("series", "edition", "date", "copies", "distribution", "responsible_unit", "notes", ILLUSTRATIVE),
    [
        Column(_("Publication"), "series", link=True, sort="series"),
        Column(_("Edition"), "edition"),
        Column(_("Date"), "date", sort="date"),
        Column(_("Copies"), "copies"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.publications,
    filters.PublicationFilter,
    widgets={"distribution": TEXT, "notes": TEXT},
    search_fields=("distribution", "notes"),  # series and edition are the search title already
    default_ordering=["-date", "pk"],
)

DELIVERABLE = _common(
    "deliverable",
    "luaran",
    Deliverable,
    (
        "agreement",
        "title",
        "responsible_unit",
        "owner",
        "due_date",
        "status",
        "completed_on",
        "evidence",
        "notes",
    ),
    [
        Column(_("Deliverable"), "title", link=True, sort="title"),
        Column(_("Agreement"), "agreement"),
        Column(_("Due"), "due_date", sort="due_date"),
        Column(_("Status"), "status", sort="status"),
        Column(_("Owner"), "owner"),
        Column(_("Completed"), "completed_on"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.deliverables,
    filters.DeliverableFilter,
    form_base=forms.DeliverableForm,
    widgets={"evidence": TEXT, "notes": TEXT},
    excluded={ILLUSTRATIVE: "not offered for deliverables; the demo says in their notes which are illustrative"},
    default_ordering=["due_date", "pk"],
    initial_from_query=("agreement",),
)

AGENDA_ITEM = _common(
    "agendaitem",
    "agenda",
    AgendaItem,
    (
        "kind",
        "meeting",
        "number",
        "title",
        "description",
        "source",
        "reference",
        "external_deadline",
        "response_deadline",
        "responsible_unit",
        "notes",
    ),
    [
        Column(_("Title"), "title", link=True, sort="title"),
        Column(_("Kind"), "kind"),
        Column(_("Meeting"), "meeting"),
        Column(_("Source"), "source"),
        Column(_("Reference"), "reference"),
        Column(_("Partner's deadline"), "external_deadline", sort="external_deadline"),
        Column(_("Units answer by"), "response_deadline", sort="response_deadline"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.agenda_items,
    filters.AgendaItemFilter,
    form_base=forms.AgendaItemForm,
    widgets={"description": TEXT, "notes": TEXT},
    excluded={ILLUSTRATIVE: "not offered for agenda items and requests"},
    default_ordering=["response_deadline", "pk"],
    detail_template="cooperation/agendaitem_detail.html",
    detail_context=_agenda_context,
    initial_from_query=("meeting",),
)

KINDS = [
    COOPERATION,
    AGREEMENT,
    POSITION_PAPER,
    STUDY,
    MEETING,
    FOLLOW_UP,
    OUTREACH,
    PUBLICATION,
    DELIVERABLE,
    AGENDA_ITEM,
]
BY_MODEL = {kind.model: kind for kind in KINDS}
