"""Request tests of the travel pages: who sees what, bad input at the field, pinned query counts, iCalendar."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core.tests.factories import (
    DirectorateFactory,
    ReaderFactory,
    StaffFactory,
    UserFactory,
    bureau,
    logged_in,
)
from mitra.performance.tests.factories import OutputFactory, SubActivityFactory
from mitra.travel import services
from mitra.travel.models import TravelRequest

from .factories import ProcessorFactory
from .helpers import draft, paid_by, through

D = dt.date

pytestmark = pytest.mark.django_db

# Queries per page (a test's own trips; the 161 illustrative requests are loaded too): they must not grow with the data.
PAGE_QUERIES = {
    "queue": 13,  # the late and the next due steps, each bounded in SQL by the stored due date (two queries);
    # the pager takes its total from the counts by status (no count of its own)
    # The content types of the request and its steps (cold); the steps' documents (one query for all steps).
    "detail": 15,
    "step": 12,  # the steps' content type is already cached by the detail page (it lists their documents)
    "on_time": 10,  # the steps of all requests in one query (the State Secretariat step, travel/setneg.py)
    "trips": 11,
    "calendar": 10,
}


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


def test_pages_answer_in_a_fixed_number_of_queries():
    # Completed trips of 2013 (a year the demo has no trips in), one paid by the bureau, one not on time.
    owner, processor = UserFactory.create(), ProcessorFactory.create()
    sub = SubActivityFactory.create(output=OutputFactory.create(activity__program__year=2013), owner_unit=owner.unit)
    request = through(owner, processor, D(2013, 6, 10), D(2013, 6, 14), D(2013, 6, 3), **paid_by(sub))
    through(owner, processor, D(2013, 6, 17), D(2013, 6, 21), D(2013, 6, 14))
    through(owner, processor, D(2013, 6, 24), D(2013, 6, 28), D(2013, 6, 24))
    client = logged_in(processor)
    step = request.steps.all()[0]
    urls = {
        "queue": reverse("travel:queue"),
        "detail": reverse("travel:request-detail", args=[request.pk]),
        "step": reverse("travel:step", args=[step.pk]),
        "on_time": reverse("travel:on-time", args=[2013]),
        "trips": reverse("travel:trips", args=[2013]),
        "calendar": reverse("travel:calendar") + "?bulan=2013-06",
    }
    client.get(reverse("core:home"))  # the menu's work counts are counted once per session (then every 2 minutes)
    # Content types are cached per process: start cold, so the counts do not depend on which test ran before.
    ContentType.objects.clear_cache()
    for name, url in urls.items():
        queries, response = _count(client, url)
        assert queries == PAGE_QUERIES[name], f"{name}: {queries} queries"
        if name in ("on_time", "calendar"):  # the factory trips are on the page (so the count covers them)
            assert request.get_absolute_url() in response.content.decode(), name


def test_on_time_page_shows_the_figure_and_its_list(client_for):
    response = client_for("kepala.biro").get(reverse("travel:on-time", args=[2017]))
    html = response.content.decode()
    assert 'data-testid="on-time-pct"' in html and "95,03" in html
    assert "153 dari 161" in html  # the figure counts the whole year, not the page
    # The list behind it, 100 to a page: 161 rows on two pages, each page with the year's figure.
    assert html.count('data-testid="on-time-row"') == 100 and "?page=2" in html
    second = client_for("kepala.biro").get(reverse("travel:on-time", args=[2017]) + "?page=2").content.decode()
    assert second.count('data-testid="on-time-row"') == 61 and "95,03" in second


def test_return_before_departure_is_shown_at_the_field():
    owner = UserFactory.create()
    response = logged_in(owner).post(
        reverse("travel:request-create"),
        {
            "requesting_unit": owner.unit_id,
            "purpose": "Uji",
            "destination_city": "Jenewa",
            "destination_country": "CH",
            "departure_date": "2018-05-10",
            "return_date": "2018-05-08",
            "funding_source": "unit",
            "estimated_cost": "1000",
        },
    )
    assert response.status_code == 200
    assert "return_date" in response.context["form"].errors
    assert not TravelRequest.objects.filter(purpose="Uji").exists()


def test_unknown_traveller_is_refused_at_the_field():
    owner = UserFactory.create()
    client = logged_in(owner)
    client.post(
        reverse("travel:request-create"),
        {
            "requesting_unit": owner.unit_id,
            "purpose": "Uji pelaku",
            "destination_city": "Jenewa",
            "destination_country": "CH",
            "departure_date": "2018-05-10",
            "return_date": "2018-05-12",
            "funding_source": "unit",
            "estimated_cost": "1000",
        },
    )
    request = TravelRequest.objects.get(purpose="Uji pelaku")
    response = client.post(reverse("travel:traveller-add", args=[request.pk]), {"staff_member": "999999"})
    assert response.status_code == 400
    assert "staff_member" in response.context["traveller_form"].errors


def test_icalendar_export():
    owner = UserFactory.create()
    through(owner, ProcessorFactory.create(), D(2013, 6, 10), D(2013, 6, 14), D(2013, 6, 3))  # the demo has no 2013
    response = logged_in(owner).get(reverse("travel:calendar-ics") + "?bulan=2013-06")
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR") and body.count("BEGIN:VEVENT") == 1
    assert "DTSTART;VALUE=DATE:20130610" in body and "Jenewa" in body


def test_reader_sees_but_cannot_submit_or_process():
    owner = UserFactory.create()
    departure = dt.date.today() + dt.timedelta(days=30)
    request = draft(owner, departure, departure + dt.timedelta(days=3))
    services.traveller_add(
        actor=owner,
        request=request,
        staff_member=StaffFactory.create(unit=owner.unit),
        passport_number="X1234567",
        passport_expires_on=departure.replace(year=departure.year + 3),
    )
    services.request_submit(actor=owner, request=request)
    client = logged_in(ReaderFactory.create(unit=bureau()))  # a reader of the bureau sees every request
    assert client.get(reverse("travel:request-detail", args=[request.pk])).status_code == 200
    step = request.steps.all()[0]
    assert client.post(reverse("travel:step", args=[step.pk]), {"notes": "x"}).status_code == 403
    assert client.post(reverse("travel:step-mark", args=[step.pk, "selesai"])).status_code == 403
    step.refresh_from_db()
    assert step.completed_on is None and step.notes == ""


def test_the_queue_pager_counts_from_the_counts_by_status(monkeypatch):
    """The list's pages come from the queue's counts by status (no count of their own): all, or one status."""
    from mitra.travel import views

    owner = UserFactory.create(unit=DirectorateFactory.create())  # outside the bureau: sees only its own requests
    for day in (10, 11, 12):
        draft(owner, D(2031, 5, day), D(2031, 5, day + 3))
    monkeypatch.setattr(views.QueueView, "paginate_by", 2)
    client = logged_in(owner)
    page = client.get(reverse("travel:queue")).content.decode()
    assert "Halaman 1 dari 2" in page and page.count('data-testid="request-row"') == 2
    second = client.get(reverse("travel:queue") + "?page=2").content.decode()
    assert "Halaman 2 dari 2" in second and second.count('data-testid="request-row"') == 1
    drafts = client.get(reverse("travel:queue") + "?status=draft&page=2").content.decode()
    assert "Halaman 2 dari 2" in drafts and "?status=draft&amp;page=1" in drafts
    submitted = client.get(reverse("travel:queue") + "?status=submitted").content.decode()
    assert "page-link" not in submitted and 'data-testid="request-row"' not in submitted
