"""The application package for the State Secretariat (SE Mensesneg B-32/M/S/LN.00/12/2024), compiled from a travel
request as DOCX and PDF: the terms of reference (purpose, urgency, each participant's role, costs and benefits,
follow-up plan), the organiser's invitation and agenda, the correspondence with the Indonesian mission, the funding
source with its sponsors, the attached documents, and what the State Secretariat's rules warn about.

Both formats render the same sections (`sections`), so they say the same."""

from __future__ import annotations

import datetime as dt
import html
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from mitra.core import formatting
from mitra.documents.selectors import documents_for

from . import setneg
from .models import FundingSource, TravelRequest


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # first row: the column headings


def _or_missing(text: str) -> str:
    return text.strip() or _("(not filled in)")


def title(request: TravelRequest) -> str:
    return _("Application for official foreign travel: %(purpose)s") % {"purpose": request.purpose_text}


def sections(request: TravelRequest, today: dt.date) -> list[Section]:
    travellers = list(request.travellers.select_related("staff_member__unit"))
    meeting = request.meeting
    summary = Section(
        _("The trip"),
        [
            f"{_('Requesting unit')}: {request.requesting_unit}",
            f"{_('Purpose')}: {request.purpose_text}",
            f"{_('Destination')}: {request.destination_city}, {request.destination_country}",
            f"{_('Dates')}: {formatting.date(request.departure_date)} – {formatting.date(request.return_date)}",
            f"{_('Application due at the State Secretariat')}: {formatting.date(setneg.application_deadline(request))}",
        ],
    )
    if request.delegation_kind:
        summary.paragraphs.append(f"{_('Kind of delegation')}: {request.get_delegation_kind_display()}")
    participants = [[_("Name"), _("Unit"), _("Role in the delegation")]] + [
        [str(t.staff_member), t.staff_member.unit.short_name or t.staff_member.unit.name, _or_missing(t.role)]
        for t in travellers
    ]
    terms = Section(
        _("Terms of reference"),
        [
            f"{_('Urgency')}: {_or_missing(request.urgency)}",
            f"{_('Costs and benefits')}: {_or_missing(request.cost_benefit)}",
            f"{_('Follow-up plan')}: {_or_missing(request.follow_up_plan)}",
            _("Participants and their roles:"),
        ],
        participants,
    )
    invitation = Section(_("The organiser's invitation and agenda"), [_or_missing(request.invitation)])
    if meeting is not None:
        invitation.paragraphs.append(
            f"{_('Meeting')}: {meeting} ({formatting.date(meeting.start_date)} – {formatting.date(meeting.end_date)}"
            f"{', ' + meeting.city if meeting.city else ''})"
        )
    correspondence = Section(
        _("Correspondence with the Indonesian mission"), [_or_missing(request.mission_correspondence)]
    )
    funding_lines = [f"{_('Funding')}: {request.get_funding_source_display()}"]
    if request.funding_source == FundingSource.BUREAU and request.sub_activity:
        funding_lines.append(f"{_('Sub-activity')}: {request.sub_activity}")
    if request.partner:
        funding_lines.append(f"{_('Paying partner')}: {request.partner}")
    funding_lines.append(f"{_('Sponsors')}: {_or_missing(request.sponsors)}")
    funding_lines.append(f"{_('Estimated cost')}: {formatting.rupiah(request.estimated_cost)}")
    funding = Section(_("Funding source and sponsors"), funding_lines)
    attached = [[_("Document"), _("File"), _("Attached to")]]
    for document in documents_for(request):
        attached.append([document.title or document.original_name, document.original_name, _("the request")])
    for step in request.steps.select_related("kind"):
        for document in documents_for(step):
            attached.append([document.title or document.original_name, document.original_name, str(step.kind)])
    for traveller in travellers:
        for document in documents_for(traveller):
            attached.append([document.title or document.original_name, document.original_name, str(traveller)])
    documents = Section(
        _("Attached documents"),
        [] if len(attached) > 1 else [_("No documents attached yet (the invitation, the agenda, the letters).")],
        attached if len(attached) > 1 else [],
    )
    result = [summary, terms, invitation, correspondence, funding, documents]
    warnings = setneg.warnings(request, today, travellers=len(travellers))
    if warnings:
        result.append(Section(_("To check before sending"), [w.text for w in warnings]))
    return result


def docx(request: TravelRequest, today: dt.date) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(title(request), level=1)
    for section in sections(request, today):
        document.add_heading(section.heading, level=2)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        if section.table:
            table = document.add_table(rows=0, cols=len(section.table[0]))
            table.style = "Table Grid"
            for row in section.table:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def page_html(request: TravelRequest, today: dt.date) -> str:
    e = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        "body{font-family:sans-serif;font-size:10.5pt} table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #555;padding:3pt;text-align:left;vertical-align:top}</style></head><body>",
        f"<h1>{e(title(request))}</h1>",
    ]
    for section in sections(request, today):
        parts.append(f"<h2>{e(section.heading)}</h2>")
        parts.extend(f"<p>{e(p)}</p>" for p in section.paragraphs)
        if section.table:
            head, *rows = section.table
            parts.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in head) + "</tr>")
            parts.extend("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
            parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def pdf(request: TravelRequest, today: dt.date) -> bytes:
    from weasyprint import HTML  # heavy: imported only for the PDF

    return HTML(string=page_html(request, today)).write_pdf()  # type: ignore[no-any-return]
