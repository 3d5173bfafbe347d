"""The count-only path of the indicator sources gives the figures of the full lists.

Every source counts in SQL and builds its records only as far as they are read (core.lazyrows.LazyRows). These
tests build edge cases on factories (soft-deleted records, illustrative records, records of other units, records
on either side of a year boundary) and check, for every registered source, that the figure equals the length of
the full list, that a page of the list is that part of the full list, and that the ids are the full list's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.utils import timezone

from mitra.cooperation import indicators, services
from mitra.cooperation.models import (
    EffectivenessRule,
    FollowUpStatus,
    MeetingMode,
    Scope,
    StudyKind,
)
from mitra.cooperation.tests.factories import (
    AgreementFactory,
    CooperationFactory,
    FollowUpFactory,
    ForumFactory,
    MeetingFactory,
    OutreachEventFactory,
    PositionPaperFactory,
    PublicationFactory,
    StudyFactory,
)
from mitra.core.lazyrows import LazyRows
from mitra.core.tests.factories import AdminFactory, StaffFactory, UserFactory, bureau
from mitra.partners.models import Country, ForumScope
from mitra.performance import metrics, sources
from mitra.travel import selectors as travel
from mitra.travel import services as travel_services
from mitra.travel.tests.factories import ProcessorFactory
from mitra.travel.tests.helpers import draft, through

pytestmark = pytest.mark.django_db

YEAR = 2091
D = dt.date


def _delete(record: Any) -> None:
    services.delete(actor=AdminFactory.create(), instance=record, expected_version=record.version, reason="test")


@pytest.fixture
def registry() -> dict[str, Any]:
    """Records of the year and of its neighbours, some deleted, some illustrative, in several units."""
    unit = bureau()
    paper_only = CooperationFactory.create(responsible_unit=unit, scope=Scope.BILATERAL)
    PositionPaperFactory.create(cooperation=paper_only, responsible_unit=unit, year=YEAR)
    PositionPaperFactory.create(cooperation=paper_only, responsible_unit=unit, year=YEAR)  # counted once
    meeting_only = CooperationFactory.create(
        scope=Scope.MULTILATERAL, forum=ForumFactory.create(scope=ForumScope.MULTILATERAL), is_illustrative=True
    )
    last_day = MeetingFactory.create(
        cooperation=meeting_only,
        responsible_unit=meeting_only.responsible_unit,
        active_participation=True,
        start_date=D(YEAR, 12, 31),
        end_date=D(YEAR + 1, 1, 2),
    )
    both = CooperationFactory.create(scope=Scope.REGIONAL, forum=ForumFactory.create())
    PositionPaperFactory.create(cooperation=both, responsible_unit=both.responsible_unit, year=YEAR)
    MeetingFactory.create(
        cooperation=both,
        responsible_unit=both.responsible_unit,
        active_participation=True,
        start_date=D(YEAR, 1, 1),
        end_date=D(YEAR, 1, 3),
        country=Country.objects.get(code="ID"),
    )
    # Outside the year: a paper of the year before, a meeting starting the day after the year.
    earlier = CooperationFactory.create()
    PositionPaperFactory.create(cooperation=earlier, responsible_unit=earlier.responsible_unit, year=YEAR - 1)
    MeetingFactory.create(
        cooperation=earlier,
        responsible_unit=earlier.responsible_unit,
        active_participation=True,
        start_date=D(YEAR + 1, 1, 1),
        end_date=D(YEAR + 1, 1, 2),
    )
    # A passive meeting does not count; a deleted paper, a deleted meeting and a deleted cooperation do not either.
    passive = CooperationFactory.create()
    MeetingFactory.create(
        cooperation=passive, responsible_unit=passive.responsible_unit, start_date=D(YEAR, 5, 1), end_date=D(YEAR, 5, 1)
    )
    deleted_paper = PositionPaperFactory.create(
        cooperation=passive, responsible_unit=passive.responsible_unit, year=YEAR
    )
    _delete(deleted_paper)
    gone = CooperationFactory.create()
    PositionPaperFactory.create(cooperation=gone, responsible_unit=gone.responsible_unit, year=YEAR)
    _delete(gone)
    deleted_meeting = MeetingFactory.create(active_participation=True, start_date=D(YEAR, 6, 1), end_date=D(YEAR, 6, 2))
    # Trips: delegation members of meetings abroad (not virtual, not deleted) starting in the year.
    admin = AdminFactory.create()
    for meeting, names in ((last_day, ["A", "B"]), (deleted_meeting, ["C"])):
        for name in names:
            services.add_delegation_member(actor=admin, meeting=meeting, data={"name": name, "role": "member"})
    virtual = MeetingFactory.create(start_date=D(YEAR, 7, 1), end_date=D(YEAR, 7, 1), mode=MeetingMode.VIRTUAL)
    services.add_delegation_member(actor=admin, meeting=virtual, data={"name": "D", "role": "member"})
    deleted_meeting.refresh_from_db()
    _delete(deleted_meeting)
    # Studies, outreach, editions on both sides of the year's first and last day.
    StudyFactory.create(year=YEAR, is_illustrative=True)
    StudyFactory.create(year=YEAR, kind=StudyKind.EXPLORATION)
    StudyFactory.create(year=YEAR - 1)
    _delete(StudyFactory.create(year=YEAR))
    OutreachEventFactory.create(date=D(YEAR, 1, 1))
    OutreachEventFactory.create(date=D(YEAR - 1, 12, 31))
    PublicationFactory.create(date=D(YEAR, 12, 31))
    PublicationFactory.create(date=D(YEAR + 1, 1, 1))
    _delete(PublicationFactory.create(date=D(YEAR, 3, 1)))
    # Effective: a completed follow-up of the year, of a meeting of a cooperation otherwise quiet.
    quiet = CooperationFactory.create()
    meeting = MeetingFactory.create(
        cooperation=quiet, responsible_unit=quiet.responsible_unit, start_date=D(YEAR, 2, 1), end_date=D(YEAR, 2, 1)
    )
    FollowUpFactory.create(meeting=meeting, status=FollowUpStatus.DONE, completed_on=D(YEAR, 3, 1))
    # Agreements: one in force in the year, one expired before it, one signed after it.
    AgreementFactory.create(cooperation=paper_only, responsible_unit=unit, date_signed=D(YEAR - 2, 1, 1))
    AgreementFactory.create(
        cooperation=both,
        responsible_unit=both.responsible_unit,
        date_signed=D(YEAR - 5, 1, 1),
        end_date=D(YEAR - 1, 12, 31),
    )
    AgreementFactory.create(cooperation=quiet, responsible_unit=quiet.responsible_unit, date_signed=D(YEAR + 1, 1, 1))
    return {"paper_only": paper_only, "meeting_only": meeting_only, "both": both, "quiet": quiet}


def _full(rows: Any) -> list[Any]:
    return list(iter(rows))


def _check_lazy(rows: Any, key: Any) -> None:
    """len() (a COUNT) is the full list's length; every page is that slice of the full list; ids are its ids."""
    assert isinstance(rows, LazyRows)
    full = _full(rows)
    assert len(rows) == len(full) == rows.count()
    assert bool(rows) == bool(full)
    assert rows.ids() == [key(r) for r in full]
    for per_page in (1, 2, 3):  # pages that start and end inside and across the parts
        paginator = Paginator(rows, per_page)
        paged = [key(r) for n in paginator.page_range for r in paginator.page(n).object_list]
        assert paged == [key(r) for r in full]
    assert [key(r) for r in rows[1:]] == [key(r) for r in full[1:]]


