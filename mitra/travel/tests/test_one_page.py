"""Travel on one page: the bureau works each document step on the request's page (one-click dates, the step's
form and its files in place); submitting says where the request went and by when; the calendar jumps to any month."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mitra.core import formatting
from mitra.core.models import User
from mitra.core.tests.factories import DirectorateFactory, LeadershipFactory, StaffFactory, UserFactory, logged_in
from mitra.travel import selectors, services
from mitra.travel.models import StepTiming, TravelRequest

from .factories import ProcessorFactory
from .helpers import draft, through

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _drafted(owner: User) -> TravelRequest:
    """A request of `owner`'s unit 40 days ahead, with one traveller of that unit."""
    departure = timezone.localdate() + dt.timedelta(days=40)
    request = draft(owner, departure, departure + dt.timedelta(days=4))
    services.traveller_add(
        actor=owner,
        request=request,
        staff_member=StaffFactory.create(unit=owner.unit),
        passport_number="X1234567",
        passport_expires_on=departure.replace(year=departure.year + 3),
    )
    return request


def _submitted(owner: User) -> TravelRequest:
    request = _drafted(owner)
    services.request_submit(actor=owner, request=request)
    return request


def test_submitting_says_where_it_went_and_by_when():
    owner = UserFactory.create()
    request = _drafted(owner)
    departure = request.departure_date
    response = logged_in(owner).post(reverse("travel:request-action", args=[request.pk, "ajukan"]))
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    due = formatting.date(selectors.documents_deadline(departure), "id")
    assert texts == [f"Diajukan ke {selectors.bureau_name()}; batas proses dokumen perjalanan {due}."]
    assert "-" not in due  # a human date, not ISO


def test_the_bureau_works_the_steps_on_the_request_page():
    owner = UserFactory.create()
    request = _submitted(owner)
    url = reverse("travel:request-detail", args=[request.pk])
    bureau = logged_in(ProcessorFactory.create())
    page = bureau.get(url).content.decode()
    steps = list(request.steps.select_related("kind").order_by("pk"))
    first = next(s for s in steps if s.kind.timing != StepTiming.AFTER_RETURN and not s.kind.checks_passport)
    assert f'action="{reverse("travel:step-mark", args=[first.pk, "selesai"])}"' in page
    assert f'data-testid="step-form-{first.kind.code}"' in page
    assert page.count('data-testid="upload-form"') == len(steps)  # each step's files are attached in place
    # The requester sees the steps, not the bureau's forms.
    requester = logged_in(owner).get(url).content.decode()
    assert 'data-testid="step-completed-today"' not in requester and 'data-testid="upload-form"' not in requester

    # One click: the step is requested and completed today; back on the request's page.
    response = bureau.post(reverse("travel:step-mark", args=[first.pk, "selesai"]))
    assert response.status_code == 302 and response["Location"] == f"{url}#step-{first.pk}"
    first.refresh_from_db()
    assert first.completed_on == first.requested_on == timezone.localdate()

    # The step's form saves and comes back to the request's page with that step open.
    second = next(s for s in steps if s.pk != first.pk and s.kind.timing != StepTiming.AFTER_RETURN)
    back = f"{url}?langkah={second.pk}"
    response = bureau.post(
        reverse("travel:step", args=[second.pk]),
        {
            "requested_on": timezone.localdate().isoformat(),
            "reference": "B-123/KS/2026",
            "expected_version": 1,
            "next": back,
        },
    )
    assert response.status_code == 302 and response["Location"] == f"{back}#step-{second.pk}"
    page = bureau.get(back).content.decode()
    assert f'data-testid="step-work-{second.kind.code}" open' in page and "B-123/KS/2026" in page

    # A file attached from the request's page comes back to it and is listed on the step's row.
    upload = bureau.post(
        reverse("documents:upload"),
        {
            "record_type": "travel.travelstep",
            "record_id": second.pk,
            "next": back,
            "category": "other",
            "title": "Surat permohonan",
            "file": SimpleUploadedFile("surat.pdf", PDF, "application/pdf"),
        },
    )
    assert upload.status_code == 302 and upload["Location"] == back
    assert 'data-testid="step-document">Surat permohonan<' in bureau.get(url).content.decode()

    # A refused file comes back to the same page, the step's work open, the reason at its file field.
    refused = bureau.post(
        reverse("documents:upload"),
        {
            "record_type": "travel.travelstep",
            "record_id": second.pk,
            "next": back,
            "category": "other",
            "title": "Surat kedua",
            "file": SimpleUploadedFile("surat.pdf", b"bukan PDF", "application/pdf"),
        },
    )
    assert refused.status_code == 302 and refused["Location"] == f"{back}#upload-travel-travelstep-{second.pk}"
    page = bureau.get(refused["Location"]).content.decode()
    work = page[page.index(f'data-testid="step-work-{second.kind.code}"') :]
    assert work.startswith(f'data-testid="step-work-{second.kind.code}" open')
    form = work[work.index(f'id="upload-travel-travelstep-{second.pk}"') :]
    form = form[: form.index("</form>")]
    assert "is-invalid" in form and 'value="Surat kedua"' in form


