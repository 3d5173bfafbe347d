"""The briefing book of a meeting (issue 19.3), compiled from factory records: the DOCX and PDF are opened and their
sections and records read back; the reads do not grow with the data; only the bureau downloads it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from mitra.cooperation import services as registry
from mitra.cooperation.models import Meeting, PaperStatus
from mitra.cooperation.tests.factories import (
    AgendaItemFactory,
    AgreementFactory,
    CooperationFactory,
    FollowUpFactory,
    InstitutionFactory,
    MeetingFactory,
    PositionPaperFactory,
    assign,
)
from mitra.core.tests.factories import (
    DirectorateFactory,
    ReaderFactory,
    StaffFactory,
    UnitFactory,
    UserFactory,
    logged_in,
)
from mitra.partners.tests.factories import ContactFactory
from mitra.reports import briefing
from mitra.reports.renderers.docx import render_docx
from mitra.reports.renderers.pdf import render_pdf
from mitra.travel import services as travel
from mitra.travel.tests.helpers import draft

pytestmark = pytest.mark.django_db

HEADINGS_ID = [
    "Profil forum atau mitra",
    "Riwayat: pertemuan sebelumnya",
    "Perjanjian dan statusnya",
    "Tindak lanjut yang masih terbuka",
    "Posisi yang telah diambil",
    "Agenda dan jawaban unit",
    "Kontak",
    "Pokok-pokok pembicaraan",
    "Delegasi",
]


def _meeting_with_records() -> tuple[Meeting, dict[str, str]]:
    division = UnitFactory.create()
    partner = InstitutionFactory.create(name="Ministry of Food and Drug Safety")
    cooperation = CooperationFactory.create(responsible_unit=division, partners=[partner])
    start = timezone.localdate() + dt.timedelta(days=30)
    earlier = MeetingFactory.create(
        responsible_unit=division, cooperation=cooperation, title="Pertemuan bilateral pertama", outcome="Sepakat MoU"
    )
    FollowUpFactory.create(meeting=earlier, description="Kirim draf MoU yang direvisi")
    AgreementFactory.create(responsible_unit=division, cooperation=cooperation, title="MoU pengawasan kosmetik")
    meeting = MeetingFactory.create(
        responsible_unit=division,
        cooperation=cooperation,
        title="Pertemuan bilateral kedua",
        start_date=start,
        end_date=start + dt.timedelta(days=1),
        talking_points="Dorong pengakuan sertifikat CPOB\nTawarkan pelatihan bersama",
    )
    paper = PositionPaperFactory.create(
        responsible_unit=division, cooperation=cooperation, meeting=meeting, summary="Indonesia mendukung harmonisasi"
    )
    registry.move_paper(actor=None, paper=paper, to_status=PaperStatus.REVIEWED, expected_version=None, system=True)
    item = AgendaItemFactory.create(meeting=meeting, title="Harmonisasi standar kosmetik")
    directorate = DirectorateFactory.create(name="Direktorat Standardisasi Kosmetik")
    (assignment,) = assign(item, directorate)
    registry.answer_assignment(actor=None, assignment=assignment, answer="Mendukung dengan catatan", system=True)
    ContactFactory.create(institution=partner, name="Kim Min-ji", email="kim@mfds.example")
    requester = UserFactory.create(unit=directorate)
    trip = draft(requester, start - dt.timedelta(days=1), start + dt.timedelta(days=2), meeting=meeting, purpose="")
    traveller = StaffFactory.create(full_name="Dewi Lestari", unit=directorate)
    travel.traveller_add(actor=None, request=trip, staff_member=traveller, system=True)
    return meeting, {
        "profile": "Ministry of Food and Drug Safety",
        "history": "Pertemuan bilateral pertama",
        "agreements": "MoU pengawasan kosmetik",
        "follow_ups": "Kirim draf MoU yang direvisi",
        "positions": "Indonesia mendukung harmonisasi",
        "agenda": "Mendukung dengan catatan",
        "contacts": "Kim Min-ji",
        "talking_points": "Tawarkan pelatihan bersama",
        "delegation": "Dewi Lestari",
    }


def _docx_sections(content: bytes) -> dict[str, str]:
    """The text under each level-1 heading of the document (paragraphs and table cells, in order)."""
    doc = Document(io.BytesIO(content))
    body = doc.element.body
    sections: dict[str, str] = {}
    current = ""
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            style = child.xpath("string(.//w:pStyle/@w:val)")
            text = child.xpath("string(.)")
            if style.startswith("Heading1") or style == "Heading 1":
                current = text.split(" ", 1)[-1] if text[:1].isdigit() else text
                sections[current] = ""
            elif current:
                sections[current] += text + "\n"
        elif tag == "tbl" and current:
            sections[current] += child.xpath("string(.)") + "\n"
    return sections


def test_the_briefing_book_docx_has_every_section_with_its_records():
    meeting, expected = _meeting_with_records()
    sections = _docx_sections(render_docx(briefing.build_briefing(meeting, "id")))
    assert list(sections) == HEADINGS_ID
    for (key, text), heading in zip(expected.items(), HEADINGS_ID, strict=True):
        assert text in sections[heading], (key, sections[heading])
    # The reviewed position paper shows its status; the unit's answer is under the agenda item.
    assert "Sudah direviu" in sections["Posisi yang telah diambil"]
    assert (
        "Direktorat Standardisasi Kosmetik" in sections["Agenda dan jawaban unit"]
        or "Harmonisasi" in sections["Agenda dan jawaban unit"]
    )


def test_the_briefing_book_pdf_has_the_same_sections():
    meeting, expected = _meeting_with_records()
    pdf = PdfReader(io.BytesIO(render_pdf(briefing.build_briefing(meeting, "en"))))
    text = " ".join((page.extract_text() or "") for page in pdf.pages)
    text = " ".join(text.split())
    for heading in ("Profile of the forum or partner", "Open follow-up actions", "Talking points", "The delegation"):
        assert heading in text
    for value in expected.values():
        assert value in text, value


def test_an_empty_section_says_so():
    meeting = MeetingFactory.create()
    sections = _docx_sections(render_docx(briefing.build_briefing(meeting, "id")))
    assert "Belum ada catatan." in sections["Delegasi"]


def test_the_reads_do_not_grow_with_the_records():
    meeting, _expected = _meeting_with_records()
    with CaptureQueriesContext(connection) as first:
        briefing.build_briefing(meeting, "id")
    cooperation = meeting.cooperation
    assert cooperation is not None
    for n in range(3):
        earlier = MeetingFactory.create(responsible_unit=meeting.responsible_unit, cooperation=cooperation)
        FollowUpFactory.create(meeting=earlier)
        AgreementFactory.create(responsible_unit=meeting.responsible_unit, cooperation=cooperation)
        ContactFactory.create(institution=cooperation.partners.first(), name=f"Kontak {n}")
    (item,) = meeting.agenda_items.all()
    assign(item, DirectorateFactory.create(), DirectorateFactory.create())
    with CaptureQueriesContext(connection) as second:
        briefing.build_briefing(meeting, "id")
    assert len(second) == len(first) == 13


def test_only_the_bureau_downloads_it():
    meeting, _expected = _meeting_with_records()
    url = reverse("reports:briefing", args=[meeting.pk, "docx"])
    response = logged_in(UserFactory.create()).get(url)  # staff of a bureau division
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="buku-briefing-')
    assert Document(io.BytesIO(response.content)).paragraphs
    assert logged_in(UserFactory.create(unit=DirectorateFactory.create())).get(url).status_code == 403
    assert logged_in(ReaderFactory.create()).get(url).status_code == 403
    assert (
        logged_in(UserFactory.create()).get(reverse("reports:briefing", args=[meeting.pk, "xlsx"])).status_code == 404
    )