EXPECTED = {
    "cooperation.developments": 3,  # paper_only, meeting_only (31 December), both
    # Two of paper_only, one of both, and the one of the deleted cooperation (a paper is not deleted with its
    # cooperation and counted as before); not the deleted paper, not the year before's.
    "cooperation.position_papers": 4,
    "cooperation.active_meetings": 2,  # 1 January and 31 December
    "cooperation.trips": 2,  # A and B (C's meeting is deleted, D's is virtual)
    "cooperation.studies": 1,  # the illustrative study (not the exploration, the deleted one, the year before)
    "cooperation.outreach": 2,  # the event of 1 January and the edition of 31 December
    "cooperation.editions": 1,
    "cooperation.effective": 4,  # the default rule: meetings, papers, follow-ups, outreach; agreements in force
}


@pytest.mark.parametrize("key", sorted(indicators.INDICATORS))
def test_each_registry_figure_is_the_length_of_its_full_list(registry, key):
    if key == "cooperation.effective":
        EffectivenessRule.objects.create(year=YEAR, requires_agreement_in_force=False)
    indicator = indicators.INDICATORS[key](YEAR)
    _check_lazy(indicator.rows, lambda row: row.record.pk)
    assert indicator.count == EXPECTED[key]
    result = sources.get(key).compute(YEAR)
    records = _full(result.records)
    assert result.value == Decimal(len(records)) == Decimal(indicator.count)
    assert sources.record_ids(result.records) == [r.record_id for r in records]
    assert all(r.url for r in records)


