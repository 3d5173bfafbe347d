"""Reads of the registry: list querysets, the dashboard's figures, and the timeline of a partner, forum or
country profile."""

from __future__ import annotations

import datetime as dt
import functools
import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Window,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.core import periods
from mitra.core.choices import choice_label
from mitra.core.lookups import ANY_IDS, Ids
from mitra.core.notifications.selectors import notifications_for as notifications_for  # the dashboard's list
from mitra.core.prepared import fetch_all
from mitra.core.record_urls import RecordUrls
from mitra.partners.models import Country, Forum, Institution

from . import metrics
from .models import (
    AgendaItem,
    Agreement,
    AgreementKind,
    AgreementStep,
    Assignment,
    Cooperation,
    Deliverable,
    DeliverableStatus,
    FollowUp,
    FollowUpStatus,
    Meeting,
    OutreachEvent,
    PositionPaper,
    Publication,
    Stage,
    StageChange,
    StepKind,
    Study,
)

ACTIVE_STAGES = [Stage.SIGNED, Stage.IMPLEMENTATION, Stage.EVALUATION, Stage.RENEWED]
OPEN_FOLLOW_UP = [FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS]


def cooperations() -> QuerySet[Cooperation]:
    return Cooperation.objects.select_related("forum", "responsible_unit").prefetch_related("partners", "sectors")


def agenda_items() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.select_related("meeting", "responsible_unit").annotate(
        assigned=Count("assignments", distinct=True),
        answered=Count("assignments", filter=~Q(assignments__answer=""), distinct=True),
    )


def open_assignments_for(user: Any) -> QuerySet[Assignment]:
    """The unanswered assignments of the user's unit and the units beneath it, of items not deleted."""
    unit = user.unit if getattr(user, "unit_id", None) else None
    if unit is None:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(
            Q(unit=unit) | Q(unit__path__startswith=unit.path + "/"), answer="", item__deleted_at__isnull=True
        )
        .select_related("item", "item__meeting", "unit")
        .order_by("item__response_deadline", "pk")
    )


def agreements() -> QuerySet[Agreement]:
    return Agreement.objects.select_related("cooperation", "counterpart", "responsible_unit", "amends", "parent")


PIPELINE_LIMIT = 25


@dataclass
class PipelineColumn:
    step: str  # "" for agreements with no step recorded yet
    label: str
    count: int
    agreements: list[Agreement]


EXPIRED = "expired"  # the pipeline's column (and the list filter's value) of agreements whose term has ended


def term_ended(today: dt.date | None = None) -> Q:
    """Agreements whose term ended before `today` (their end date, or signing plus duration), that were not
    terminated and do not renew automatically: whatever step was recorded last, they are no longer in force."""
    today = today or timezone.localdate()
    return Q(expires_on__lt=today) & ~Q(current_step=StepKind.TERMINATION) & ~Q(automatic_renewal=True)


def agreement_pipeline(limit: int = PIPELINE_LIMIT) -> list[PipelineColumn]:
    """Agreements grouped by their current step, in lifecycle order (those with no step first), and last those whose
    term has ended (not counted under the step they were left at): each group's count and its `limit`
    longest-waiting agreements. A fixed number of queries, each bounded, at any size."""
    ended = term_ended()
    counts = dict(
        Agreement.objects.exclude(ended)
        .order_by()
        .values("current_step")
        .annotate(n=Count("pk"))
        .values_list("current_step", "n")
    )
    columns = []
    for value, label in [("", str(_("No step recorded"))), *[(k.value, str(k.label)) for k in StepKind]]:
        count = counts.get(value, 0)
        rows = (
            list(
                agreements()
                .exclude(ended)
                .filter(current_step=value)
                .order_by("current_step_on", "title", "pk")[:limit]
            )
            if count
            else []
        )
        columns.append(PipelineColumn(value, label, count, rows))
    count = Agreement.objects.filter(ended).count()
    expired = list(agreements().filter(ended).order_by("-expires_on", "title", "pk")[:limit]) if count else []
    columns.append(PipelineColumn(EXPIRED, str(_("Term ended")), count, expired))
    return columns


def deliverables() -> QuerySet[Deliverable]:
    return Deliverable.objects.select_related("agreement", "owner", "responsible_unit")


OPEN_DELIVERABLE = [DeliverableStatus.PLANNED, DeliverableStatus.IN_PROGRESS]


@dataclass
class DeliverableSummary:
    total: int
    done: int
    open: int
    overdue: int
    completion_rate: Any  # Decimal | None (metrics.completion_rate)
    average_delay: Any  # Decimal | None, days (metrics.average_delay)


def deliverable_summary(rows: list[Deliverable], today: dt.date | None = None) -> DeliverableSummary:
    """An agreement's deliverables in figures (the formulas are in metrics.py)."""
    today = today or timezone.localdate()
    return DeliverableSummary(
        total=len(rows),
        done=sum(1 for d in rows if d.status == DeliverableStatus.DONE),
        open=sum(1 for d in rows if d.is_open),
        overdue=sum(1 for d in rows if d.is_overdue(today)),
        completion_rate=metrics.completion_rate(d.status for d in rows),
        average_delay=metrics.average_delay(
            metrics.delay_days(d.status, d.due_date, d.completed_on, today) for d in rows
        ),
    )


def dormant_days() -> int:
    """How long an agreement in force may go without anything done before it counts as dormant
    (settings.MITRA_DORMANT_AGREEMENT_DAYS, default 365)."""
    return int(getattr(settings, "MITRA_DORMANT_AGREEMENT_DAYS", 365))


