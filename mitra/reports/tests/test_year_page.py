"""The year's reports page (/laporan/<year>/): a fixed number of queries however much the year holds, and the
consistency check it shows kept only as long as the data it checked is unchanged (consistency.year_findings)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.cooperation.tests.factories import CooperationFactory, MeetingFactory, PositionPaperFactory
from mitra.core.tests.factories import ReaderFactory, bureau, logged_in
from mitra.reports import consistency
from mitra.reports.models import NarrativeKey
from mitra.reports.services import narrative_save

from .factories import ReportYear, report_year

pytestmark = pytest.mark.django_db

# A reader of the bureau, the findings in the cache: session, user and the user's unit; the data version (the newest
# audited write of what a report reads) and whether the date is part of it; the cached findings; the narratives,
# the units with monitoring reports, the years (two), the permissions (two), last year's narratives, the issued
# revisions and the review; and the session's save (three).
YEAR_PAGE_QUERIES = 18
# The same page with an empty cache: the LAKIP built and checked (the performance, staff and registry figures,
# one query per kind), and the findings stored. The key indicator's counts are one query (they were seven, and its
# records' ids were read twice: 97-99 queries on the demo's 2017 before).
YEAR_PAGE_QUERIES_BUILDING = 70


def _grow(ry: ReportYear, n: int) -> None:
    """n cooperations developed in the year: a position paper, a meeting with active participation, or both."""
    unit = bureau()
    for i in range(n):
        cooperation = CooperationFactory.create(responsible_unit=unit)
        if i % 3 != 1:
            PositionPaperFactory.create(cooperation=cooperation, year=ry.year, responsible_unit=unit)
        if i % 3 != 0:
            MeetingFactory.create(
                cooperation=cooperation,
                responsible_unit=unit,
                active_participation=True,
                start_date=dt.date(ry.year, 5, 1 + i % 28),
                end_date=dt.date(ry.year, 5, 1 + i % 28),
            )


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_year_page_reads_a_fixed_number_of_queries_cached_or_not():
    ry = report_year()
    _grow(ry, 1)
    client = logged_in(ReaderFactory.create(unit=bureau()))
    url = reverse("reports:year", args=[ry.year])
    client.get(url)  # warm-up: menu badges, content types; the findings are now cached
    small = _count(client, url)
    cache.clear()
    small_building = _count(client, url)

    _grow(ry, 30)  # still listed in full in Table 6 (up to TABLE_6_FULL_MAX)
    client.get(url)  # the data changed: this one builds the report again
    large = _count(client, url)
    cache.clear()
    large_building = _count(client, url)

    assert (small, small_building) == (YEAR_PAGE_QUERIES, YEAR_PAGE_QUERIES_BUILDING)
    assert (large, large_building) == (small, small_building)


def test_the_page_checks_again_once_the_data_changed():
    ry = report_year()
    client = logged_in(ReaderFactory.create(unit=bureau()))
    url = reverse("reports:year", args=[ry.year])
    assert 'data-level="error"' not in client.get(url).content.decode()
    # A narrative naming a figure the report does not have (saved without the form's check): an error to correct.
    narrative_save(
        actor=None, year=ry.year, key=NarrativeKey.SUMMARY, text="{{ no.such_figure }}", expected_version=0, system=True
    )
    page = client.get(url).content.decode()
    assert 'data-level="error"' in page and "no.such_figure" in page
    assert [f for f in consistency.year_findings(ry.year, "id") if f.level == "error"]


def test_findings_are_kept_per_language():
    ry = report_year()
    narrative_save(
        actor=None, year=ry.year, key=NarrativeKey.SUMMARY, text="{{ no.such_figure }}", expected_version=0, system=True
    )
    indonesian = [f.where for f in consistency.year_findings(ry.year, "id")]
    from django.utils import translation

    with translation.override("en"):
        english = [f.where for f in consistency.year_findings(ry.year, "en")]
    assert indonesian != english  # the narrative section named in each language
