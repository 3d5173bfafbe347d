"""The travel pages read requests through indexes, not by scanning every request (issue 17: at ten years of data,
16,000 requests, the queue's median grew ×1.56 by such scans)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core.tests.factories import UserFactory, logged_in

from .test_calendar import CALENDAR, busy_june

pytestmark = pytest.mark.django_db


def _plans(client: Client, url: str) -> list[str]:
    """The steps of the query plans of a page's reads of travel requests."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    steps = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            sql = query["sql"]
            if sql.startswith("SELECT") and "travel_travelrequest" in sql:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                steps += [row[3] for row in cursor.fetchall()]
    return steps


def _full_scans(steps: list[str]) -> list[str]:
    return [step for step in steps if step.startswith("SCAN ") and " USING " not in step]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")
def test_the_queue_and_the_calendar_read_requests_through_their_indexes():
    """The queue's late and next steps pick the open requests from the partial index travelrequest_open; the
    calendar's month reads travelrequest_dates (the return is tested in the index, only the month's rows are read),
    and neither scans every request."""
    owner = UserFactory.create()
    busy_june(owner)
    client = logged_in(owner)
    client.get(reverse("core:home"))  # the menu's work counts are counted once per session
    queue = _plans(client, reverse("travel:queue"))
    assert sum("USING INDEX travelrequest_open" in step for step in queue) == 2, queue  # late and next due
    month = _plans(client, CALENDAR + "?bulan=2013-06")
    assert _full_scans(month) == [] and any("INDEX travelrequest_dates" in step for step in month), month
