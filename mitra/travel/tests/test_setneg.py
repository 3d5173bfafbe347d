"""The State Secretariat's rules (SE Mensesneg B-32/M/S/LN.00/12/2024): the application's lead time, the delegation
size, the Foreign Ministry's recommendation, the trip report, visa and cancellation costs, and the application
package (DOCX and PDF, opened back)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document as DocxDocument
from pypdf import PdfReader

from mitra.core.tests.factories import DirectorateFactory, StaffFactory, UserFactory, logged_in
from mitra.documents import services as document_services
from mitra.documents.tests.files import pdf_bytes
from mitra.partners.models import Country
from mitra.performance.tests.factories import OutputFactory, SubActivityFactory
from mitra.travel import selectors, services, setneg, work
from mitra.travel.models import DelegationKind, TravelRequest, TravelStatus
from mitra.travel.tests.factories import ProcessorFactory
from mitra.travel.tests.helpers import draft, paid_by, through

pytestmark = pytest.mark.django_db
D = dt.date


def _codes(request: TravelRequest, today: dt.date) -> set[str]:
    return {w.code for w in setneg.warnings(TravelRequest.objects.get(pk=request.pk), today)}


def _submitted(owner, departure: dt.date, back: dt.date, travellers: int = 1, **extra) -> TravelRequest:
    request = draft(owner, departure, back, **extra)
    for _i in range(travellers):
        services.traveller_add(
            actor=owner, request=request, staff_member=StaffFactory.create(unit=owner.unit), role="Anggota delegasi"
        )
    return services.request_submit(actor=owner, request=request, on=departure - dt.timedelta(days=30))


def _setneg_step(request: TravelRequest):
    return request.steps.get(kind__code="setneg")


def test_application_late_to_the_state_secretariat_warns_on_the_request_and_in_the_on_time_table(settings):
    owner, processor = UserFactory.create(), ProcessorFactory.create()
    request = _submitted(owner, D(2018, 5, 14), D(2018, 5, 18))
    assert setneg.application_deadline(request) == D(2018, 5, 7)  # 7 days before departure
    assert "application-late" not in _codes(request, D(2018, 5, 7))  # not sent, but not late yet
    assert "application-late" in _codes(request, D(2018, 5, 8))  # not sent and the deadline passed
    services.step_update(
        actor=processor, step=_setneg_step(request), data={"requested_on": D(2018, 5, 7)}, expected_version=None
    )
    assert "application-late" not in _codes(request, D(2018, 5, 10))  # sent on the last day: in time
    services.step_update(
        actor=processor, step=_setneg_step(request), data={"requested_on": D(2018, 5, 8)}, expected_version=None
    )
    assert "application-late" in _codes(request, D(2018, 5, 10))
    settings.MITRA_TRAVEL_SETNEG_LEAD_DAYS = 5  # the number is a setting
    assert "application-late" not in _codes(request, D(2018, 5, 10))
    settings.MITRA_TRAVEL_SETNEG_LEAD_DAYS = 7
    row = next(r for r in selectors.on_time(2018, today=D(2018, 6, 1)).rows if r.request.pk == request.pk)
    assert row.setneg_late
    on_time = through(owner, processor, D(2018, 7, 16), D(2018, 7, 20), D(2018, 7, 6))
    row = next(r for r in selectors.on_time(2018, today=D(2018, 8, 1)).rows if r.request.pk == on_time.pk)
    assert not row.setneg_late


def test_no_application_warning_when_the_state_secretariat_step_was_removed_as_not_needed():
    owner, processor = UserFactory.create(), ProcessorFactory.create()
    request = _submitted(owner, D(2018, 5, 14), D(2018, 5, 18))
    assert setneg.application_needed(request)
    assert "application-late" in _codes(request, D(2018, 5, 8))  # not sent and the deadline passed
    services.step_remove(actor=processor, step=_setneg_step(request), reason="Perjalanan tanpa izin Setneg.")
    request.refresh_from_db()
    assert not setneg.application_needed(request)
    assert "application-late" not in _codes(request, D(2018, 5, 8))
    row = next(r for r in selectors.on_time(2018, today=D(2018, 6, 1)).rows if r.request.pk == request.pk)
    assert not row.setneg_late
    page = logged_in(owner).get(f"/perjalanan/{request.pk}/").content.decode()
    assert "Tidak diperlukan: langkah Sekretariat Negara telah dihapus" in page


def test_delegation_size_of_a_dialogue_or_exploration(settings):
    owner = UserFactory.create()
    small = _submitted(owner, D(2018, 5, 14), D(2018, 5, 18), travellers=2, delegation_kind=DelegationKind.DIALOGUE)
    assert "delegation-size" in _codes(small, D(2018, 4, 1))
    enough = _submitted(owner, D(2018, 6, 4), D(2018, 6, 8), travellers=3, delegation_kind=DelegationKind.EXPLORATION)
    assert "delegation-size" not in _codes(enough, D(2018, 4, 1))
    other = _submitted(owner, D(2018, 7, 2), D(2018, 7, 6), travellers=1)  # no kind: no limit
    assert "delegation-size" not in _codes(other, D(2018, 4, 1))
    settings.MITRA_TRAVEL_DELEGATION_MAX = 2
    assert "delegation-size" in _codes(enough, D(2018, 4, 1))


def test_destinations_that_need_the_foreign_ministrys_recommendation(settings):
    owner = UserFactory.create()
    request = draft(owner, D(2018, 5, 14), D(2018, 5, 18), destination_country=Country.objects.get(code="IL"))
    assert "mofa-recommendation" in _codes(request, D(2018, 4, 1))
    settings.MITRA_TRAVEL_MOFA_RECOMMENDATION_COUNTRIES = ["TW"]
    assert "mofa-recommendation" not in _codes(request, D(2018, 4, 1))
    swiss = draft(owner, D(2018, 5, 14), D(2018, 5, 18))
    settings.MITRA_TRAVEL_MOFA_RECOMMENDATION_COUNTRIES = ["ch"]
    assert "mofa-recommendation" in _codes(swiss, D(2018, 4, 1))


def test_trip_report_is_due_after_the_return_and_shows_in_my_work():
    owner, processor = UserFactory.create(), ProcessorFactory.create()
    request = through(owner, processor, D(2018, 5, 14), D(2018, 5, 18), D(2018, 5, 4), complete=False)
    assert request.status == TravelStatus.DOCUMENTS_READY
    assert setneg.trip_report_due(request) == D(2018, 6, 1)  # 14 days after the return
    assert "trip-report" not in _codes(request, D(2018, 5, 17))  # still away
    assert "trip-report" in _codes(request, D(2018, 5, 19))
    items = [i for i in work.trip_reports_due(owner, D(2018, 6, 2)) if i.url == request.get_absolute_url()]
    assert [(i.due, i.overdue) for i in items] == [(D(2018, 6, 1), True)]
    assert any(i.url == request.get_absolute_url() for i in work.trip_reports_due(processor, D(2018, 5, 25)))
    outsider = UserFactory.create(unit=DirectorateFactory.create())
    assert not any(i.url == request.get_absolute_url() for i in work.trip_reports_due(outsider, D(2018, 5, 25)))
    with pytest.raises(ValidationError) as error:
        services.request_update(
            actor=processor, request=request, data={"trip_report_sent_on": D(2018, 5, 17)}, expected_version=None
        )
    assert "trip_report_sent_on" in error.value.message_dict
    services.request_update(
        actor=processor, request=request, data={"trip_report_sent_on": D(2018, 5, 30)}, expected_version=None
    )
    assert "trip-report" not in _codes(request, D(2018, 6, 2))
    assert not any(i.url == request.get_absolute_url() for i in work.trip_reports_due(owner, D(2018, 6, 2)))


def test_visa_and_cancellation_costs_are_realised_costs():
    owner, processor = UserFactory.create(), ProcessorFactory.create()
    # A completed trip lies in the past: 2013, a year the demo has no budget in.
    sub = SubActivityFactory.create(output=OutputFactory.create(activity__program__year=2013))
    request = through(owner, processor, D(2013, 5, 15), D(2013, 5, 19), D(2013, 5, 5), complete=False, **paid_by(sub))

    def costs() -> dict[int, int]:
        return {q.quarter: q.cost for s in selectors.trips_by_sub_activity(2013) if s.sub == sub for q in s.quarters}

    assert costs() == {}  # not completed yet: the sub-activity has no trips and no "trip" output
    services.request_update(
        actor=processor,
        request=request,
        data={"realised_cost": 25_000_000, "realised_visa_cost": 1_500_000, "realised_cancellation_cost": 700_000},
        expected_version=None,
    )
    request = services.request_complete(actor=processor, request=TravelRequest.objects.get(pk=request.pk))
    assert request.realised_total == 27_200_000
    assert costs() == {1: 0, 2: 27_200_000, 3: 0, 4: 0}
    only_visa = TravelRequest(realised_visa_cost=100)
    assert only_visa.realised_total == 100 and TravelRequest().realised_total is None


def test_the_application_package_in_docx_and_pdf():
    owner, processor = UserFactory.create(), ProcessorFactory.create()
    request = draft(
        owner,
        D(2030, 5, 14),
        D(2030, 5, 18),
        delegation_kind=DelegationKind.DIALOGUE,
        urgency="Indonesia memimpin kelompok kerja tahun ini.",
        cost_benefit="Biaya tiket dan uang harian; manfaat: posisi Indonesia diterima.",
        follow_up_plan="Laporan kepada Kepala Badan dan tindak lanjut oleh Direktorat.",
        invitation="Undangan WHO No. Q2/123 tanggal 2 April 2030; agenda terlampir.",
        mission_correspondence="Nota PTRI Jenewa No. 456 tanggal 5 April 2030.",
        sponsors="WHO menanggung akomodasi.",
    )
    member = StaffFactory.create(unit=owner.unit, full_name="Dr. Sari Utami")
    services.traveller_add(actor=owner, request=request, staff_member=member, role="Ketua delegasi")
    document_services.attach(
        actor=owner,
        record=request,
        uploaded_file=SimpleUploadedFile("undangan-who.pdf", pdf_bytes("Invitation"), "application/pdf"),
        category="travel",
        title="Undangan WHO",
    )
    client = logged_in(owner)
    page = client.get(reverse("travel:request-detail", args=[request.pk]))
    assert b'data-warning="delegation-size"' in page.content  # one person for a dialogue delegation
    response = client.get(reverse("travel:package", args=[request.pk, "docx"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = DocxDocument(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    for expected in (
        "Indonesia memimpin kelompok kerja",
        "posisi Indonesia diterima",
        "tindak lanjut oleh Direktorat",
        "Undangan WHO No. Q2/123",
        "Nota PTRI Jenewa No. 456",
        "WHO menanggung akomodasi",
    ):
        assert expected in text
    assert "Dr. Sari Utami" in cells and "Ketua delegasi" in cells and "undangan-who.pdf" in cells
    response = client.get(reverse("travel:package", args=[request.pk, "pdf"]))
    assert response.content.startswith(b"%PDF-")
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Nota PTRI Jenewa" in pdf_text and "Ketua delegasi" in pdf_text
    assert client.get(reverse("travel:package", args=[request.pk, "odt"])).status_code == 404
    outsider = logged_in(UserFactory.create(unit=DirectorateFactory.create()))
    assert outsider.get(reverse("travel:package", args=[request.pk, "docx"])).status_code == 403
    assert processor.has_perm("travel.view_request", request)
