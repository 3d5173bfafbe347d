"""Years and months out of range answer 404, not a server error (issue 15, item 5)."""

from __future__ import annotations

import pytest

from mitra.core.tests.factories import LeadershipFactory, UserFactory, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    client = logged_in(LeadershipFactory.create())
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("year", [0, 1, 10000, 99999999999])
@pytest.mark.parametrize("page", ["tepat-waktu", "sub-kegiatan"])
def test_years_out_of_range_are_404(client, page, year):
    assert client.get(f"/perjalanan/{page}/{year}/").status_code == 404


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "0100-06"])
@pytest.mark.parametrize("page", ["kalender/", "kalender.ics"])
def test_months_out_of_range_are_404(client, page, month):
    assert client.get(f"/perjalanan/{page}?bulan={month}").status_code == 404


@pytest.mark.parametrize("page", ["kalender/", "kalender.ics"])
def test_months_in_range_still_answer(client, page):
    assert client.get(f"/perjalanan/{page}?bulan=2017-06").status_code == 200
    assert client.get(f"/perjalanan/{page}?bulan=nonsense").status_code == 200  # falls back to this month


def test_meeting_parameter_only_from_ascii_digits():
    client = logged_in(UserFactory.create())
    client.raise_request_exception = False
    for value in ["²", "٣", "99999999999999999999999"]:
        assert client.get(f"/perjalanan/baru/?meeting={value}").status_code == 200