def dormant_agreements(today: dt.date | None = None) -> QuerySet[Agreement]:
    """Agreements in force today (signed or in force, not ended, not terminated) with nothing done in the last
    `dormant_days()`: no step dated in that time, no deliverable completed in it, and not signed or entered into
    force in it; the longest-signed first."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=dormant_days())
    started = Q(entry_into_force__lte=today) | Q(entry_into_force__isnull=True, date_signed__lte=today)
    recent_step = AgreementStep.objects.filter(agreement=OuterRef("pk"), date__gte=since)
    recent_delivery = Deliverable.objects.filter(agreement=OuterRef("pk"), completed_on__gte=since)
    return (
        agreements()
        .filter(started)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .exclude(current_step=StepKind.TERMINATION)
        .exclude(date_signed__gte=since)
        .exclude(entry_into_force__gte=since)
        .exclude(Exists(recent_step))
        .exclude(Exists(recent_delivery))
        .order_by("date_signed", "pk")
    )


def position_papers() -> QuerySet[PositionPaper]:
    return PositionPaper.objects.select_related("cooperation", "forum", "meeting", "responsible_unit")


def studies() -> QuerySet[Study]:
    return Study.objects.select_related("cooperation", "forum", "partner", "responsible_unit")


def meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("forum", "cooperation", "country", "responsible_unit", "position_paper")


def meetings_in(country: Country) -> QuerySet[Meeting]:
    """The meetings held in `country`, newest first (the country page of the partners app), with what that page
    shows of them: not joined to their forum, cooperation, country, unit and position paper, which it does not show
    (PostgreSQL took 2 ms to plan that six-table join, longer than reading the 20 meetings)."""
    return Meeting.objects.filter(country=country).only("title", "start_date", "city").order_by("-start_date")


def follow_ups() -> QuerySet[FollowUp]:
    return FollowUp.objects.select_related("meeting", "cooperation", "responsible_unit")


def outreach_events() -> QuerySet[OutreachEvent]:
    return OutreachEvent.objects.select_related("cooperation", "forum", "responsible_unit")


def publications() -> QuerySet[Publication]:
    return Publication.objects.select_related("responsible_unit")


def overdue_follow_ups(today: dt.date | None = None) -> QuerySet[FollowUp]:
    return follow_ups().filter(status__in=OPEN_FOLLOW_UP, due_date__lt=today or timezone.localdate())


def agreements_expiring(within_days: int = 90, today: dt.date | None = None) -> QuerySet[Agreement]:
    """Agreements whose end (stated or from their duration) falls in the next `within_days` days."""
    today = today or timezone.localdate()
    return (
        agreements()
        .filter(expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=within_days))
        .order_by("expires_on", "pk")
    )


def oldest_overdue(today: dt.date, limit: int) -> list[FollowUp]:
    """The `limit` longest-overdue follow-ups. One query per open status, each walking the (status, due date)
    index in order, instead of sorting every overdue row: the dashboard stays fast at any size."""
    found = [
        follow_up
        for status in OPEN_FOLLOW_UP
        for follow_up in follow_ups().filter(status=status, due_date__lt=today).order_by("due_date", "pk")[:limit]
    ]
    return sorted(found, key=lambda f: (f.due_date, f.pk))[:limit]


@dataclass
class Dashboard:
    today: dt.date
    stages: list[tuple[str, str, int]]  # (stage, label, cooperations)
    agreements_by_kind: list[tuple[str, int]]
    expiring: list[Agreement]
    expiring_count: int
    overdue: list[FollowUp]
    overdue_count: int
    meetings_this_quarter: list[Meeting]
    quarter: tuple[dt.date, dt.date]
    country_counts: dict[str, int]  # ISO numeric → active cooperations with partners there
    dormant: list[Agreement]
    dormant_count: int
    dormant_days: int


def dashboard(today: dt.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    by_stage = dict(Cooperation.objects.order_by().values("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    by_kind = Counter(
        dict(Agreement.objects.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    )

    start, end = periods.quarter_bounds(today.year, periods.quarter_of(today))
    overdue = overdue_follow_ups(today)
    expiring = agreements_expiring(90, today)
    dormant = dormant_agreements(today)
    country_counts = dict(
        Country.objects.filter(
            institutions__cooperations__stage__in=ACTIVE_STAGES,
            institutions__cooperations__deleted_at__isnull=True,
            institutions__deleted_at__isnull=True,
        )
        .order_by()
        .annotate(n=Count("institutions__cooperations", distinct=True))
        .values_list("numeric", "n")
    )
    return Dashboard(
        today=today,
        stages=[(s.value, str(s.label), by_stage.get(s.value, 0)) for s in Stage],
        agreements_by_kind=[(str(k.label), by_kind[k.value]) for k in AgreementKind if by_kind[k.value]],
        expiring=list(expiring[:15]),
        expiring_count=expiring.count(),
        overdue=oldest_overdue(today, 10),
        overdue_count=overdue.count(),
        meetings_this_quarter=list(
            meetings().filter(start_date__gte=start, start_date__lte=end).order_by("start_date")[:15]
        ),
        quarter=(start, end),
        country_counts=country_counts,
        dormant=list(dormant[:15]),
        dormant_count=dormant.count(),
        dormant_days=dormant_days(),
    )


# The columns a profile shows of each kind of row (partners/_profile.html: title, link, kind or stage, dates), which
# are all its lists and its timeline read: no other column and no related row (the registry's list querysets join
# or prefetch what their own lists show: for ASEAN's 50 cooperations the prefetch of their partners and sectors,
# never shown here, took two queries and ~9 ms, and building every column of the rows most of the rest).
SHOWN = {
    "cooperation": ("title", "stage"),
    "agreement": ("title", "kind", "date_signed", "expires_on", "notice_period_days"),
    "follow_up": ("description", "due_date", "status"),
    # the timeline's other events (the record's title and link, its date and the detail shown beside it)
    "meeting": ("title", "start_date", "city", "country"),
    "stage": ("date", "to_stage", "cooperation__title"),  # shown as its cooperation
    "outreach": ("title", "date", "kind"),
    "position": ("title", "year", "status"),
    "study": ("title", "year", "kind"),
}


@dataclass
class TimelineItem:
    year: int
    date: dt.date | None
    kind: str
    record: Any
    detail: str = ""
    url: str = ""  # the record's page, set by timeline() on the events it returns


# A profile shows the latest events and the first records of each list; the lists link to the full, filtered ones.
TIMELINE_LIMIT = 100
LIST_LIMIT = 50


def _follow_up_ids(cooperation_ids: Ids | list[int], limit: int) -> Q:
    """The latest `limit` live follow-ups of these cooperations by due date, their own and their meetings', as a
    condition on the id: the latest `limit` of each kind, each read and sorted from an index that holds the due
    date (followup_coop_open, followup_other_open), so only those rows are read from the table, not every
    follow-up of the cooperations (925 for Indonesia's at N=100) to sort them. "Their meetings'" are those whose
    stored `other_cooperation` (their meeting's cooperation, when not their own) is one of these: one index lookup
    per cooperation, not one per meeting. Separate lookups: the equivalent OR made SQLite read and sort every
    follow-up of the cooperations."""
    newest = ("-due_date", "-pk")
    own = FollowUp.objects.filter(cooperation__in_ids=cooperation_ids).order_by(*newest).values("pk")[:limit]
    via_meetings = (
        FollowUp.objects.filter(other_cooperation__in_ids=cooperation_ids).order_by(*newest).values("pk")[:limit]
    )
    return Q(pk__in=own) | Q(pk__in=via_meetings)


def _latest_follow_ups(cooperation_ids: Ids | list[int], limit: int, walk: bool = False) -> QuerySet[FollowUp]:
    """The follow-ups of these cooperations, their own and their meetings', to be read newest first up to `limit`.
    The one place where the SQL differs by backend, because the two planners want opposite forms (measured at
    N=100, 4 to 661 cooperations, the ids given as a list):
    - PostgreSQL: the plain condition. It estimates the rows from the list and reads a few cooperations' rows from
      the two indexes (2.7 ms for an institution, 5.8 ms for Indonesia's 18 cooperations) or walks the due-date
      index for many (13.6 ms for ASEAN's 661). The id form below made it walk the due-date index in every case:
      it cannot estimate an OR of two `IN (subquery)`, and read all 150,000 follow-ups for an institution (200 ms).
      For few cooperations (FOLLOW_UPS_PREPARED_BELOW) the query is prepared with one plan, the read from the indexes.
    - SQLite: the id form (_follow_up_ids), 2.5 to 16 ms; the plain condition made it gather and sort every
      matching row (134 ms for ASEAN's 32,000). With many cooperations (`walk`), the plain condition on the
      columns hidden from their indexes (_unindexed): SQLite walks the due-date index newest first and stops at
      `limit` (1 ms for ASEAN, against 16-21 ms for the id form)."""
    if connection.vendor == "postgresql":
        return FollowUp.objects.filter(
            Q(cooperation__in_ids=cooperation_ids) | Q(other_cooperation__in_ids=cooperation_ids)
        )
    if walk:
        return FollowUp.objects.alias(
            own=_unindexed("cooperation_id"), of_meeting=_unindexed("other_cooperation_id")
        ).filter(Q(own__in_ids=cooperation_ids) | Q(of_meeting__in_ids=cooperation_ids))
    return FollowUp.objects.filter(_follow_up_ids(cooperation_ids, limit))


# From this many cooperations on, a timeline reads meetings newest first and keeps those of the cooperations (it
# finds its `limit` rows after a few hundred); below it, it reads those of the cooperations and sorts them (few
# rows, while the walk could cross the whole table before finding them). Follow-ups: _latest_follow_ups (on
# SQLite the same way; PostgreSQL decides for itself).
WALK_FROM = 200

# Below this many cooperations, a timeline's follow-ups are read by a prepared statement with one generic plan
# (mitra.core.prepared), which reads the cooperations' rows from the two indexes and sorts them; from it on, by a
# query planned for its ids, as PostgreSQL decides (it walks the due-date index newest first when the cooperations
# have many rows). Measured at N=100 on PostgreSQL, random cooperations, the query alone (ms, planned for the ids /
# prepared): 4: 0.29 / 0.16; 18: 0.99 / 0.69; 30: 4.54 / 1.14; 50: 3.83 / 1.81; 60: 2.19 / 1.99; 70: 1.98 / 2.15;
# 100: 1.60 / 2.89; 199: 1.18 / 4.78. The open follow-ups are sent prepared below WALK_FROM, where the prepared query
# was the faster at every size measured (0.12-3.14 ms against 0.46-3.38); from it on their count and walk are
# planned for the ids (ASEAN's 661: 2.90 against 6.29 prepared). The timeline's other sources are always sent
# prepared: with few cooperations each source reads theirs from its index, with many (`walk`) each walks its date
# index, the cooperation hidden from it, plans that do not depend on the ids (4 to 199 cooperations: 0.08-0.51 ms
# against 0.81-1.53; ASEAN's 661: 0.51 against 1.63; 1,000: 0.93 against 2.10).
FOLLOW_UPS_PREPARED_BELOW = 64


def _unindexed(column: str) -> ExpressionWrapper:
    """`column + 0`: the same value, but SQLite can no longer choose that column's index for the lookup, so it
    keeps the index that gives the ORDER BY (a walk newest first that stops at LIMIT)."""
    return ExpressionWrapper(F(column) + 0, output_field=IntegerField())


def _open_follow_ups(cooperation_ids: Ids | list[int]) -> list[QuerySet[Any]]:
    """(id, due_date) of the live open follow-ups of these cooperations, their own and their meetings': two lookups
    (read as a UNION ALL, or counted each) that the indexes followup_coop_open and followup_other_open answer
    without reading the table (ASEAN's subtree has 32,000 follow-ups at N=100; reading each to test its status took
    most of its profile).
    The meetings' part looks up the stored `other_cooperation`: one lookup per cooperation (661 for ASEAN), almost
    always empty, where joining the meetings took one per meeting (21,600) or, on PostgreSQL, a scan of every
    open follow-up.
    The two parts do not overlap: a meeting's follow-up that is also of one of these cooperations comes from the
    first, so the second keeps only those of another cooperation or of none (tested from the index, which holds
    the cooperation). No duplicate to remove, so no temporary B-tree of every row (13,000 for ASEAN at N=100)."""
    live_open = Q(status__in=OPEN_FOLLOW_UP, deleted_at__isnull=True)
    own = FollowUp.all_objects.filter(live_open, cooperation__in_ids=cooperation_ids)
    via_meetings = FollowUp.all_objects.filter(live_open, other_cooperation__in_ids=cooperation_ids).filter(
        Q(cooperation__isnull=True) | ~Q(cooperation__in_ids=cooperation_ids)
    )
    return [part.order_by().values_list("id", "due_date") for part in (own, via_meetings)]


def _first_and_count(cooperation_ids: Ids | list[int], limit: int, walk: bool = False) -> tuple[list[FollowUp], int]:
    """The first `limit` live open follow-ups of these cooperations by due date (_open_follow_ups), with the columns
    a profile shows (SHOWN), and how many there are: one query (_first_open_sql), its SQL compiled once (_compiled)
    and, but for many cooperations (`walk`), prepared on PostgreSQL (mitra.core.prepared), its rows built as a
    queryset's only(SHOWN) builds them."""
    ids = cooperation_ids if isinstance(cooperation_ids, Ids) else Ids(cooperation_ids)
    rows = fetch_all(*_compiled(_first_open_sql, ids, walk, limit, None), prepared=not walk)
    alias, names = connection.alias, _follow_up_columns()
    return [FollowUp.from_db(alias, names, row[:-1]) for row in rows], (rows[0][-1] if rows else 0)


def _first_open_sql(ids: Ids, walk: bool, limit: int, day: dt.date | None = None) -> tuple[str, list[Any]]:
    """The query of _first_and_count(): the columns of _follow_up_columns() of the first `limit` open follow-ups of
    these cooperations, and their count in a last column (`day` is not used).
    - Few cooperations: one pass over their rows (a window count) rather than one to order and one to count.
    - Many (`walk`, WALK_FROM): the count is two counts from the indexes (ASEAN's 12,968 rows at N=100 are counted,
      not gathered, numbered and sorted: 11-28 ms down to 2 ms on SQLite and 9 ms on PostgreSQL), and the first
      ones are read walking the (status, due date) index once per open status, stopping at `limit` (the columns
      hidden from their indexes, _unindexed). For few cooperations the walk would cross most of the index before
      finding them (50-130 ms at N=100), so they keep the window count.
    The rows of those picked are joined to them (by id), rather than read by a second query."""
    own, via_meetings = (part.query.sql_with_params() for part in _open_follow_ups(ids))
    if walk:
        own_or_via = Q(own__in_ids=ids) | Q(of_meeting__in_ids=ids)
        first = [
            FollowUp.all_objects.alias(own=_unindexed("cooperation_id"), of_meeting=_unindexed("other_cooperation_id"))
            .filter(own_or_via, status=status, deleted_at__isnull=True)
            .order_by("due_date", "pk")
            .values_list("id", "due_date")[:limit]
            .query.sql_with_params()
            for status in OPEN_FOLLOW_UP
        ]
        # Each part ordered and limited, which Django's union() does not write on SQLite.
        head = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS part{i}" for i, (sql, _) in enumerate(first))  # noqa: S608
        own_count = _open_count_sql(ids, own)
        count = f"(SELECT COUNT(*) FROM ({own_count[0]}) AS own)"  # noqa: S608
        count += f" + (SELECT COUNT(*) FROM ({via_meetings[0]}) AS via)"  # noqa: S608
        query = f"SELECT id, {count} AS total FROM ({head}) AS head ORDER BY due_date, id LIMIT %s"  # noqa: S608
        params = [*own_count[1], *via_meetings[1], *(param for _, part in first for param in part), limit]
    else:
        query = (
            f"SELECT id, COUNT(*) OVER () AS total FROM ({own[0]} UNION ALL {via_meetings[0]}) AS matching"  # noqa: S608
            " ORDER BY due_date, id LIMIT %s"
        )
        params = [*own[1], *via_meetings[1], limit]
    table = connection.ops.quote_name(FollowUp._meta.db_table)
    columns = ", ".join(f"f.{connection.ops.quote_name(c)}" for c in _follow_up_columns())
    return (
        f"SELECT {columns}, picked.total FROM ({query}) AS picked"  # noqa: S608
        f" INNER JOIN {table} AS f ON f.id = picked.id ORDER BY f.due_date, f.id",
        params,
    )


def _open_count_sql(ids: Ids, own: tuple[str, Any]) -> tuple[str, Any]:
    """The SQL that counts the live open follow-ups of many cooperations' own (`own`: that part of
    _open_follow_ups()). On SQLite, from the partial index of the live open ones alone (followup_coop_live_open,
    their cooperation only): SQLite prefers to seek each status in followup_coop_open, reading and testing more
    (ASEAN's 661 cooperations at N=100: 1,322 seeks and 12,968 entries; 1.35 -> 0.63 ms from the partial index).
    It takes that index only for the statuses written into the SQL (in_literal); INDEXED BY makes the query fail
    rather than read the table should the index ever go."""
    if connection.vendor != "sqlite":
        return own
    table = connection.ops.quote_name(FollowUp._meta.db_table)
    live_open = FollowUp.all_objects.filter(
        status__in_literal=OPEN_FOLLOW_UP, deleted_at__isnull=True, cooperation__in_ids=ids
    )
    sql, params = live_open.order_by().values("pk").query.sql_with_params()
    return sql.replace(f"FROM {table} WHERE", f"FROM {table} INDEXED BY followup_coop_live_open WHERE", 1), params


def _key(item: TimelineItem) -> tuple[int, dt.date]:
    """Where an event stands in a timeline: newest first; an event known by its year only counts as on 1 January."""
    return (item.year, item.date or dt.date(item.year, 1, 1))


def _row_key(row: tuple[Any, ...]) -> tuple[int, dt.date]:
    """_key() of a row of _other_events_sql() (the columns of _OTHER_COLUMNS), before its event is built."""
    if row[1] is not None:
        day = _day(row[1])
        return (day.year, day)
    return (row[2], dt.date(row[2], 1, 1))


def _cutoff(keys: list[tuple[int, dt.date]], limit: int) -> dt.date | None:
    """The date from which on the latest `limit` events must lie, given the events' keys (_key) read so far: the
    `limit`-th newest of them (None while there are fewer). An event before it cannot enter the timeline, so the
    other sources read only those on or after it (ties are kept: the final sort decides them)."""
    if len(keys) < limit:
        return None
    return heapq.nlargest(limit, keys)[-1][1]


# The columns every source of _other_events_sql() gives, in this order, and their types: the record's id, its day or
# (when it has none) its year, its title, up to four more values of its own (a label's value, a city and its
# country) and the id of the record shown (a stage change shows its cooperation's). Each source names the columns
# it has, in this order (_OTHER_PARTS); the others are NULL.
_OTHER_COLUMNS = {
    "id": "integer",
    "day": "date",
    "year": "integer",
    "title": "text",
    "a": "text",
    "b": "text",
    "c": "text",
    "d": "text",
    "ref": "integer",
}
# Which of them each source's values_list() gives, in its order.
_OTHER_PARTS = {
    "meeting": ("id", "day", "title", "a", "b", "c", "d"),
    "stage": ("id", "day", "title", "a", "ref"),
    "agreement": ("id", "day", "title", "a"),
    "outreach": ("id", "day", "title", "a"),
    "position": ("id", "year", "title", "a"),
    "study": ("id", "year", "title", "a"),
}


# The other sources that show their own record: its model, the column it is dated by (its day, or its year alone)
# and the choice whose label is shown beside it.
_OTHER_MODELS: dict[str, tuple[type[Model], str, str]] = {
    "agreement": (Agreement, "date_signed", "kind"),
    "outreach": (OutreachEvent, "date", "kind"),
    "position": (PositionPaper, "year", "status"),
    "study": (Study, "year", "kind"),
}


def _record(model: type[Model], values: dict[str, Any]) -> Any:
    """An instance of `model` with these columns (by attname) and no other, as a queryset's `only()` builds it."""
    names = _concrete_order(model, tuple(values))
    return model.from_db(connection.alias, names, [values[name] for name in names])


@functools.cache
def _concrete_order(model: type[Model], names: tuple[str, ...]) -> list[str]:
    """These columns of `model` in the order of its fields, the order Model.from_db() takes their values in."""
    return [f.attname for f in model._meta.concrete_fields if f.attname in names]


def _day(value: Any) -> dt.date:
    """A date column of a raw row: a date on PostgreSQL, its ISO text on SQLite."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _other_event(kind: str, row: tuple[Any, ...], countries: dict[str, Country]) -> TimelineItem:
    """The event of one row of _other_events_sql() (the columns of _OTHER_COLUMNS): its record, with the columns the
    timeline shows (SHOWN), and the detail shown beside it. A meeting's country is one instance per country
    (`countries`, kept by the caller for its rows)."""
    pk, day, year, title, a, b, c, d, ref = row
    if kind == "meeting":
        meeting = _record(Meeting, {"id": pk, "title": title, "start_date": _day(day), "city": a, "country_id": b})
        if b is not None:
            if b not in countries:
                countries[b] = _record(Country, {"code": b, "name_id": c, "name_en": d})
            meeting.country = countries[b]
        start: dt.date = meeting.start_date
        return TimelineItem(start.year, start, "meeting", meeting, f"{meeting.city}, {meeting.country}")
    if kind == "stage":
        change = _record(StageChange, {"id": pk, "cooperation_id": ref, "to_stage": a, "date": _day(day)})
        record = _record(Cooperation, {"id": ref, "title": title})
        return TimelineItem(change.date.year, change.date, "stage", record, choice_label(change, "to_stage"))
    model, dated_by, choice = _OTHER_MODELS[kind]
    when = None if dated_by == "year" else _day(day)
    record = _record(model, {"id": pk, "title": title, choice: a, dated_by: when or year})
    return TimelineItem(when.year if when else year, when, kind, record, choice_label(record, choice))


def _other_events_sql(ids: Ids, walk: bool, limit: int, day: dt.date | None) -> tuple[str, list[Any]]:
    """The query of the timeline's sources but follow-ups (see timeline()): each source's latest `limit` rows of these
    cooperations in its own order, on or after `day` if given (its year, for a source dated by the year alone), in
    one query: a UNION ALL of the sources, each ordered and limited by itself (which Django's union() does not write
    on SQLite), as plain rows (the columns of _OTHER_COLUMNS). They were six queries, each a round trip and a
    queryset turning its rows into instances; the caller builds the events of the rows it keeps (_other_event)."""

    def of_these(model: type[Model], **conditions: Any) -> QuerySet[Any]:
        """The rows of `model` of these cooperations that meet `conditions`. When walking, the cooperation is hidden
        from its index (_unindexed): the database walks the date's (or year's) index newest first from the cutoff
        and stops at `limit` (for ASEAN at N=100 nothing after the cutoff, where each source looked up each of the
        661 cooperations: 0.05 against 0.1-0.3 ms a source on SQLite, 0.15 against 0.15-0.65 on PostgreSQL)."""
        if walk:
            return model._default_manager.alias(of=_unindexed("cooperation_id")).filter(of__in_ids=ids, **conditions)
        return model._default_manager.filter(cooperation__in_ids=ids, **conditions)

    def since(field: str, year: bool = False) -> dict[str, Any]:
        """The condition `field` on or after the cutoff (its year, for a source dated by the year alone)."""
        return {} if day is None else {f"{field}__gte": day.year if year else day}

    # Each source's rows, newest first, as the columns _OTHER_PARTS names.
    parts = {
        "meeting": of_these(Meeting, **since("start_date"))
        .order_by("-start_date", "-pk")
        .values_list("id", "start_date", "title", "city", "country_id", "country__name_id", "country__name_en"),
        "stage": of_these(StageChange, **since("date"))
        .order_by("-date", "-pk")
        .values_list("id", "date", "cooperation__title", "to_stage", "cooperation_id"),
        "agreement": of_these(Agreement, date_signed__isnull=False, **since("date_signed"))
        .order_by("-date_signed", "-pk")
        .values_list("id", "date_signed", "title", "kind"),
        "outreach": of_these(OutreachEvent, **since("date"))
        .order_by("-date", "-pk")
        .values_list("id", "date", "title", "kind"),
        "position": of_these(PositionPaper, **since("year", year=True))
        .order_by("-year", "-pk")
        .values_list("id", "year", "title", "status"),
        "study": of_these(Study, **since("year", year=True))
        .order_by("-year", "-pk")
        .values_list("id", "year", "title", "kind"),
    }
    named: list[str] = []
    selects: list[str] = []
    params: list[Any] = []
    for rank, kind in enumerate(_OTHER_PARTS):  # its place in _OTHER_PARTS is the first column of a row
        sql, part_params = parts[kind][:limit].query.sql_with_params()
        given = _OTHER_PARTS[kind]
        # Each part a named subquery whose columns are named by their place (Django names them as their tables do,
        # and two may share a name): `part0(c0, c1, …)`.
        named.append(f"part{rank}({', '.join(f'c{i}' for i in range(len(given)))}) AS ({sql})")
        columns = (
            f"c{given.index(name)}" if name in given else f"CAST(NULL AS {type_})"
            for name, type_ in _OTHER_COLUMNS.items()
        )
        selects.append(f"SELECT {rank}, {', '.join(columns)} FROM part{rank}")  # noqa: S608
        params.extend(part_params)
    return f"WITH {', '.join(named)} {' UNION ALL '.join(selects)}", params


def _follow_ups_sql(ids: Ids, walk: bool, limit: int, day: dt.date | None) -> tuple[str, list[Any]]:
    """The query of the timeline's follow-ups: the latest `limit` of these cooperations (_latest_follow_ups), due on
    or after `day` if given, as the columns of _follow_up_columns()."""
    follow_ups = _latest_follow_ups(ids, limit, walk)
    if day is not None:
        follow_ups = follow_ups.filter(due_date__gte=day)
    sql, params = (
        follow_ups.order_by("-due_date", "-pk").values_list(*_follow_up_columns())[:limit].query.sql_with_params()
    )
    return sql, list(params)


@functools.cache
def _follow_up_columns() -> list[str]:
    """The columns a timeline reads of a follow-up (SHOWN), in the order Model.from_db() takes them."""
    return _concrete_order(FollowUp, ("id", *SHOWN["follow_up"]))


# Stands for the cutoff day in a timeline query compiled once (_compiled): a day no event is dated.
_ANY_DAY = dt.date(1234, 5, 6)


@dataclass(frozen=True)
class _Cutoff:
    """Where the cutoff goes among the parameters of a query compiled once: its day, or its year (`year`: the int
    type the backend binds it as; PostgreSQL's takes psycopg's Int2, Int4…, each written with its SQL type)."""

    year: type[int] | None = None

    def value(self, day: dt.date) -> Any:
        return connection.ops.adapt_datefield_value(day) if self.year is None else self.year(day.year)


_COMPILED: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}


def _compiled(
    query: Callable[[Ids, bool, int, dt.date | None], tuple[str, list[Any]]],
    ids: Ids,
    walk: bool,
    limit: int,
    day: dt.date | None,
) -> tuple[str, list[Any]]:
    """The SQL and parameters of `query` (a profile's: _first_open_sql, _follow_ups_sql, _other_events_sql) for these
    cooperations and cutoff day, compiled once per process (and backend, walk, limit, and whether there is a
    cutoff). Every profile sends these queries but for its ids and its timeline's cutoff, and building and compiling
    their querysets each time took ~3-4 ms of CPU of a profile (Indonesia's at N=100 on PostgreSQL: the timeline
    5.2 -> 1.8 ms). Compiled with ANY_IDS for the ids, put in by Ids.put_into, and _ANY_DAY for the cutoff,
    whose day and year then take the places of _ANY_DAY's among the parameters: the same SQL and parameters as
    `query` gives for these."""
    key = (connection.vendor, query, walk, limit, day is not None)
    if key not in _COMPILED:
        sql, params = query(ANY_IDS, walk, limit, None if day is None else _ANY_DAY)
        any_day = connection.ops.adapt_datefield_value(_ANY_DAY)
        places = (
            _Cutoff() if p == any_day else _Cutoff(type(p)) if _is_int(p) and p == _ANY_DAY.year else p for p in params
        )
        _COMPILED[key] = (sql, tuple(places))
    sql, compiled = _COMPILED[key]
    return sql, [p.value(day) if isinstance(p, _Cutoff) and day else p for p in ids.put_into(compiled)]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def timeline(
    cooperations: QuerySet[Cooperation] | Ids | list[int],
    extra: list[TimelineItem] | None = None,
    limit: int = TIMELINE_LIMIT,
    walk: bool = False,
) -> list[TimelineItem]:
    """The latest `limit` events of the given cooperations, newest first: two queries, each bounded, their SQL
    compiled once (_compiled), and on PostgreSQL prepared (the follow-ups' query for fewer cooperations than
    FOLLOW_UPS_PREPARED_BELOW). `walk`: there are many cooperations (WALK_FROM), so the sources (on SQLite
    follow-ups too) are read newest first.

    Follow-ups are read first, the densest source (their due dates run ahead): once `limit` events are known, the
    other sources, read together by one query (_other_events_sql), read only the events on or after the `limit`-th
    newest (_cutoff), a handful of rows instead of `limit` rows each (at N=100 ASEAN's latest 100 events are all
    follow-ups, and the other sources' 500 rows were read, built and thrown away). The events are merged by their
    rows, before any is built, in the fixed order of `order`, so events of the same day keep their order whichever
    source was read first; only the `limit` kept become instances (Indonesia at N=100: 100 of the 152 rows read).
    No cooperation: no query."""
    if isinstance(cooperations, QuerySet):
        ids = Ids(sorted(cooperations.values_list("pk", flat=True)))
    else:
        ids = cooperations if isinstance(cooperations, Ids) else Ids(cooperations)
    order = ["extra", "stage", "agreement", "position", "study", "meeting", "follow_up", "outreach"]
    # The follow-ups first (after the extra events' cutoff, if they give one): only those kept are built.
    keys = [_key(item) for item in extra or []]
    day = _cutoff(keys, limit)
    due_at = _follow_up_columns().index("due_date")
    prepared = not walk and len(ids) < FOLLOW_UPS_PREPARED_BELOW
    latest = fetch_all(*_compiled(_follow_ups_sql, ids, walk, limit, day), prepared=prepared) if ids else []
    follow_ups = [((row[due_at].year, row[due_at]), row) for row in latest]
    day = _cutoff(keys + [key for key, _ in follow_ups], limit)
    # The other sources' rows, by the place of their source in _OTHER_PARTS, each in its own order (newest, larger
    # id first), which a UNION ALL does not keep.
    rows: list[list[tuple[Any, ...]]] = [[] for _ in _OTHER_PARTS]
    for rank, *row in fetch_all(*_compiled(_other_events_sql, ids, walk, limit, day), prepared=True) if ids else []:
        rows[rank].append(tuple(row))
    for read in rows:
        read.sort(key=lambda row: (row[1] or row[2], row[0]), reverse=True)
    of_source = dict(zip(_OTHER_PARTS, rows, strict=True))
    # The events merged by their rows, in the fixed order of `order`: only the `limit` kept are built.
    merged: list[tuple[tuple[int, dt.date], str, Any]] = [(_key(item), "extra", item) for item in extra or []]
    for source in order[1:]:
        if source == "follow_up":
            merged.extend((key, source, row) for key, row in follow_ups)
        else:
            merged.extend((_row_key(row), source, row) for row in of_source[source])
    merged.sort(key=lambda entry: entry[0], reverse=True)  # stable: events of the same day keep the order of `order`
    countries: dict[str, Country] = {}
    alias = connection.alias  # looked up once (each lookup goes through the connection proxy)
    items = []
    for _key_of, source, entry in merged[:limit]:
        if source == "extra":
            items.append(entry)
        elif source == "follow_up":
            follow_up = FollowUp.from_db(alias, _follow_up_columns(), entry)
            due = entry[due_at]
            items.append(TimelineItem(due.year, due, source, follow_up, choice_label(follow_up, "status")))
        else:
            items.append(_other_event(source, entry, countries))
    url_of = RecordUrls()
    for item in items:
        item.url = url_of(item.record)
    return items


@dataclass
class Profile:
    cooperations: list[Cooperation]
    cooperation_count: int
    agreements: list[Agreement]
    agreement_count: int
    open_follow_ups: list[FollowUp]
    open_follow_up_count: int
    expiring: list[Agreement]
    timeline: list[TimelineItem]
    list_query: str  # the filter that shows the full lists of this profile


def _profile(
    cooperation_qs: QuerySet[Cooperation], list_query: str, extra: list[TimelineItem] | None = None
) -> Profile:
    # The ids, read once (this is the count too), go into each later query as a list rather than as a subquery:
    # PostgreSQL then knows how many cooperations there are (4 or 661) and plans each lookup for that number; with
    # a subquery it guessed, walked the follow-ups' due-date index for an institution's few (150,000 rows read,
    # ~400 ms) and joined every agreement before keeping a country's.
    # The same query reads, by title, the columns the cooperations' list shows: its first rows are that list.
    columns = ("id", *SHOWN["cooperation"])
    by_title: dict[int, tuple[Any, ...]] = {}
    for row in cooperation_qs.order_by("title").values_list(*columns):
        by_title.setdefault(row[0], row)  # a cooperation met twice (two partners in one country) counts once
    ids = Ids(sorted(by_title))  # written into each lookup's SQL once
    agreement_qs = Agreement.objects.filter(cooperation__in_ids=ids).only(*SHOWN["agreement"])
    today = timezone.localdate()
    # No cooperation: nothing to count (and Django cannot write the SQL of an empty IN list).
    cooperation_count = len(ids)
    walk = cooperation_count >= WALK_FROM
    first_open, open_count = _first_and_count(ids, 20, walk) if ids else ([], 0)
    # The first agreements and how many there are, in one query (the count taken before the LIMIT), each marked
    # whether it ends within 180 days (`ends_soon`, the profile's "Needs attention").
    ends_soon = Q(expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=180))
    agreements: list[Agreement] = list(
        agreement_qs.annotate(
            total=Window(Count("pk")), ends_soon=ExpressionWrapper(ends_soon, BooleanField())
        ).order_by("-date_signed", "pk")[:LIST_LIMIT]
    )
    agreement_count = getattr(agreements[0], "total") if agreements else 0  # noqa: B009 - the window count
    # The first 20 ending soon, by end: from the list when it holds every agreement (most profiles), else read.
    if agreement_count <= LIST_LIMIT:
        soon = [a for a in agreements if getattr(a, "ends_soon")]  # noqa: B009 - the annotation
        expiring = sorted(soon, key=lambda a: cast(dt.date, a.expires_on))[:20]  # ending soon: its end is set
    else:  # those ending the same day in the list's order, as the sort above leaves them
        expiring = list(agreement_qs.filter(ends_soon).order_by("expires_on", "-date_signed", "pk")[:20])
    return Profile(
        cooperations=[
            Cooperation.from_db(connection.alias, columns, row) for row in islice(by_title.values(), LIST_LIMIT)
        ],
        cooperation_count=cooperation_count,
        agreements=agreements,
        agreement_count=agreement_count,
        open_follow_ups=first_open,
        open_follow_up_count=open_count,
        expiring=expiring,
        timeline=timeline(ids, extra, walk=walk),
        list_query=list_query,
    )


def institution_profile(institution: Institution) -> Profile:
    extra = [
        TimelineItem(s.year, None, "study", s, choice_label(s, "kind"))
        for s in Study.objects.filter(partner=institution, cooperation__isnull=True)
        .only(*SHOWN["study"])
        .order_by("-year")[:20]
    ]
    return _profile(
        Cooperation.objects.filter(partners=institution), f"partner={institution.acronym or institution.name}", extra
    )


def forum_descendants(forum: Forum) -> set[int]:
    """The forum and every forum beneath it (one query for the whole forest)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Forum.objects.order_by().values_list("pk", "parent_id"):  # not sorted: a set is wanted
        children.setdefault(parent, []).append(pk)
    found, stack = set(), [forum.pk]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def forum_profile(forum: Forum) -> Profile:
    forum_ids = forum_descendants(forum)
    extra = [
        TimelineItem(m.start_date.year, m.start_date, "meeting", m, f"{m.city}, {m.country}")
        for m in Meeting.objects.filter(forum_id__in_ids=forum_ids, cooperation__isnull=True)
        .select_related("country")
        .only(*SHOWN["meeting"])
        .order_by("-start_date")[:TIMELINE_LIMIT]
    ]
    extra += [
        TimelineItem(p.year, None, "position", p, choice_label(p, "status"))
        for p in PositionPaper.objects.filter(forum_id__in_ids=forum_ids, cooperation__isnull=True)
        .only(*SHOWN["position"])
        .order_by("-year")[:TIMELINE_LIMIT]
    ]
    return _profile(Cooperation.objects.filter(forum_id__in_ids=forum_ids), f"forum={forum.pk}", extra)


def country_profile(country: Country) -> Profile:
    # Held in this country, so shown with their city alone: their country is not read (100 rows joined and built).
    extra = [
        TimelineItem(m.start_date.year, m.start_date, "meeting", m, m.city)
        for m in Meeting.objects.filter(country=country, cooperation__isnull=True)
        .only(*SHOWN["meeting"])
        .order_by("-start_date")[:TIMELINE_LIMIT]
    ]
    return _profile(Cooperation.objects.filter(partners__country=country), f"country={country.code}", extra)
