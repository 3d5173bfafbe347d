"""The travel API: the pages' visibility rule (travel papers stay with the request), the request's life through
the services, the on-time figure, and travel in the personal calendar feed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from icalendar import Calendar

from mitra.api import services as api_services
from mitra.core import services as core_services
from mitra.core.models import AuditEntry, OrganisationUnit, Role, StaffMember, UnitKind, User
from mitra.exchange import calendar as feed
from mitra.travel import selectors as travel_selectors
from mitra.travel.models import TravelRequest, TravelStatus
from mitra.travel.tests.helpers import draft

pytestmark = pytest.mark.django_db

FUTURE = dt.date.today() + dt.timedelta(days=60)


def _client(user: User) -> Client:
    _token, raw = api_services.token_create(actor=user, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def outsider(demo) -> User:
    """Staff of a BPOM unit outside the bureau, with a staff record of their own (a requester of travel)."""
    bpom = OrganisationUnit.objects.get(code="bpom")
    unit = OrganisationUnit.objects.filter(code="test-dir").first() or core_services.unit_create(
        actor=None,
        data={"code": "test-dir", "parent": None, "kind": UnitKind.INSTITUTION, "name": "Unit uji di luar biro"},
        system=True,
    )
    assert not bpom.contains(unit)  # a separate tree: nothing of the bureau's is theirs
    user = core_services.user_create(
        actor=None, username="staf.luar", password=None, role=Role.STAFF, unit=unit, system=True
    )
    core_services.staff_member_create(
        actor=None,
        data={
            "full_name": "Pegawai Luar Biro",
            "unit": unit,
            "user": user,
            "employment": "contract",
            "education": "s1",
            "birth_year": 1990,
            "position": "staff",
        },
        system=True,
    )
    return user


def test_requests_are_visible_only_to_whom_the_page_is(user_of, outsider):
    bureau_request = TravelRequest.objects.filter(is_illustrative=True).order_by("pk").first()
    assert bureau_request is not None
    staff = _client(user_of("staf.oi"))
    listed = staff.get("/api/v1/travel/requests/?year=2017&page_size=500").json()
    assert listed["count"] == TravelRequest.objects.filter(departure_date__year=2017).count()

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
    assert stranger.get("/api/v1/travel/on-time/2017/").status_code == 403


def test_a_request_from_draft_to_submitted_and_worked(user_of, outsider):
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
    other = dict(payload, requesting_unit=user_of("staf.oi").unit_id)
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
    bureau = _client(user_of("staf.oi"))
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


def test_on_time_figure_is_the_pages(client_for, user_of):
    response = _client(user_of("kepala.biro")).get("/api/v1/travel/on-time/2017/")
    assert response.status_code == 200
    data = response.json()
    result = travel_selectors.on_time(2017)
    assert data["measured"] == result.measured == len(data["rows"])
    assert data["on_time"] == result.on_time_count
    assert data["percentage"] == "95.03"
    client = _client(user_of("kepala.biro"))
    for odd in ("²", "0017", "abc", "99999"):
        answer = client.get(f"/api/v1/travel/on-time/{odd}/")
        assert answer.status_code == 404 and answer["Content-Type"].startswith("application/"), odd
    assert json.loads(client.get("/api/v1/travel/on-time/1999/").content)["measured"] == 0


def test_travel_is_in_the_calendar_feed(user_of, outsider):
    request = draft(outsider, FUTURE, FUTURE + dt.timedelta(days=3))
    events = Calendar.from_ical(feed.render(outsider)).walk("VEVENT")
    uids = {str(e["uid"]) for e in events}
    assert f"travel-{request.pk}@mitra" in uids
    # Another unit's staff do not get it in their feed.
    other = Calendar.from_ical(feed.render(user_of("staf.bilateral"))).walk("VEVENT")
    assert f"travel-{request.pk}@mitra" not in {str(e["uid"]) for e in other}
