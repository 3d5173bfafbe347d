"""The figures the registry feeds into performance measurement, each with the records behind it.

Every function takes a year and returns an `Indicator`: the count and the rows that make it up, so a page or a
report can always show the list behind a figure. The rows are read lazily (`core.lazyrows.LazyRows`): the count is
a COUNT in SQL, and only the rows a page shows (a slice) are read and built, so a figure costs a few queries
however many records stand behind it. The performance app, which sits above the registry, offers
each of `INDICATORS` as an indicator source (`performance/sources.py`, from `PerformanceConfig.ready()`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from mitra.core import periods, years
from mitra.core.lazyrows import LazyRows

from .models import (
    HOME_COUNTRY,
    Agreement,
    Cooperation,
    DelegationMember,
    EffectivenessRule,
    FollowUp,
    FollowUpStatus,
    Meeting,
    MeetingMode,
    OutreachEvent,
    PositionPaper,
    Publication,
    Scope,
    Study,
    StudyKind,
)


@dataclass
class Row:
    record: Any
    marks: dict[str, bool] = field(default_factory=dict)  # e.g. {"position": True, "participation": False}


@dataclass
class Indicator:
    key: str
    label: Any
    year: int
    rows: Sequence[Row]  # a LazyRows: len() counts in SQL, a slice reads only its rows
    rule: Any = ""  # a (lazy) text saying how the figure is counted

    @property
    def count(self) -> int:
        return len(self.rows)


LABELS = {
    "cooperation.developments": _("Cooperation developments"),
    "cooperation.position_papers": _("Position papers"),
    "cooperation.active_meetings": _("Meetings with active participation"),
    "cooperation.trips": _("Trips to meetings abroad"),
    "cooperation.studies": _("Studies"),
    "cooperation.outreach": _("Socialisation, publication and workshop activities"),
    "cooperation.editions": _("Publication editions"),
    "cooperation.effective": _("Effective cooperations"),
}


def _active_meetings(year: int) -> QuerySet[Meeting]:
    return Meeting.objects.filter(start_date__year=year, active_participation=True)


def _rows(qs: QuerySet[Any], **marks: bool) -> LazyRows[Row]:
    """The rows of one ordered queryset, each with the same marks."""
    return LazyRows([(qs, lambda objs: [Row(o, dict(marks)) for o in objs])])


def _with_position(year: int) -> QuerySet[PositionPaper]:
    return PositionPaper.objects.filter(year=year, cooperation__isnull=False)


def _with_participation(year: int) -> QuerySet[Meeting]:
    return _active_meetings(year).filter(cooperation__isnull=False)


def _developments(year: int) -> QuerySet[Cooperation]:
    return Cooperation.objects.filter(
        Q(pk__in=_with_position(year).values("cooperation_id"))
        | Q(pk__in=_with_participation(year).values("cooperation_id"))
    )


def _developments_one_by_one(year: int) -> QuerySet[Cooperation]:
    """The cooperations of `_developments`, each tested by itself (EXISTS through the indexes on the cooperation):
    read in the order of their ids, a page of them costs probing about as many cooperations, where `_developments`
    first reads every position paper and active meeting of the year (7,000 meetings at ten years of data, issue
    17). Counting all of them is faster the other way (`_developments(year).count()`)."""
    return Cooperation.objects.filter(
        Exists(_with_position(year).filter(cooperation=OuterRef("pk")))
        | Exists(_with_participation(year).filter(cooperation=OuterRef("pk")))
    )


def cooperation_developments(year: int, count: int | None = None) -> Indicator:
    """The 2017 key indicator: cooperations for which BPOM produced a position paper in the year OR took an active
    part in one of their meetings in the year — a union, each counted once, with which of the two it had.

    `count`: the number of them when the caller has already counted them (`development_counts`), so the list's
    length is not counted again."""

    def build(cooperations: list[Cooperation]) -> list[Row]:
        ids = [c.pk for c in cooperations]
        # Unordered: only which cooperations appear matters (the meetings' ids come from an index alone).
        position = set(
            _with_position(year).filter(cooperation_id__in=ids).order_by().values_list("cooperation_id", flat=True)
        )
        participation = set(
            _with_participation(year).filter(cooperation_id__in=ids).order_by().values_list("cooperation_id", flat=True)
        )
        return [Row(c, {"position": c.pk in position, "participation": c.pk in participation}) for c in cooperations]

    # Only what a list of the figure shows (title, link): these lists run to thousands at scale.
    cooperations = _developments_one_by_one(year).only("pk", "title").order_by("pk")
    return Indicator(
        "cooperation.developments",
        LABELS["cooperation.developments"],
        year,
        LazyRows([(cooperations, build)], (lambda: [_developments(year).count()]) if count is None else [count]),
        _(
            "A cooperation with a position paper in the year, or a meeting in the year in which BPOM "
            "took an active part (counted once if it has both)."
        ),
    )


# Per scope: (cooperations, with a position paper, with active participation, with both).
DevelopmentTally = dict[str, tuple[int, int, int, int]]


def development_tally(year: int) -> DevelopmentTally:
    """The key indicator's cooperations counted by scope in one SQL query: for each scope with any, how many, how
    many with a position paper, with active participation, and with both. `development_counts` and
    `development_breakdown` are read from it (pass it to them to count once for both)."""
    position = Q(pk__in=_with_position(year).values("cooperation_id"))
    participation = Q(pk__in=_with_participation(year).values("cooperation_id"))
    rows = (
        _developments(year)
        .order_by()
        .values("scope")
        .annotate(
            n=Count("pk"),
            position=Count("pk", filter=position),
            participation=Count("pk", filter=participation),
            both=Count("pk", filter=position & participation),
        )
    )
    return {row["scope"]: (row["n"], row["position"], row["participation"], row["both"]) for row in rows}


def development_counts(year: int, tally: DevelopmentTally | None = None) -> dict[str, int]:
    """The key indicator's counts in SQL: all of them, those with a position paper, with active participation,
    and with both (what Table 6 totals). `tally`: `development_tally(year)` when already read."""
    counts = (development_tally(year) if tally is None else tally).values()
    return {key: sum(c[i] for c in counts) for i, key in enumerate(("count", "position", "participation", "both"))}


def development_breakdown(year: int, tally: DevelopmentTally | None = None) -> list[tuple[str, int, int, int]]:
    """The key indicator's cooperations by scope (bilateral, regional, multilateral), in SQL: for each scope with
    any, (scope, count, with a position paper, with active participation); the scopes in their declared order.
    `tally`: `development_tally(year)` when already read."""
    counts = development_tally(year) if tally is None else tally
    order = [value for value, _label in Scope.choices] + sorted(set(counts) - set(Scope.values))
    return [(scope, *counts[scope][:3]) for scope in order if scope in counts]


def position_papers(year: int) -> Indicator:
    papers = PositionPaper.objects.filter(year=year).only("pk", "title", "year").order_by("pk")
    return Indicator(
        "cooperation.position_papers",
        LABELS["cooperation.position_papers"],
        year,
        _rows(papers),
        _("Position papers dated in the year."),
    )


def active_meetings(year: int) -> Indicator:
    meetings = _active_meetings(year).only("pk", "title", "start_date", "country_id").order_by("start_date", "pk")
    return Indicator(
        "cooperation.active_meetings",
        LABELS["cooperation.active_meetings"],
        year,
        LazyRows([(meetings, lambda objs: [Row(m, {"abroad": m.is_abroad}) for m in objs])]),
        _("Meetings starting in the year in which BPOM took an active part, at home or abroad."),
    )


def meeting_trips(year: int) -> Indicator:
    """Person-trips: one per delegation member of each meeting abroad starting in the year (not virtual ones)."""
    members = (
        DelegationMember.objects.filter(meeting__start_date__year=year, meeting__deleted_at__isnull=True)
        .exclude(meeting__country_id=HOME_COUNTRY)
        .exclude(meeting__mode=MeetingMode.VIRTUAL)
        .select_related("meeting")
        .only("pk", "name", "role", "meeting__id", "meeting__title", "meeting__start_date")
        .order_by("meeting__start_date", "meeting_id", "pk")
    )
    return Indicator(
        "cooperation.trips",
        LABELS["cooperation.trips"],
        year,
        _rows(members, meeting=True),
        _("One trip per delegation member of each meeting abroad starting in the year, unless it met virtually."),
    )


def studies(year: int) -> Indicator:
    rows = _rows(Study.objects.filter(year=year, kind=StudyKind.STUDY).order_by("pk"))
    return Indicator(
        "cooperation.studies", LABELS["cooperation.studies"], year, rows, _("Studies (kajian) dated in the year.")
    )


def outreach(year: int) -> Indicator:
    """Socialisation, publication and workshop activities (Table 3): outreach events and publication editions."""
    events = OutreachEvent.objects.filter(date__year=year).order_by("date", "pk")
    editions = Publication.objects.filter(date__year=year).order_by("date", "pk")
    return Indicator(
        "cooperation.outreach",
        LABELS["cooperation.outreach"],
        year,
        LazyRows(
            [
                (events, lambda objs: [Row(e, {"event": True}) for e in objs]),
                (editions, lambda objs: [Row(p, {"edition": True}) for p in objs]),
            ]
        ),
        _(
            "Workshops, seminars and socialisation events held in the year, plus publication editions "
            "issued in the year."
        ),
    )


def newsletter_editions(year: int) -> Indicator:
    rows = _rows(Publication.objects.filter(date__year=year).order_by("date", "pk"))
    return Indicator(
        "cooperation.editions", LABELS["cooperation.editions"], year, rows, _("Editions issued in the year.")
    )


def effectiveness_rule(year: int) -> EffectivenessRule:
    """The rule in force for the year: the year's own, else the latest earlier one, else the default."""
    return EffectivenessRule.objects.filter(year__lte=year).order_by("-year").first() or EffectivenessRule(year=year)


