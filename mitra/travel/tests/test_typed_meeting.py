"""The travel request form types its meeting with suggestions (core/suggest.py) instead of a select of every
meeting: ?meeting=<id> still pre-fills it, and the typed meeting is saved by its id."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from mitra.cooperation.tests.factories import MeetingFactory
from mitra.core.tests.factories import DirectorateFactory, UserFactory, logged_in
from mitra.travel.models import TravelRequest

from .factories import ProcessorFactory
from .helpers import draft

pytestmark = pytest.mark.django_db


def test_the_request_form_types_its_meeting():
    meeting = MeetingFactory.create(title="Rapat untuk perjalanan")
    other = MeetingFactory.create(title="Rapat lain sama sekali")
    owner = UserFactory.create()
    client = logged_in(owner)
    url = reverse("travel:request-create")
    html = client.get(url, {"meeting": meeting.pk}).content.decode()
    assert f'value="Rapat untuk perjalanan (#{meeting.pk})"' in html
    assert 'list="id_meeting-options"' in html and "Rapat lain sama sekali" not in html
    assert not re.search(r"<option[^>]*>Rapat", html)
    data = {
        "requesting_unit": owner.unit_id,
        "meeting": f"Rapat lain sama sekali (#{other.pk})",
        "destination_city": "Kota uji ketik",
        "destination_country": "CH",
        "departure_date": "2018-05-10",
        "return_date": "2018-05-12",
        "funding_source": "unit",
        "estimated_cost": "1000",
    }
    assert client.post(url, data).status_code == 302
    assert TravelRequest.objects.get(destination_city="Kota uji ketik").meeting_id == other.pk
    response = client.post(url, {**data, "meeting": "Rapat tanpa nomor"})
    assert response.status_code == 200
    assert "meeting" in response.context["form"].errors


def test_request_suggestions_show_only_the_requests_the_user_may_see():
    """/saran/travelrequest/ answers another unit's user with none of a unit's requests (as the request pages and
    search hide them), and the travel service, which reads every request, with the request."""
    # Staff of two directorates outside the bureau: each sees only its own unit's requests.
    owner = UserFactory.create(unit=DirectorateFactory.create())
    outsider = UserFactory.create(unit=DirectorateFactory.create())
    request = draft(owner, dt.date(2031, 3, 2), dt.date(2031, 3, 5), purpose="Perundingan rahasia Zaragoza")
    url = reverse("core:record-suggest", args=["travelrequest"])

    def found(user) -> list[str]:  # type: ignore[no-untyped-def]
        return [row["value"] for row in logged_in(user).get(url, {"q": "Zaragoza"}).json()["results"]]

    assert found(outsider) == []
    assert found(owner) == [f"{request} (#{request.pk})"]
    assert found(ProcessorFactory.create()) == [f"{request} (#{request.pk})"]