def test_a_step_that_cannot_be_done_says_why():
    owner = UserFactory.create()
    request = _submitted(owner)
    bureau = logged_in(ProcessorFactory.create())
    after_return = request.steps.filter(kind__timing=StepTiming.AFTER_RETURN).first()
    assert after_return is not None
    response = bureau.post(reverse("travel:step-mark", args=[after_return.pk, "selesai"]), follow=True)
    after_return.refresh_from_db()
    assert after_return.completed_on is None
    assert "setelah kembali" in response.content.decode() or response.context["messages"]
    # Only the bureau's service works steps.
    assert logged_in(owner).post(reverse("travel:step-mark", args=[after_return.pk, "diminta"])).status_code == 403


def test_the_request_page_keeps_a_fixed_number_of_queries_with_files():
    request = _submitted(UserFactory.create())
    url = reverse("travel:request-detail", args=[request.pk])
    processor = ProcessorFactory.create()
    bureau = logged_in(processor)
    bureau.get(url)
    with CaptureQueriesContext(connection) as small:
        assert bureau.get(url).status_code == 200
    for step in request.steps.all():
        for n in range(2):
            from mitra.documents import services as documents

            documents.attach(
                actor=processor,
                record=step,
                uploaded_file=SimpleUploadedFile(f"f{n}.pdf", PDF, "application/pdf"),
                category="other",
                title=f"Berkas {n}",
            )
    with CaptureQueriesContext(connection) as large:
        assert bureau.get(url).status_code == 200
    assert len(small.captured_queries) == DETAIL_QUERIES, "\n".join(q["sql"] for q in small.captured_queries)
    assert len(large.captured_queries) == DETAIL_QUERIES


# session, user, request, travellers, steps, unit, the steps' documents, the service unit (once, whatever the number
# of rules asking), permissions (2), step kinds, history; the session's save (3).
DETAIL_QUERIES = 15


def test_the_calendar_jumps_to_any_month_and_year():
    owner = UserFactory.create()
    trip = through(owner, ProcessorFactory.create(), dt.date(2013, 3, 11), dt.date(2013, 3, 15), dt.date(2013, 3, 4))
    client = logged_in(owner)
    page = client.get(reverse("travel:calendar") + "?bln=3&tahun=2013").content.decode()  # the demo has no 2013
    assert "Maret 2013" in page and 'data-testid="calendar-trip"' in page and trip.get_absolute_url() in page
    assert '<option value="3" selected>' in page and 'value="2013"' in page
    april = client.get(reverse("travel:calendar") + "?bln=4&tahun=2013").content.decode()
    assert "April 2013" in april and trip.get_absolute_url() not in april
    wrong = client.get(reverse("travel:calendar") + "?bln=3&tahun=99999")
    assert wrong.status_code == 200
    assert 'id="tahun-error"' in wrong.content.decode()


def test_country_and_partner_pages_list_the_trips_the_user_may_see():
    from mitra.partners.models import Country
    from mitra.partners.tests.factories import InstitutionFactory

    iceland = Country.objects.get(code="IS")
    leader, owner = LeadershipFactory.create(), UserFactory.create()
    outsider = UserFactory.create(unit=DirectorateFactory.create())  # a unit outside the bureau

    def seen(user: User) -> int:
        page = logged_in(user).get(reverse("partners:country-detail", args=["IS"])).content.decode()
        found = re.search(r'data-testid="partner-trips" data-count="(\d+)"', page)
        assert found is not None
        return int(found.group(1))

    before = seen(leader)  # whatever else is recorded there: the test's own trips are counted on top
    trip = {"destination_country": iceland, "destination_city": "Reykjavik"}
    newest = [draft(owner, dt.date(2031, 3, 2 + n), dt.date(2031, 3, 9 + n), **trip) for n in range(20)]
    partner = InstitutionFactory.create()
    paid = draft(owner, dt.date(2031, 2, 2), dt.date(2031, 2, 6), funding_source="partner", partner=partner, **trip)
    services.request_cancel(
        actor=owner, request=draft(owner, dt.date(2031, 4, 2), dt.date(2031, 4, 6), **trip), reason="Batal"
    )
    own = draft(outsider, dt.date(2031, 1, 5), dt.date(2031, 1, 9), **trip)
    page = logged_in(leader).get(reverse("partners:country-detail", args=["IS"])).content.decode()
    assert f'data-testid="partner-trips" data-count="{before + 22}"' in page  # not the cancelled one
    assert page.count('data-testid="partner-trip"') == selectors.PARTNER_TRIPS_SHOWN  # the newest 20
    assert all(r.get_absolute_url() in page for r in newest) and paid.get_absolute_url() not in page
    assert "Reykjavik" in page
    # A unit outside the bureau sees only its own unit's trips there.
    page = logged_in(outsider).get(reverse("partners:country-detail", args=["IS"])).content.decode()
    assert 'data-testid="partner-trips" data-count="1"' in page and own.get_absolute_url() in page
    # A partner institution's page lists the trips it paid for.
    page = logged_in(leader).get(partner.get_absolute_url()).content.decode()
    assert 'data-testid="partner-trips" data-count="1"' in page and paid.get_absolute_url() in page