def test_effective_with_an_agreement_in_force(registry):
    EffectivenessRule.objects.create(year=YEAR, requires_agreement_in_force=True, counts_studies=True)
    indicator = indicators.effective_cooperations(YEAR)
    _check_lazy(indicator.rows, lambda row: row.record.pk)
    # Only paper_only's agreement is in force in the year (both's ended the year before, quiet's came after).
    assert [row.record.pk for row in indicator.rows] == [registry["paper_only"].pk]
    nothing = EffectivenessRule.objects.filter(year=YEAR)
    nothing.update(
        counts_meetings=False,
        counts_position_papers=False,
        counts_follow_ups=False,
        counts_outreach=False,
        counts_studies=False,
    )
    assert (
        indicators.effective_cooperations(YEAR).count == 0 == len(_full(indicators.effective_cooperations(YEAR).rows))
    )


def test_table_6_counts_and_breakdown_match_the_marks_of_the_full_list(registry, django_assert_num_queries):
    rows = _full(indicators.cooperation_developments(YEAR).rows)
    marks = {row.record.pk: row.marks for row in rows}
    assert marks == {
        registry["paper_only"].pk: {"position": True, "participation": False},
        registry["meeting_only"].pk: {"position": False, "participation": True},
        registry["both"].pk: {"position": True, "participation": True},
    }
    counts = indicators.development_counts(YEAR)
    assert counts == {
        "count": len(rows),
        "position": sum(m["position"] for m in marks.values()),
        "participation": sum(m["participation"] for m in marks.values()),
        "both": sum(m["position"] and m["participation"] for m in marks.values()),
    }
    breakdown = indicators.development_breakdown(YEAR)
    assert breakdown == [
        (Scope.BILATERAL, 1, 1, 0),
        (Scope.REGIONAL, 1, 1, 1),
        (Scope.MULTILATERAL, 1, 0, 1),
    ]
    assert sum(n for _s, n, _p, _a in breakdown) == counts["count"]
    # One query gives all of it (the reports read it once for the figures and Table 6's summary).
    tally = indicators.development_tally(YEAR)
    assert tally == {Scope.BILATERAL: (1, 1, 0, 0), Scope.REGIONAL: (1, 1, 1, 1), Scope.MULTILATERAL: (1, 0, 1, 0)}
    with django_assert_num_queries(0):
        assert indicators.development_counts(YEAR, tally) == counts
        assert indicators.development_breakdown(YEAR, tally) == breakdown
    # A count already read is the list's length, and is not counted again.
    counted = indicators.cooperation_developments(YEAR, count=counts["count"])
    with django_assert_num_queries(0):
        assert counted.count == len(rows)
    assert [row.record.pk for row in _full(counted.rows)] == [row.record.pk for row in rows]


def test_other_years_count_nothing(registry):
    for key, compute in indicators.INDICATORS.items():
        if key != "cooperation.effective":
            assert compute(YEAR + 5).count == 0 == len(_full(compute(YEAR + 5).rows))


