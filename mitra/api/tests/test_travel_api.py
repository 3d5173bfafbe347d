"""The travel API: the pages' visibility rule (travel papers stay with the request), the request's life through
the services, the on-time figure, and travel in the personal calendar feed.

Built on factories: a team of the bureau, the travel service unit's processor, and an outsider of an institution
of its own; the requests are the test's own (history in 2011, a year without the demo's travel)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from icalendar import Calendar

from mitra.api import services as api_services
from mitra.core.models import AuditEntry, StaffMember, UnitKind, User
from mitra.core.tests.factories import StaffFactory, Team, UnitFactory, UserFactory, bureau
from mitra.exchange import calendar as feed
from mitra.travel import selectors as travel_selectors
from mitra.travel.models import TravelRequest, TravelStatus
from mitra.travel.tests.factories import ProcessorFactory
from mitra.travel.tests.helpers import draft, through

pytestmark = pytest.mark.django_db

FUTURE = dt.date.today() + dt.timedelta(days=60)
YEAR = 2011  # travel history of the test's own: completed steps cannot be dated in the future


def _client(user: User) -> Client:
    _token, raw = api_services.token_create(actor=user, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def trip(owner: User, processor: User, departure: dt.date, documents_done: dt.date) -> TravelRequest:
    """A completed request of `owner`'s unit departing on `departure`, its documents done on `documents_done`."""
    return through(owner, processor, departure, departure + dt.timedelta(days=4), documents_done)


@pytest.fixture
def outsider(db: None) -> User:
    """Staff of a unit outside the bureau, with a staff record of their own (a requester of travel)."""
    unit = UnitFactory.create(kind=UnitKind.INSTITUTION, parent=None, name="Unit uji di luar biro")
    institution = bureau().parent
    assert institution is not None and not institution.contains(unit)  # a separate tree: nothing of the bureau's
    user = UserFactory.create(unit=unit)
    StaffFactory.create(unit=unit, user=user, full_name="Pegawai Luar Biro")
    return user


def test_requests_are_visible_only_to_whom_the_page_is(team: Team, outsider):
    assert not TravelRequest.objects.filter(departure_date__year=YEAR).exists()
    processor = ProcessorFactory.create()
    bureau_request = trip(team.staff, processor, dt.date(YEAR, 3, 15), dt.date(YEAR, 3, 14))
    other_division = trip(team.other_staff, processor, dt.date(YEAR, 5, 10), dt.date(YEAR, 5, 9))
    staff = _client(team.staff)  # everyone in the bureau sees every request, another division's too
    listed = staff.get(f"/api/v1/travel/requests/?year={YEAR}&page_size=500").json()
    assert listed["count"] == 2
    assert {row["id"] for row in listed["results"]} == {bureau_request.pk, other_division.pk}

    stranger = _client(outsider)
    assert stranger.get("/api/v1/travel/requests/").json()["count"] == 0
    assert stranger.get(f"/api/v1/travel/requests/{bureau_request.pk}/").status_code == 404
    traveller = bureau_request.travellers.first()
    assert traveller is not None
    step = bureau_request.steps.first()
    assert step is not None
    # Passport details and the papers' references travel with the request: not by id either.
    assert stranger.get(f"/api/v1/travel/travellers/{traveller.pk}/").status_code == 404
    assert stranger.get(f"/api/v1/travel/steps/{step.pk}/").status_code == 404
    assert stranger.get("/api/v1/travel/travellers/").json()["count"] == 0
    assert stranger.get(f"/api/v1/travel/on-time/{YEAR}/").status_code == 403


