"""Reads of travel requests: who sees what, service levels and deadlines, the queue, the on-time percentage
of a year with the list behind it, trips per sub-activity and quarter, and the month calendar.

Deadlines are Indonesian working days (workdays.py). A request's documents are due by the documents deadline:
`MITRA_TRAVEL_DOCUMENTS_DUE_WORKING_DAYS` working days before departure (1: the last working day before it). The
request itself should arrive `MITRA_TRAVEL_LEAD_WORKING_DAYS` working days before departure. A request is on
time when every pre-departure step was completed on or before the documents deadline.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.template.defaultfilters import truncatewords
from django.utils import timezone

from mitra.core import periods, years
from mitra.core.lazyrows import LazyRows
from mitra.core.models import OrganisationUnit, User
from mitra.core.selectors import within_unit
from mitra.documents.models import Document
from mitra.partners.models import Country
from mitra.performance.models import SubActivity

from . import setneg, workdays
from .models import (
    COUNTED_STATUSES,
    OPEN_STATUSES,
    FundingSource,
    StepKind,
    StepTiming,
    Traveller,
    TravelRequest,
    TravelStatus,
    TravelStep,
)

HUNDRED = Decimal(100)


def lead_working_days() -> int:
    return int(getattr(settings, "MITRA_TRAVEL_LEAD_WORKING_DAYS", 10))


def documents_due_working_days() -> int:
    return int(getattr(settings, "MITRA_TRAVEL_DOCUMENTS_DUE_WORKING_DAYS", 1))


def documents_deadline(departure: dt.date) -> dt.date:
    """The last day the documents may be completed for the request to count as on time."""
    return workdays.working_days_before(departure, documents_due_working_days())


def bureau_name() -> str:
    """The name requesters know the bureau by (its short name), for messages."""
    unit = OrganisationUnit.objects.filter(code=settings.MITRA_TRAVEL_BUREAU).first()
    return (unit.short_name or unit.name) if unit else str(settings.MITRA_TRAVEL_BUREAU)


def arrival_deadline(departure: dt.date) -> dt.date:
    """The last day a request should reach the bureau."""
    return workdays.working_days_before(departure, lead_working_days())


def step_due(step: TravelStep) -> dt.date | None:
    """When a step is due: its service level from its request (capped by the documents deadline), or for a step
    after return, its service level from the return."""
    request, kind = step.request, step.kind
    if kind.timing == StepTiming.AFTER_RETURN:
        return workdays.add_working_days(request.return_date, kind.sla_working_days)
    deadline = documents_deadline(request.departure_date)
    start = step.requested_on or request.submitted_on
    if start is None:
        return deadline
    return min(workdays.add_working_days(start, kind.sla_working_days), deadline)


def is_on_time(request: TravelRequest) -> bool | None:
    """True/False once it can be told; None while documents are open and the deadline has not passed."""
    deadline = documents_deadline(request.departure_date)
    if request.documents_completed_on is not None:
        return request.documents_completed_on <= deadline
    return False if deadline < timezone.localdate() else None


# --- who sees what -------------------------------------------------------------------------------------------


def visible_requests(user: User) -> QuerySet[TravelRequest]:
    """Every request for the bureau, administrators and leadership; the requesting unit's own for the others."""
    qs = TravelRequest.objects.select_related(
        "requesting_unit", "destination_country", "meeting", "sub_activity", "partner"
    )
    if user.has_perm("travel.view_all"):
        return qs
    if not user.unit_id:
        return qs.none()
    unit = user.unit
    assert unit is not None
    return qs.filter(within_unit(unit, "requesting_unit"))


PARTNER_TRIPS_SHOWN = 20


def trips_for_partner(
    user: User, *, country: Any = None, institution: Any = None, limit: int = PARTNER_TRIPS_SHOWN
) -> tuple[int, list[TravelRequest]]:
    """The trips to a country (its destination) or paid by a partner institution that `user` may see, not
    cancelled: how many, and the newest `limit` of them (two queries)."""
    qs = visible_requests(user).exclude(status=TravelStatus.CANCELLED)
    if country is not None:
        qs = qs.filter(destination_country=country)
    elif institution is not None:
        qs = qs.filter(partner=institution)
    else:
        return 0, []
    return qs.count(), list(qs.order_by("-departure_date", "-pk")[:limit])


