"""Travel pages with a year open on the latest year with a departure, not on an empty current year (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mitra.core.models import User
from mitra.core.tests.factories import DirectorateFactory, LeadershipFactory, UserFactory, logged_in
from mitra.travel import selectors
from mitra.travel.models import TravelRequest

from .factories import ProcessorFactory
from .helpers import draft, through


def trip(owner: User, departure: dt.date) -> TravelRequest:
    """A submitted request (counted by the year pages and the calendar) departing on `departure`."""
    return through(
        owner, ProcessorFactory.create(), departure, departure + dt.timedelta(days=4), departure, complete=False
    )


pytestmark = pytest.mark.django_db


def requester() -> User:
    """Staff of a directorate outside the bureau: sees only the unit's own requests."""
    return UserFactory.create(unit=DirectorateFactory.create())


def test_the_year_pages_open_on_the_latest_year_with_a_departure_not_a_future_one():
    owner = requester()
    this_year = timezone.localdate().year
    assert not selectors.visible_requests(owner).exists()
    assert selectors.latest_year(owner) == this_year  # nothing the user may see: this year
    draft(owner, dt.date(2018, 5, 2), dt.date(2018, 5, 6))  # a draft is not counted
    assert selectors.latest_year(owner) == this_year
    trip(owner, dt.date(2016, 5, 2))
    assert selectors.latest_year(owner) == 2016
    trip(owner, dt.date(2019, 3, 4))  # later than any other request in the database
    planned = trip(owner, dt.date(2019, 6, 3))
    later = dt.date(this_year + 2, 1, 9)  # planned, after this year
    TravelRequest.objects.filter(pk=planned.pk).update(departure_date=later, return_date=later)
    assert selectors.latest_year(owner) == selectors.latest_year() == 2019
    client = logged_in(LeadershipFactory.create())
    assert client.get(reverse("travel:on-time-latest"))["Location"] == reverse("travel:on-time", args=[2019])
    assert client.get(reverse("travel:trips-latest"))["Location"] == reverse("travel:trips", args=[2019])
    # The travel menu on a page without a year links there; on a year page, to that year.
    queue = client.get(reverse("travel:queue")).content.decode()
    assert reverse("travel:on-time-latest") in queue
    assert reverse("travel:trips", args=[2016]) in client.get(reverse("travel:on-time", args=[2016])).content.decode()


def test_the_calendar_opens_on_the_month_of_the_latest_trip_the_user_may_see():
    owner = requester()
    trip(owner, dt.date(2017, 3, 6))
    page = logged_in(owner).get(reverse("travel:calendar")).content.decode()
    assert 'data-testid="calendar-trip"' in page and '<option value="3" selected>' in page and "2017" in page
    # Someone of another unit sees none of that unit's trips: the calendar opens on this month.
    stranger = logged_in(requester()).get(reverse("travel:calendar")).content.decode()
    today = timezone.localdate()
    assert f'<option value="{today.month}" selected>' in stranger and 'data-testid="calendar-trip"' not in stranger
    # An explicit month is kept.
    june = logged_in(owner).get(reverse("travel:calendar") + "?bulan=2017-06").content.decode()
    assert '<option value="6" selected>' in june
