"""The shared default year (core.years) and the indicators opening on it (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mitra.cooperation import indicators
from mitra.cooperation.models import Meeting, PositionPaper
from mitra.cooperation.tests.factories import MeetingFactory, PositionPaperFactory
from mitra.core import years
from mitra.core.tests.factories import UnitFactory, UserFactory, logged_in

pytestmark = pytest.mark.django_db


def test_latest_year_reads_dates_and_year_numbers_and_ignores_later_years():
    today = dt.date(2020, 6, 1)
    unit = UnitFactory.create()
    sources = [
        (Meeting.objects.filter(responsible_unit=unit), "start_date"),
        (PositionPaper.objects.filter(responsible_unit=unit), "year"),
    ]
    assert years.latest_year(sources, today) == 2020  # nothing at all: this year
    assert years.latest_date(sources, today) is None
    MeetingFactory.create(start_date=dt.date(2016, 4, 1), end_date=dt.date(2016, 4, 2), responsible_unit=unit)
    PositionPaperFactory.create(year=2018, responsible_unit=unit)
    future = dt.date(2021, 1, 5)  # after "this year"
    MeetingFactory.create(start_date=future, end_date=future, responsible_unit=unit)
    PositionPaperFactory.create(year=2022, responsible_unit=unit)
    assert years.latest_year(sources, today) == 2018
    assert years.latest_date(sources[:1], today) == dt.date(2016, 4, 1)
    assert years.latest_year(sources, dt.date(2021, 2, 1)) == 2021


def test_the_indicators_open_on_the_latest_year_with_records():
    client = logged_in(UserFactory.create())
    this_year = timezone.localdate().year
    PositionPaperFactory.create(year=2019)  # later than any other record in the database
    PositionPaperFactory.create(year=this_year + 1)  # planned, after this year
    assert indicators.latest_year() == 2019
    response = client.get(reverse("cooperation:indicator-index"))
    assert response["Location"] == reverse("cooperation:indicator", args=["cooperation.developments", 2019])
    asked = client.get(reverse("cooperation:indicator-index") + "?year=2016&key=cooperation.position_papers")
    assert asked["Location"] == reverse("cooperation:indicator", args=["cooperation.position_papers", 2016])