def with_travellers(qs: QuerySet[TravelRequest]) -> QuerySet[TravelRequest]:
    return qs.prefetch_related(Prefetch("travellers", queryset=Traveller.objects.select_related("staff_member__unit")))


def request_detail(pk: int) -> TravelRequest:
    return (
        with_travellers(TravelRequest.objects.all())
        .select_related("requesting_unit", "service_unit", "destination_country", "meeting", "sub_activity", "partner")
        .prefetch_related(Prefetch("steps", queryset=TravelStep.objects.select_related("kind")))
        .get(pk=pk)
    )


def step_documents(steps: list[TravelStep]) -> dict[int, list[Any]]:
    """The live documents of each of these steps, newest first: one query for all of them."""
    found: dict[int, list[Any]] = defaultdict(list)
    if steps:
        rows = Document.objects.filter(
            content_type=ContentType.objects.get_for_model(TravelStep), object_id__in=[s.pk for s in steps]
        ).select_related("created_by")
        for document in rows:
            found[document.object_id].append(document)
    return found


def step_detail(pk: int) -> TravelStep:
    return TravelStep.objects.select_related(
        "kind", "request__requesting_unit", "request__service_unit", "request__destination_country"
    ).get(pk=pk)


def addable_kinds(request: TravelRequest) -> list[StepKind]:
    present = {s.kind_id for s in request.steps.all()}
    return [k for k in StepKind.objects.filter(is_active=True) if k.pk not in present]


# --- the queue -----------------------------------------------------------------------------------------------


@dataclass
class DueStep:
    step: TravelStep
    due: dt.date
    late: bool


@dataclass
class Queue:
    late: list[DueStep]
    upcoming: list[DueStep]
    counts: dict[str, int]


def queue(user: User, today: dt.date | None = None, limit: int = 10) -> Queue:
    """Open steps of the requests the user sees, the `limit` latest-due late ones and the `limit` next due: by the
    due date stored on each step (services.refresh_due_dates), ordered and bounded in SQL; three queries."""
    today = today or timezone.localdate()
    visible = visible_requests(user)
    steps = (
        TravelStep.objects.filter(
            request__in=visible.filter(status__in_literal=OPEN_STATUSES).values("pk"),
            completed_on__isnull=True,
            due_on__isnull=False,
        )
        # An after-return step only becomes due work once the traveller is back.
        .filter(Q(kind__timing=StepTiming.BEFORE_DEPARTURE) | Q(request__return_date__lte=today))
        .select_related("kind", "request__requesting_unit", "request__destination_country", "request__meeting")
        .order_by("due_on", "request__departure_date", "kind__order", "pk")
    )
    late = [DueStep(s, s.due_on, True) for s in steps.filter(due_on__lt=today)[:limit] if s.due_on]
    upcoming = [DueStep(s, s.due_on, False) for s in steps.filter(due_on__gte=today)[:limit] if s.due_on]
    counts = {status: 0 for status in TravelStatus.values}
    # On SQLite grouped by lower(status), the same groups (the codes are lower case), read from the index
    # travelrequest_status_count instead of the table. PostgreSQL reads the table either way (an expression index
    # gives it no index-only scan) and lower() there costs twice the grouping: it groups the column itself.
    code = Lower("status") if connection.vendor == "sqlite" else F("status")
    for row in visible.order_by().values(code=code).annotate(n=Count("pk")):
        counts[row["code"]] = row["n"]
    return Queue(late=late, upcoming=upcoming, counts=counts)


# --- the on-time indicator ------------------------------------------------------------------------------------


@dataclass
class OnTimeRow:
    request: TravelRequest
    deadline: dt.date
    completed_on: dt.date | None
    on_time: bool
    arrived_late: bool
    setneg_late: bool = False  # the application reached the State Secretariat late (travel/setneg.py)


@dataclass
class OnTime:
    """The on-time figure of a year: counted in SQL; `rows` is the list behind it, read only as far as it is shown
    (a `LazyRows`: a page of the list builds only its rows)."""

    year: int
    measured: int = 0
    on_time_count: int = 0
    rows: LazyRows[OnTimeRow] = field(default_factory=lambda: LazyRows([]))

    @property
    def pct(self) -> Decimal | None:
        return Decimal(self.on_time_count) * HUNDRED / Decimal(self.measured) if self.measured else None


