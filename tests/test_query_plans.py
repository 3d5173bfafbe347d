"""Queries of pages whose time grew with the data until an index answered them (issue 17), checked by SQLite's
plan: the home page's "my work" travel rows and the key indicator's marks must be found through their index, not
by scanning every travel request or every meeting of each cooperation listed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from mitra.cooperation import indicators, selectors
from mitra.cooperation.tests.factories import CooperationFactory, MeetingFactory
from mitra.core.tests.factories import ReaderFactory, bureau
from mitra.travel import work

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's EXPLAIN QUERY PLAN"),
]


def _plans(call: object) -> list[tuple[str, str]]:
    """Each query `call()` makes, with SQLite's plan of it (one line per step) for the parameters it was run with:
    SQLite may plan a query with a bound parameter differently from the same query with the value written in (a
    partial index `status IN ('a', 'b')` serves only a query that writes that list: core/lookups.py)."""
    queries: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call()  # type: ignore[operator]
    out = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            out.append((sql, "\n".join(row[3] for row in cursor.fetchall())))
    return out


def test_my_work_finds_open_requests_and_trip_reports_by_status_and_return_date():
    reader = ReaderFactory.create(unit=bureau())
    today = dt.date(2017, 6, 1)
    for call in (lambda: work.my_requests(reader, today), lambda: work.trip_reports_due(reader, today)):
        plans = [plan for sql, plan in _plans(call) if sql.startswith('SELECT "travel_travelrequest"')]
        assert plans, "no query of the travel requests"
        for plan in plans:
            assert "travel_status_return" in plan and "SCAN travel_travelrequest" not in plan, plan


def test_the_key_indicator_marks_its_page_of_cooperations_from_the_meetings_index():
    MeetingFactory.create(responsible_unit=bureau(), active_participation=True, start_date=dt.date(2017, 3, 1))
    rows = indicators.cooperation_developments(2017).rows
    plans = [plan for sql, plan in _plans(lambda: rows[0:100]) if sql.startswith('SELECT "cooperation_meeting"')]
    assert len(plans) == 1
    assert "USING COVERING INDEX meeting_cooperation_year" in plans[0], plans[0]


def test_the_key_indicator_finds_its_page_of_cooperations_one_by_one():
    """A page of the key indicator's list probes the cooperations in order (EXISTS through the indexes on the
    cooperation) instead of first reading every position paper and active meeting of the year; the count of them
    all reads the year's meetings from their index once."""
    for day in (1, 2):
        MeetingFactory.create(responsible_unit=bureau(), active_participation=True, start_date=dt.date(2017, 3, day))
    rows = indicators.cooperation_developments(2017).rows
    plans = _plans(lambda: (len(rows), rows[0:100]))
    [count] = [plan for sql, plan in plans if sql.startswith('SELECT COUNT(*) AS "__count" FROM "cooperation_coop')]
    assert "USING COVERING INDEX meeting_year_participation" in count, count
    [page] = [plan for sql, plan in plans if sql.startswith('SELECT "cooperation_cooperation"."id"')]
    assert "CORRELATED" in page and "meeting_cooperation_year" in page and "LIST SUBQUERY" not in page, page
    assert "USE TEMP B-TREE" not in page, page


def test_a_profile_with_many_cooperations_counts_its_own_open_follow_ups_from_the_live_open_index():
    """ASEAN's 12,968 open follow-ups at N=100 are counted from the partial index of the live open ones alone, not
    by seeking each open status in followup_coop_open (selectors._open_count_sql)."""
    cooperation = CooperationFactory.create(responsible_unit=bureau())
    plans = _plans(lambda: selectors._first_and_count([cooperation.pk], 20, walk=True))
    [plan] = [plan for sql, plan in plans if "COUNT(*)" in sql]
    own = plan.split("SCALAR SUBQUERY")[1]  # the first count: the cooperations' own
    assert "USING INDEX followup_coop_live_open (cooperation_id=?)" in own, plan