def test_a_request_from_draft_to_submitted_and_worked(outsider):
    client = _client(outsider)
    payload = {
        "requesting_unit": outsider.unit_id,
        "purpose": "Pelatihan GMP",
        "destination_city": "Jenewa",
        "destination_country": "CH",
        "departure_date": FUTURE.isoformat(),
        "return_date": (FUTURE + dt.timedelta(days=4)).isoformat(),
        "needs_visa": True,
        "funding_source": "unit",
        "estimated_cost": 30_000_000,
    }
    created = client.post("/api/v1/travel/requests/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == TravelStatus.DRAFT and body["travellers"] == [] and body["steps"] == []
    pk = body["id"]

    # Someone else's unit cannot be named as the requester.
    other = dict(payload, requesting_unit=UnitFactory.create().pk)
    assert client.post("/api/v1/travel/requests/", other, content_type="application/json").status_code == 403

    staff_member = StaffMember.objects.get(user=outsider)
    passport = {
        "request": pk,
        "staff_member": staff_member.pk,
        "passport_number": "X1",
        "passport_expires_on": "2040-01-01",
    }
    added = client.post("/api/v1/travel/travellers/", passport, content_type="application/json")
    assert added.status_code == 201, added.content

    stale = client.patch(
        f"/api/v1/travel/requests/{pk}/", {"notes": "x"}, content_type="application/json", HTTP_IF_MATCH='"99"'
    )
    assert stale.status_code == 412
    assert client.post(f"/api/v1/travel/requests/{pk}/submit/").status_code == 200
    request = TravelRequest.objects.get(pk=pk)
    assert request.status == TravelStatus.SUBMITTED and request.steps.exists()
    # Once submitted, the trip itself is fixed for the requester, and the steps are the bureau's.
    step = request.steps.order_by("pk").first()
    assert step is not None
    refused = client.patch(
        f"/api/v1/travel/steps/{step.pk}/",
        {"requested_on": dt.date.today().isoformat()},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{step.version}"',
    )
    assert refused.status_code == 403
    bureau = _client(ProcessorFactory.create())
    worked = bureau.patch(
        f"/api/v1/travel/steps/{step.pk}/",
        {"requested_on": dt.date.today().isoformat(), "reference": "B-123/2026"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{step.version}"',
    )
    assert worked.status_code == 200, worked.content
    assert worked.json()["reference"] == "B-123/2026" and worked.json()["due_on"]
    assert AuditEntry.objects.filter(record_type="travel.travelstep", record_id=str(step.pk)).count() >= 2

    # Once in process, cancelling is the bureau's (as on the request's page), and needs a reason.
    url = f"/api/v1/travel/requests/{pk}/cancel/"
    assert client.post(url, {"reason": "Acara ditunda"}, content_type="application/json").status_code == 403
    assert bureau.post(url, {"reason": ""}, content_type="application/json").status_code == 400
    cancelled = bureau.post(url, {"reason": "Acara ditunda"}, content_type="application/json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == TravelStatus.CANCELLED
    assert client.delete(f"/api/v1/travel/requests/{pk}/").status_code == 405


def test_on_time_figure_is_the_pages(team: Team):
    assert travel_selectors.on_time(YEAR).measured == 0
    processor = ProcessorFactory.create()
    on_time = []
    for departure in (dt.date(YEAR, 3, 15), dt.date(YEAR, 6, 14)):
        deadline = travel_selectors.documents_deadline(departure)
        assert deadline < departure
        on_time.append(trip(team.staff, processor, departure, deadline))  # done on the deadline
    departure = dt.date(YEAR, 11, 15)
    assert travel_selectors.documents_deadline(departure) < departure
    late = trip(team.staff, processor, departure, departure)  # done on the departure day, after the deadline
    client = _client(team.leader)
    response = client.get(f"/api/v1/travel/on-time/{YEAR}/")
    assert response.status_code == 200
    data = response.json()
    result = travel_selectors.on_time(YEAR)
    assert data["measured"] == result.measured == len(data["rows"]) == 3
    assert data["on_time"] == result.on_time_count == 2
    assert data["percentage"] == "66.67"
    by_request = {row["request"]: row["on_time"] for row in data["rows"]}
    assert by_request == {on_time[0].pk: True, on_time[1].pk: True, late.pk: False}
    for odd in ("²", "0017", "abc", "99999"):
        answer = client.get(f"/api/v1/travel/on-time/{odd}/")
        assert answer.status_code == 404 and answer["Content-Type"].startswith("application/"), odd
    assert json.loads(client.get("/api/v1/travel/on-time/1999/").content)["measured"] == 0


def test_travel_is_in_the_calendar_feed(team: Team, outsider):
    request = draft(outsider, FUTURE, FUTURE + dt.timedelta(days=3))
    events = Calendar.from_ical(feed.render(outsider)).walk("VEVENT")
    uids = {str(e["uid"]) for e in events}
    assert f"travel-{request.pk}@mitra" in uids
    # Another unit's staff do not get it in their feed.
    other = Calendar.from_ical(feed.render(team.staff)).walk("VEVENT")
    assert f"travel-{request.pk}@mitra" not in {str(e["uid"]) for e in other}
