"""The travel pages read requests through indexes, not by scanning every request (issue 17: at ten years of data,
16,000 requests, the queue's median grew ×1.56 by such scans)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from mitra.core.tests.factories import UserFactory, logged_in
from mitra.travel.models import TravelStatus

from .test_calendar import CALENDAR, busy_june

pytestmark = pytest.mark.django_db


def _plans(client: Client, url: str) -> list[str]:
    """The steps of the query plans of a page's reads of travel requests, explained with the parameters they were
    run with: SQLite plans a query whose condition holds a bound parameter differently from the same query with the
    value written in (a partial index `status IN ('a', 'b')` serves only a query that writes that list)."""
    queries: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get(url).status_code == 200
    steps = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            if sql.startswith("SELECT") and "travel_travelrequest" in sql:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                steps += [row[3] for row in cursor.fetchall()]
    return steps


def _full_scans(steps: list[str]) -> list[str]:
    return [step for step in steps if step.startswith("SCAN ") and " USING " not in step]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")
def test_the_queue_and_the_calendar_read_requests_through_their_indexes():
    """The queue's late and next steps pick the open requests from the partial index travelrequest_open and its
    counts by status read the index travelrequest_status_count; the calendar's month reads travelrequest_dates
    (the return is tested in the index, only the month's rows are read), and neither scans every request."""
    owner = UserFactory.create()
    busy_june(owner)
    client = logged_in(owner)
    client.get(reverse("core:home"))  # the menu's work counts are counted once per session
    queue = _plans(client, reverse("travel:queue"))
    assert sum("USING INDEX travelrequest_open" in step for step in queue) == 2, queue  # late and next due
    # The counts by status come from travelrequest_status_count, on lower(status): the same groups only because
    # every status code is lower case.
    assert "SCAN travel_travelrequest USING INDEX travelrequest_status_count" in queue, queue
    assert all(code == code.lower() for code in TravelStatus.values)
    assert _full_scans(queue) == [], queue
    month = _plans(client, CALENDAR + "?bulan=2013-06")
    assert _full_scans(month) == [] and any("INDEX travelrequest_dates" in step for step in month), month


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")
def test_my_work_on_the_home_page_reads_unfinished_requests_through_their_partial_index():
    """The home page's travel rows of "my work" (the unit's requests not yet back, the trip reports due) come from
    the partial index travel_status_return, with the statuses of its condition written into the query (a bound
    `status IN (?, ?, ?)` made SQLite walk every request by departure date, issue 17)."""
    owner = UserFactory.create()
    busy_june(owner)
    client = logged_in(owner)
    client.get(reverse("core:home"))  # the menu's work counts are counted once per session
    home = _plans(client, reverse("core:home"))
    assert sum("USING INDEX travel_status_return" in step for step in home) == 2, home
    assert [step for step in home if step.startswith("SCAN")] == [], home