def describe_rule(rule: EffectivenessRule) -> str:
    from django.utils.translation import gettext as _g

    parts = []
    if rule.counts_meetings:
        parts.append(_g("a meeting with active participation"))
    if rule.counts_position_papers:
        parts.append(_g("a position paper"))
    if rule.counts_follow_ups:
        parts.append(_g("a completed follow-up action"))
    if rule.counts_outreach:
        parts.append(_g("an outreach event"))
    if rule.counts_studies:
        parts.append(_g("a study"))
    activity = _g(" or ").join(parts) or _g("(no activity kinds selected)")
    text = _g("Effective when it has, in the year, %(activity)s") % {"activity": activity}
    if rule.requires_agreement_in_force:
        text += _g(", and an agreement in force at some time in the year")
    return text + "."


def effective_cooperations(year: int) -> Indicator:
    rule = effectiveness_rule(year)
    start, end = periods.year_bounds(year)
    active = Q(pk__in=[])
    if rule.counts_meetings:
        active |= Q(pk__in=_with_participation(year).values("cooperation_id"))
    if rule.counts_position_papers:
        active |= Q(pk__in=_with_position(year).values("cooperation_id"))
    if rule.counts_follow_ups:
        done = FollowUp.objects.filter(status=FollowUpStatus.DONE, completed_on__year=year)
        active |= Q(pk__in=done.filter(cooperation__isnull=False).values("cooperation_id"))
        active |= Q(pk__in=done.filter(meeting__cooperation__isnull=False).values("meeting__cooperation_id"))
    if rule.counts_outreach:
        active |= Q(
            pk__in=OutreachEvent.objects.filter(date__year=year, cooperation__isnull=False).values("cooperation_id")
        )
    if rule.counts_studies:
        active |= Q(pk__in=Study.objects.filter(year=year, cooperation__isnull=False).values("cooperation_id"))
    cooperations = Cooperation.objects.filter(active)
    if rule.requires_agreement_in_force:
        cooperations = cooperations.filter(pk__in=_in_force_during(start, end).values("cooperation_id"))
    return Indicator(
        "cooperation.effective",
        LABELS["cooperation.effective"],
        year,
        _rows(cooperations.only("pk", "title").order_by("pk")),
        describe_rule(rule),
    )