def _counted(user: User | None) -> QuerySet[TravelRequest]:
    """The requests the year pages and the calendar count (not drafts, not cancelled), of those `user` may see
    (all when None)."""
    requests = TravelRequest.objects.all() if user is None else visible_requests(user)
    return requests.filter(status__in=COUNTED_STATUSES)


def latest_trip_date(user: User | None = None, today: dt.date | None = None) -> dt.date | None:
    """The latest departure of a counted request, not after this year (core.years)."""
    return years.latest_date([(_counted(user), "departure_date")], today)


def latest_year(user: User | None = None, today: dt.date | None = None) -> int:
    """The year the travel pages open on: the latest with a counted departure, not after this year (core.years);
    this year when there is none."""
    return years.latest_year([(_counted(user), "departure_date")], today)


def deadline_runs(year: int) -> list[tuple[dt.date, dt.date, dt.date]]:
    """The documents deadline of every departure day of `year`, as runs of consecutive days sharing a deadline:
    (first departure, last departure, deadline). Worked out once per day of the year (at most 366 times, however
    many trips there are): the deadline depends on the departure date only."""
    start, end = periods.year_bounds(year)
    runs: list[tuple[dt.date, dt.date, dt.date]] = []
    day = start
    while day <= end:
        deadline = documents_deadline(day)
        if runs and runs[-1][2] == deadline:
            runs[-1] = (runs[-1][0], day, deadline)
        else:
            runs.append((day, day, deadline))
        day += dt.timedelta(days=1)
    return runs


def on_time(year: int, today: dt.date | None = None) -> OnTime:
    """Requests departing in `year` whose outcome is known (documents complete, or their deadline passed): the
    counts read in SQL, the rows read lazily (oldest departure first).

    No deadline is worked out per request to count: the deadline depends on the departure date only and never
    goes back as the departure moves on (`deadline_runs`), so "the deadline has passed" is "departs before the
    first day whose deadline is today or later", and the on-time count reads the measured requests grouped by
    (departure, completion) against the deadline of each day of the year."""
    today = today or timezone.localdate()
    runs = deadline_runs(year)
    deadline_of = {}
    cutoff = periods.year_bounds(year)[1] + dt.timedelta(days=1)  # departures before it: deadline passed
    for first, last, deadline in runs:
        if deadline >= today and cutoff > first:
            cutoff = first
        day = first
        while day <= last:
            deadline_of[day] = deadline
            day += dt.timedelta(days=1)
    counted = TravelRequest.objects.filter(departure_date__year=year, status__in=COUNTED_STATUSES)
    measured = counted.filter(Q(documents_completed_on__isnull=False) | Q(departure_date__lt=cutoff))
    groups = list(measured.order_by().values_list("departure_date", "documents_completed_on").annotate(n=Count("pk")))
    measured_count = sum(n for _departure, _done, n in groups)
    on_time_count = sum(n for departure, done, n in groups if done is not None and done <= deadline_of[departure])
    # The day the State Secretariat step was requested, read in the list's own query (setneg.application_sent_on
    # takes the first such step in the steps' order; so does this).
    sent = TravelStep.objects.filter(request=OuterRef("pk"), kind__code=setneg.step_code()).values("requested_on")
    listed = (
        measured.select_related("requesting_unit", "destination_country", "meeting")
        .annotate(
            setneg_sent_on=Subquery(sent[:1]),
            # as setneg.application_needed: no steps yet, or a State Secretariat step among them
            setneg_needed=~Exists(TravelStep.objects.filter(request=OuterRef("pk")))
            | Exists(TravelStep.objects.filter(request=OuterRef("pk"), kind__code=setneg.step_code())),
        )
        .order_by("departure_date", "pk")
    )

    def build(requests: list[TravelRequest]) -> list[OnTimeRow]:
        rows = []
        for request in requests:
            deadline = documents_deadline(request.departure_date)
            done = request.documents_completed_on
            rows.append(
                OnTimeRow(
                    request=request,
                    deadline=deadline,
                    completed_on=done,
                    on_time=done is not None and done <= deadline,
                    arrived_late=request.submitted_on is not None
                    and request.submitted_on > arrival_deadline(request.departure_date),
                    setneg_late=setneg.application_late_if_sent(
                        request,
                        getattr(request, "setneg_sent_on", None),
                        today,
                        needed=getattr(request, "setneg_needed", True),
                    ),
                )
            )
        return rows

    rows = LazyRows([(listed, build)], counts=[measured_count])  # the count is already read
    return OnTime(year, measured=measured_count, on_time_count=on_time_count, rows=rows)


