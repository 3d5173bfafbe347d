"""The countries list counts partner institutions per country in its query, and the live meetings of the countries
of the page in one grouped query."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.cooperation import services as registry_services
from mitra.cooperation.models import Meeting
from mitra.cooperation.tests.factories import InstitutionFactory, MeetingFactory
from mitra.core.tests.factories import AdminFactory, ReaderFactory, logged_in
from mitra.partners.models import Country, Institution
from mitra.partners.selectors import count_meetings, countries_with_activity

pytestmark = pytest.mark.django_db


def row(page: str, code: str) -> tuple[int, int] | None:
    match = re.search(rf"<td>{code}</td><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>", page)
    return (int(match.group(1)), int(match.group(2))) if match else None


def pair(country: Any) -> tuple[int, int]:
    return country.n_institutions, country.n_meetings


def test_the_counts_are_those_of_each_country_and_deleted_meetings_do_not_count():
    admin = AdminFactory.create()
    for _ in range(2):
        InstitutionFactory.create(country=Country.objects.get(code="KR"))
    for _ in range(3):
        MeetingFactory.create(country=Country.objects.get(code="TH"))
    gone = MeetingFactory.create(country=Country.objects.get(code="TH"))
    registry_services.delete(actor=admin, instance=gone, expected_version=gone.version, reason="Salah input")
    MeetingFactory.create(country=Country.objects.get(code="KR"))
    expected = {
        c.code: (
            Institution.objects.filter(country=c).count(),
            Meeting.objects.filter(country=c).count(),
        )
        for c in Country.objects.all()
    }
    shown = {c.code: pair(c) for c in count_meetings(countries_with_activity(Country.objects.all()))}
    assert shown == {code: pair for code, pair in expected.items() if pair != (0, 0)}
    thailand = Meeting.all_objects.filter(country="TH")
    assert thailand.filter(pk=gone.pk, deleted_at__isnull=False).exists()
    assert shown["TH"][1] == thailand.count() - 1 >= 3 and shown["KR"][1] >= 1
    everyone = count_meetings(countries_with_activity(Country.objects.all(), everyone=True))
    assert {c.code: pair(c) for c in everyone} == expected
    assert [c.name_id for c in everyone] == sorted(c.name_id for c in everyone)

    client = logged_in(ReaderFactory.create())
    page = client.get(reverse("partners:country-list"), {"all": "1", "q": "Thai"}).content.decode()
    assert row(page, "TH") == expected["TH"] and row(page, "KR") is None
    page = client.get(reverse("partners:country-list"), {"q": "Korea"}).content.decode()
    assert row(page, "KR") == expected["KR"]


def test_a_page_counts_the_meetings_of_its_own_countries_only():
    """The meetings are counted for the 50 countries a page shows (a grouped query over theirs), rightly on every
    page, whatever the other countries hold."""
    for code in ("AF", "ZW"):  # first and last in name order: pages 1 and 5 of every country
        for _ in range(2):
            MeetingFactory.create(country=Country.objects.get(code=code))
    client = logged_in(ReaderFactory.create())
    url = reverse("partners:country-list")
    pages = {n: client.get(url, {"all": "1", "page": str(n)}) for n in (1, 5)}
    first, last = (pages[n].content.decode() for n in (1, 5))
    assert row(first, "AF") == (0, 2) and row(first, "ZW") is None
    assert row(last, "ZW") == (0, 2) and row(last, "AF") is None
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, {"all": "1", "page": "1"})
    # COUNT(*), not of the id: PostgreSQL counts them from the index meeting_country_latest alone.
    counts = [q["sql"] for q in ctx.captured_queries if 'COUNT(*) AS "n" FROM "cooperation_meeting"' in q["sql"]]
    assert len(counts) == 1 and "'AF'" in counts[0] and "'ZW'" not in counts[0], counts