def _in_force_during(start: dt.date, end: dt.date) -> QuerySet[Agreement]:
    """Agreements in force at some time between `start` and `end`: begun (entry into force, else signature) by
    `end`, and not expired before `start`."""
    return Agreement.objects.annotate(begin=Coalesce("entry_into_force", "date_signed")).filter(
        Q(begin__lte=end), Q(expires_on__isnull=True) | Q(expires_on__gte=start)
    )


INDICATORS = {
    "cooperation.developments": cooperation_developments,
    "cooperation.effective": effective_cooperations,
    "cooperation.position_papers": position_papers,
    "cooperation.active_meetings": active_meetings,
    "cooperation.trips": meeting_trips,
    "cooperation.studies": studies,
    "cooperation.outreach": outreach,
    "cooperation.editions": newsletter_editions,
}

# What each figure reads: the record types, each with the lookup of the year it counts in ("" when the record is
# not tied to a year, e.g. the cooperation a paper belongs to). performance/sources.py registers them with the
# figures: the reports' cache key counts their writes, and an issued year lists their later writes as late changes.
_COOPERATIONS = {"cooperation.cooperation": ""}
READS: dict[str, dict[str, str]] = {
    "cooperation.developments": {
        "cooperation.positionpaper": "year",
        "cooperation.meeting": "start_date__year",
        **_COOPERATIONS,
    },
    "cooperation.effective": {
        "cooperation.positionpaper": "year",
        "cooperation.meeting": "start_date__year",
        "cooperation.followup": "completed_on__year",
        "cooperation.outreachevent": "date__year",
        "cooperation.study": "year",
        "cooperation.agreement": "",
        "cooperation.effectivenessrule": "",
        **_COOPERATIONS,
    },
    "cooperation.position_papers": {"cooperation.positionpaper": "year"},
    "cooperation.active_meetings": {"cooperation.meeting": "start_date__year"},
    "cooperation.trips": {"cooperation.meeting": "start_date__year", "cooperation.delegationmember": ""},
    "cooperation.studies": {"cooperation.study": "year"},
    "cooperation.outreach": {"cooperation.outreachevent": "date__year", "cooperation.publication": "date__year"},
    "cooperation.editions": {"cooperation.publication": "date__year"},
}


def latest_year(today: dt.date | None = None) -> int:
    """The year the indicators open on: the latest with a meeting, position paper, study, outreach event or
    newsletter edition, not after this year (core.years)."""
    return years.latest_year(
        [
            (Meeting.objects.all(), "start_date"),
            (PositionPaper.objects.all(), "year"),
            (Study.objects.all(), "year"),
            (OutreachEvent.objects.all(), "date"),
            (Publication.objects.all(), "date"),
        ],
        today,
    )