# --- trips per sub-activity and quarter ----------------------------------------------------------------------


def trips_of(sub_activity: SubActivity, quarter: int) -> QuerySet[TravelRequest]:
    """Completed trips paid by the bureau from `sub_activity` that departed in the quarter: these count."""
    start, end = periods.quarter_bounds(sub_activity.year, quarter)
    return TravelRequest.objects.filter(
        funding_source=FundingSource.BUREAU,
        sub_activity=sub_activity,
        status=TravelStatus.COMPLETED,
        departure_date__range=(start, end),
    ).order_by("departure_date", "pk")


@dataclass
class QuarterTrips:
    quarter: int
    trips: int = 0
    cost: int = 0
    recorded_output: Decimal | None = None
    recorded_budget: int | None = None


@dataclass
class SubActivityTrips:
    sub: SubActivity
    quarters: list[QuarterTrips]

    @property
    def trips(self) -> int:
        return sum(q.trips for q in self.quarters)

    @property
    def cost(self) -> int:
        return sum(q.cost for q in self.quarters)


def trips_by_sub_activity(year: int) -> list[SubActivityTrips]:
    """Completed bureau-paid trips and their realised cost per sub-activity and quarter of departure, beside what
    the quarterly realisation records; every sub-activity with trips or with "trip" as its unit of output."""
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for sub_id, departure, cost, visa, cancellation in TravelRequest.objects.filter(
        funding_source=FundingSource.BUREAU, status=TravelStatus.COMPLETED, sub_activity__year=year
    ).values_list(
        "sub_activity_id", "departure_date", "realised_cost", "realised_visa_cost", "realised_cancellation_cost"
    ):
        row = counts[(sub_id, periods.quarter_of(departure))]
        row[0] += 1
        row[1] += (cost or 0) + (visa or 0) + (cancellation or 0)  # visa and cancellation are realised costs too
    with_trips = {sub_id for sub_id, _q in counts}
    subs = (
        SubActivity.objects.filter(year=year)
        .filter(Q(output_unit="trip") | Q(pk__in=with_trips))
        .prefetch_related("quarters")
        .order_by("number")
    )
    result = []
    for sub in subs:
        entries = {e.quarter: e for e in sub.quarters.all()}
        quarters = []
        for q in (1, 2, 3, 4):
            trips, cost = counts.get((sub.pk, q), [0, 0])
            entry = entries.get(q)
            quarters.append(
                QuarterTrips(
                    q,
                    trips,
                    cost,
                    entry.output_realised if entry else None,
                    entry.budget_realised if entry else None,
                )
            )
        result.append(SubActivityTrips(sub, quarters))
    return result


# --- the calendar --------------------------------------------------------------------------------------------


def travelling_between(user: User, start: dt.date, end: dt.date) -> list[TravelRequest]:
    """Requests (not cancelled, not drafts) the user sees that are away some day in [start, end]."""
    qs = visible_requests(user).filter(departure_date__lte=end, return_date__gte=start, status__in=COUNTED_STATUSES)
    return list(with_travellers(qs).order_by("departure_date", "pk"))


# A day of the month page names at most this many trips; the rest are counted ("+N more") and listed below the
# calendar for that day. A month at ten years of data has ~150 trips, ~20 away on an ordinary day: drawing every
# one on every day it is away made the page grow with the month (120 KB of HTML); this keeps it bounded.
CALENDAR_NAMED_PER_DAY = 3


# What the calendar shows of a trip (its grid and its list), read as plain values; nothing else of a trip is read.
CALENDAR_FIELDS = (
    "pk",
    "departure_date",
    "return_date",
    "destination_city",
    "destination_country__code",
    "destination_country__name_id",
    "destination_country__name_en",
)