# --- the on-time figure -------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2017, 2020, 2024])
@pytest.mark.parametrize("due", [1, 3])
def test_deadline_runs_give_each_day_its_deadline(settings, year, due):
    settings.MITRA_TRAVEL_DOCUMENTS_DUE_WORKING_DAYS = due
    runs = travel.deadline_runs(year)
    day, covered = D(year, 1, 1), 0
    for first, last, deadline in runs:
        assert first == day
        while day <= last:
            assert travel.documents_deadline(day) == deadline, day
            day += dt.timedelta(days=1)
            covered += 1
    assert day == D(year + 1, 1, 1) and covered == (366 if year % 4 == 0 else 365)
    # on_time() relies on it: a later departure never has an earlier deadline.
    deadlines = [deadline for _first, _last, deadline in runs]
    assert deadlines == sorted(deadlines)


def _reference(year: int, today: dt.date) -> tuple[list[int], list[bool]]:
    """The on-time list worked out in Python, request by request, as before the count moved into SQL."""
    from mitra.travel.models import COUNTED_STATUSES, TravelRequest

    ids, on_time = [], []
    for r in TravelRequest.objects.filter(departure_date__year=year, status__in=COUNTED_STATUSES).order_by(
        "departure_date", "pk"
    ):
        deadline = travel.documents_deadline(r.departure_date)
        done = r.documents_completed_on
        if done is None and deadline >= today:
            continue
        ids.append(r.pk)
        on_time.append(done is not None and done <= deadline)
    return ids, on_time


def test_on_time_counted_in_sql_equals_the_list_worked_out_request_by_request():
    owner, processor = UserFactory.create(), ProcessorFactory.create()
    before = travel.on_time(2017, today=D(2018, 1, 1))  # whatever else the year holds: counted by difference
    # 2 January 2017 (Monday): the deadline is Friday 30 December 2016, in the year before.
    through(owner, processor, D(2017, 1, 2), D(2017, 1, 5), D(2016, 12, 30))
    through(owner, processor, D(2017, 1, 2), D(2017, 1, 5), D(2016, 12, 31), complete=False)  # a day late
    # Idul Fitri 2017: departs Tuesday 27 June, due Friday 23 June.
    through(owner, processor, D(2017, 6, 27), D(2017, 6, 30), D(2017, 6, 23))
    through(owner, processor, D(2017, 6, 27), D(2017, 6, 30), D(2017, 6, 26))
    # Independence Day: departs Friday 18 August, due Wednesday 16.
    through(owner, processor, D(2017, 8, 18), D(2017, 8, 22), D(2017, 8, 16))
    # 31 December 2017 (Sunday): of the year, due Friday 29 December; 1 January 2018: of the next year.
    through(owner, processor, D(2017, 12, 31), D(2018, 1, 3), D(2017, 12, 29))
    through(owner, processor, D(2018, 1, 1), D(2018, 1, 3), D(2017, 12, 29))
    # Open ones: submitted, documents not complete (late once the deadline passed); a draft is never counted.
    for departure in (D(2017, 3, 6), D(2017, 11, 20)):
        request = draft(owner, departure, departure + dt.timedelta(days=3))
        travel_services.traveller_add(
            actor=owner,
            request=request,
            staff_member=StaffFactory.create(unit=owner.unit),
            passport_number="X1234567",
            passport_expires_on=D(2020, 1, 1),
        )
        travel_services.request_submit(actor=owner, request=request, on=departure - dt.timedelta(days=30))
    draft(owner, D(2017, 4, 3), D(2017, 4, 5))
    for today in (D(2017, 3, 1), D(2017, 3, 3), D(2017, 3, 4), D(2017, 11, 17), D(2018, 1, 1)):
        result = travel.on_time(2017, today=today)
        ids, on_time = _reference(2017, today)
        assert (result.measured, result.on_time_count) == (len(ids), sum(on_time)), today
        rows = _full(result.rows)
        assert [r.request.pk for r in rows] == ids
        assert [r.on_time for r in rows] == on_time
        _check_lazy(result.rows, lambda row: row.request.pk)
    result = travel.on_time(2017, today=D(2018, 1, 1))
    assert (result.measured, result.on_time_count) == (before.measured + 8, before.on_time_count + 4)
    source = sources.get("travel.on_time_pct").compute(2017)
    assert source.value == metrics.rounded(Decimal(result.on_time_count) * 100 / Decimal(result.measured), 2)
    assert sources.record_ids(source.records) == _reference(2017, timezone.localdate())[0]
