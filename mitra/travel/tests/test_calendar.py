"""The month calendar stays bounded however busy the month (issue 17): a day names its first few trips and counts
the rest, which its "+N more" link lists below; the list of the month is paged; the iCalendar keeps every trip."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core.models import User
from mitra.core.tests.factories import StaffFactory, UserFactory, logged_in
from mitra.travel import selectors, services, views
from mitra.travel.models import TravelRequest

from .helpers import draft

D = dt.date

pytestmark = pytest.mark.django_db

CALENDAR = reverse("travel:calendar")


def trip(owner: User, departure: dt.date, back: dt.date, city: str, travellers: int = 1) -> TravelRequest:
    """A submitted request (the calendar shows submitted, ready and completed ones) with `travellers` people."""
    request = draft(owner, departure, back, destination_city=city)
    for _ in range(travellers):
        services.traveller_add(
            actor=owner,
            request=request,
            staff_member=StaffFactory.create(unit=owner.unit),
            passport_number="X1234567",
            passport_expires_on=back.replace(year=back.year + 3),
        )
    services.request_submit(actor=owner, request=request, on=departure - dt.timedelta(days=30))
    return request


def busy_june(owner: User) -> tuple[list[TravelRequest], TravelRequest]:
    """Five trips away 10–12 June 2013 (the first with two travellers) and one 20–21 June."""
    busy = [trip(owner, D(2013, 6, 10), D(2013, 6, 12), f"Kota{i}", travellers=2 if i == 0 else 1) for i in range(5)]
    return busy, trip(owner, D(2013, 6, 20), D(2013, 6, 21), "Jenewa")


def _get(client: Client, query: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CALENDAR + query)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_a_busy_day_names_its_first_trips_counts_them_all_and_links_to_the_rest():
    owner = UserFactory.create()
    busy, other = busy_june(owner)
    _queries, page = _get(logged_in(owner), "?bulan=2013-06")
    named = selectors.CALENDAR_NAMED_PER_DAY
    assert named == 3
    # 10, 11 and 12 June name three trips each (the first three to leave), 20 and 21 June one each.
    assert page.count('data-testid="calendar-trip"') == 3 * named + 2
    assert page.count('data-testid="calendar-more"') == 3
    assert page.count("+2 lagi") == 3 and "?bulan=2013-06&amp;hari=11#daftar" in page
    # Every day away says how many trips and travellers (six people on the five trips of 10 June).
    assert page.count('data-testid="calendar-day-count"') == 5
    assert "5 perjalanan berlangsung, 6 pelaku perjalanan" in page
    assert "1 perjalanan berlangsung, 1 pelaku perjalanan" in page
    # The month's list gives all six trips.
    assert "Perjalanan bulan ini (6)" in page
    for request in [*busy, other]:
        assert request.get_absolute_url() in page


def test_the_more_link_lists_every_trip_of_that_day():
    owner = UserFactory.create()
    busy, other = busy_june(owner)
    client = logged_in(owner)
    _queries, page = _get(client, "?bulan=2013-06&hari=11")
    assert "Perjalanan yang berlangsung pada 11 Juni 2013 (5)" in page
    listed = page.split('id="daftar"')[1]
    assert all(request.get_absolute_url() in listed for request in busy)
    assert other.get_absolute_url() not in listed
    assert 'data-testid="whole-month"' in listed and 'aria-current="date"' in page
    # A day nobody is away, and a day the month does not have or not a number: the whole month instead.
    _queries, quiet = _get(client, "?bulan=2013-06&hari=15")
    assert "Tidak ada yang bepergian pada hari itu." in quiet
    for wrong in ("31", "0", "x", "-1"):
        _queries, whole = _get(client, f"?bulan=2013-06&hari={wrong}")
        assert "Perjalanan bulan ini (6)" in whole, wrong


def test_the_list_is_paged_and_the_query_count_does_not_grow(monkeypatch):
    owner = UserFactory.create()
    client = logged_in(owner)
    first = trip(owner, D(2013, 6, 3), D(2013, 6, 4), "Awal")
    client.get(reverse("core:home"))  # the menu's work counts are counted once per session
    one_trip, _page = _get(client, "?bulan=2013-06")
    busy, other = busy_june(owner)
    monkeypatch.setattr(views, "CALENDAR_LIST_PAGE_SIZE", 2)
    counts = {}
    counts["month"], page = _get(client, "?bulan=2013-06")
    listed = page.split('id="daftar"')[1]
    assert first.get_absolute_url() in listed and busy[0].get_absolute_url() in listed
    assert busy[1].get_absolute_url() not in listed and "Halaman 1 dari 4" in listed
    assert "?bulan=2013-06&amp;page=2" in listed
    counts["page 4"], page = _get(client, "?bulan=2013-06&page=4")
    listed = page.split('id="daftar"')[1]
    assert other.get_absolute_url() in listed and busy[4].get_absolute_url() not in listed
    counts["day, page 2"], page = _get(client, "?bulan=2013-06&hari=10&page=2")
    listed = page.split('id="daftar"')[1]
    assert busy[2].get_absolute_url() in listed and busy[3].get_absolute_url() in listed
    assert "?bulan=2013-06&amp;hari=10&amp;page=3" in listed
    # One query for the month's trips, one for the travellers of the trips shown: seven trips or one, any page.
    assert set(counts.values()) == {one_trip}, counts


def test_the_icalendar_export_keeps_every_trip():
    owner = UserFactory.create()
    busy, other = busy_june(owner)
    body = logged_in(owner).get(reverse("travel:calendar-ics") + "?bulan=2013-06").content.decode()
    assert body.count("BEGIN:VEVENT") == 6
    for request in [*busy, other]:
        assert request.destination_city in body


def test_a_trip_across_the_months_is_on_the_days_of_each_month_it_is_away():
    owner = UserFactory.create()
    across = trip(owner, D(2013, 5, 30), D(2013, 6, 2), "Lintas")
    client = logged_in(owner)
    for month, days in (("2013-05", 2), ("2013-06", 2)):
        _queries, page = _get(client, f"?bulan={month}")
        assert page.count('data-testid="calendar-day-count"') == days, month
        assert page.count(f'href="{across.get_absolute_url()}" data-testid="calendar-trip"') == days, month
    _queries, page = _get(client, "?bulan=2013-07")
    assert 'data-testid="calendar-trip"' not in page


def test_the_calendar_reads_only_what_it_shows_of_trips_and_travellers():
    """A month at ten years of data has ~150 trips (issue 17): the month's query reads their dates, city and
    country, not every column; the travellers' query reads their names, without their units or a join to the
    requests to order them."""
    owner = UserFactory.create()
    busy_june(owner)
    client = logged_in(owner)
    client.get(reverse("core:home"))  # the menu's work counts are counted once per session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(CALENDAR + "?bulan=2013-06").status_code == 200
    [month] = [q["sql"] for q in ctx.captured_queries if 'FROM "travel_travelrequest"' in q["sql"]]
    assert '"travel_travelrequest"."destination_city"' in month
    assert '"travel_travelrequest"."purpose"' not in month and '"travel_travelrequest"."notes"' not in month
    [travellers] = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "travel_traveller"')]
    assert '"core_staffmember"."full_name"' in travellers
    assert "core_organisationunit" not in travellers and "travel_travelrequest" not in travellers


def test_a_trip_names_its_travellers_in_name_order_and_its_destination():
    """A day of the grid names each traveller by the first two words of the name, the month's list by the whole
    name, both in name order; both link to the request, and the list adds the destination country."""
    owner = UserFactory.create()
    request = draft(owner, D(2013, 6, 10), D(2013, 6, 11), destination_city="Jenewa")
    for name in ("Wulan Sari Dewi Lestari", "Adi Nugroho"):
        services.traveller_add(
            actor=owner,
            request=request,
            staff_member=StaffFactory.create(unit=owner.unit, full_name=name),
            passport_number="X1234567",
            passport_expires_on=D(2016, 6, 11),
        )
    services.request_submit(actor=owner, request=request, on=D(2013, 5, 10))
    _queries, page = _get(logged_in(owner), "?bulan=2013-06")
    grid, listed = page.split('id="daftar"')
    url = request.get_absolute_url()
    assert grid.count(f'<a class="d-block small text-truncate" href="{url}" data-testid="calendar-trip">') == 2
    assert "Adi Nugroho, Wulan Sari … → Jenewa</a>" in grid
    country = request.destination_country.name
    assert f'<li><a href="{url}">' in listed
    assert f"Adi Nugroho, Wulan Sari Dewi Lestari → Jenewa, {country}</a></li>" in listed