@dataclass
class CalendarTrip:
    """A trip as the calendar shows it: plain values, not a TravelRequest (a month has ~150 trips at ten years of
    data, issue 17; making and rendering them as records was most of the page's time)."""

    pk: int
    departure_date: dt.date
    return_date: dt.date
    destination_city: str
    destination_country: Country
    people: int  # its number of travellers
    url: str
    travellers: list[str] = field(default_factory=list)  # their full names, by name (load_travellers)

    @property
    def names(self) -> str:
        """The travellers' full names, as the month's list shows them."""
        return ", ".join(self.travellers)

    @property
    def short_names(self) -> str:
        """The travellers' first two words of each name, as a day of the grid shows them."""
        return ", ".join(truncatewords(name, 2) for name in self.travellers)


@dataclass
class CalendarDay:
    day: dt.date | None
    trips: list[CalendarTrip]  # the first CALENDAR_NAMED_PER_DAY away that day, by departure
    working: bool = True
    count: int = 0  # every trip away that day
    people: int = 0  # their travellers

    @property
    def more(self) -> int:
        return self.count - len(self.trips)


def _people() -> Any:
    """A trip's number of travellers, for the month's query. On PostgreSQL counted for each trip through the
    travellers' index on their request: a join and GROUP BY made it hash all 29,000 travellers at ten years of data
    (issue 17). On SQLite joined and grouped: without the GROUP BY's sort it reads the month through the index on
    the departure date alone (its order is the page's) and tests the return of every earlier trip in the table,
    instead of travelrequest_dates."""
    if connection.vendor == "sqlite":
        return Count("travellers")
    travellers = Traveller.objects.filter(request=OuterRef("pk")).order_by().values("request")
    return Coalesce(Subquery(travellers.annotate(n=Count("pk")).values("n")), 0)


def month_grid(
    user: User, year: int, month: int, named: int = CALENDAR_NAMED_PER_DAY
) -> tuple[list[list[CalendarDay]], list[CalendarTrip]]:
    """The weeks of a month, each day with how many trips (and travellers) are away and the first `named` of them;
    and every trip away some day of the month, by departure (one query; no travellers: `load_travellers` reads
    them for the trips a page shows)."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    rows = (
        visible_requests(user)
        .filter(departure_date__lte=last, return_date__gte=first, status__in=COUNTED_STATUSES)
        .select_related(None)
        .values(*CALENDAR_FIELDS)  # grouped by these alone on SQLite (_people), as the records' columns were
        .annotate(people=_people())
        .order_by("departure_date", "pk")
        .values_list(*CALENDAR_FIELDS, "people")
    )
    # Each trip's URL from one reversed URL (the key is the pattern's last part), each country made once.
    detail = TravelRequest(pk=0).get_absolute_url().removesuffix("0/")
    countries: dict[str, Country] = {}
    trips = []
    for pk, departure, back, city, code, name_id, name_en, people in rows:
        if code not in countries:
            countries[code] = Country(code=code, name_id=name_id, name_en=name_en)
        trips.append(CalendarTrip(pk, departure, back, city, countries[code], people, f"{detail}{pk}/"))
    # Each trip is put on the days of the month it is away (by departure, as listed), instead of testing every
    # trip for every day.
    away: dict[dt.date, list[CalendarTrip]] = {}
    one_day = dt.timedelta(days=1)
    for trip in trips:
        d, end = max(trip.departure_date, first), min(trip.return_date, last)
        while d <= end:
            away.setdefault(d, []).append(trip)
            d += one_day
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        days = []
        for d in week:
            if d.month != month:
                days.append(CalendarDay(None, [], workdays.is_working_day(d)))
                continue
            that_day = away.get(d, [])
            days.append(
                CalendarDay(
                    d, that_day[:named], workdays.is_working_day(d), len(that_day), sum(t.people for t in that_day)
                )
            )
        weeks.append(days)
    return weeks, trips


def load_travellers(trips: list[CalendarTrip]) -> None:
    """Read the travellers' names of these trips (each trip once however often it is listed), ordered by name: one
    query, none when empty; just the names (no unit, no join to the requests to order them)."""
    by_pk = {t.pk: t for t in trips}
    if not by_pk:
        return
    for trip in by_pk.values():
        trip.travellers = []
    names = (
        Traveller.objects.filter(request_id__in=list(by_pk))
        .order_by("staff_member__full_name", "pk")
        .values_list("request_id", "staff_member__full_name")
    )
    for request_id, name in names:
        by_pk[request_id].travellers.append(name)
