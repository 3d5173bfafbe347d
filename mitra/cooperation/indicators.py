"""The figures the registry feeds into performance measurement, each with the records behind it.

Every function takes a year and returns an `Indicator`: the count and the rows that make it up, so a page or a
report can always show the list behind a figure. The performance app, which sits above the registry, offers
each of `INDICATORS` as an indicator source (`performance/sources.py`, from `PerformanceConfig.ready()`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mitra.core import periods, years

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
    rows: list[Row]
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


def cooperation_developments(year: int) -> Indicator:
    """The 2017 key indicator: cooperations for which BPOM produced a position paper in the year OR took an active
    part in one of their meetings in the year — a union, each counted once, with which of the two it had."""
    with_position = set(
        PositionPaper.objects.filter(year=year, cooperation__isnull=False).values_list("cooperation_id", flat=True)
    )
    with_participation = set(
        _active_meetings(year).filter(cooperation__isnull=False).values_list("cooperation_id", flat=True)
    )
    ids = with_position | with_participation
    # Only what a list of the figure shows (title, link): these lists run to thousands at scale.
    cooperations = Cooperation.objects.filter(pk__in=ids).only("pk", "title").order_by("pk")
    rows = [
        Row(c, {"position": c.pk in with_position, "participation": c.pk in with_participation}) for c in cooperations
    ]
    return Indicator(
        "cooperation.developments",
        LABELS["cooperation.developments"],
        year,
        rows,
        _(
            "A cooperation with a position paper in the year, or a meeting in the year in which BPOM "
            "took an active part (counted once if it has both)."
        ),
    )


def position_papers(year: int) -> Indicator:
    papers = PositionPaper.objects.filter(year=year).only("pk", "title", "year").order_by("pk")
    return Indicator(
        "cooperation.position_papers",
        LABELS["cooperation.position_papers"],
        year,
        [Row(p) for p in papers],
        _("Position papers dated in the year."),
    )


def active_meetings(year: int) -> Indicator:
    meetings = _active_meetings(year).only("pk", "title", "start_date", "country_id").order_by("start_date", "pk")
    return Indicator(
        "cooperation.active_meetings",
        LABELS["cooperation.active_meetings"],
        year,
        [Row(m, {"abroad": m.is_abroad}) for m in meetings],
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
    rows = [Row(member, {"meeting": True}) for member in members]
    return Indicator(
        "cooperation.trips",
        LABELS["cooperation.trips"],
        year,
        rows,
        _("One trip per delegation member of each meeting abroad starting in the year, unless it met virtually."),
    )


def studies(year: int) -> Indicator:
    rows = [Row(s) for s in Study.objects.filter(year=year, kind=StudyKind.STUDY).order_by("pk")]
    return Indicator(
        "cooperation.studies", LABELS["cooperation.studies"], year, rows, _("Studies (kajian) dated in the year.")
    )


def outreach(year: int) -> Indicator:
    """Socialisation, publication and workshop activities (Table 3): outreach events and publication editions."""
    events = [Row(e, {"event": True}) for e in OutreachEvent.objects.filter(date__year=year).order_by("date", "pk")]
    editions = [Row(p, {"edition": True}) for p in Publication.objects.filter(date__year=year).order_by("date", "pk")]
    return Indicator(
        "cooperation.outreach",
        LABELS["cooperation.outreach"],
        year,
        events + editions,
        _(
            "Workshops, seminars and socialisation events held in the year, plus publication editions "
            "issued in the year."
        ),
    )


def newsletter_editions(year: int) -> Indicator:
    rows = [Row(p) for p in Publication.objects.filter(date__year=year).order_by("date", "pk")]
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
    active: set[int] = set()
    if rule.counts_meetings:
        active |= set(_active_meetings(year).filter(cooperation__isnull=False).values_list("cooperation_id", flat=True))
    if rule.counts_position_papers:
        active |= set(
            PositionPaper.objects.filter(year=year, cooperation__isnull=False).values_list("cooperation_id", flat=True)
        )
    if rule.counts_follow_ups:
        done = FollowUp.objects.filter(status=FollowUpStatus.DONE, completed_on__year=year)
        active |= set(done.filter(cooperation__isnull=False).values_list("cooperation_id", flat=True))
        active |= set(done.filter(meeting__cooperation__isnull=False).values_list("meeting__cooperation_id", flat=True))
    if rule.counts_outreach:
        active |= set(
            OutreachEvent.objects.filter(date__year=year, cooperation__isnull=False).values_list(
                "cooperation_id", flat=True
            )
        )
    if rule.counts_studies:
        active |= set(
            Study.objects.filter(year=year, cooperation__isnull=False).values_list("cooperation_id", flat=True)
        )
    if rule.requires_agreement_in_force:
        in_force = {
            a.cooperation_id
            for a in Agreement.objects.filter(cooperation_id__in=active)
            if _in_force_during(a, start, end)
        }
        active &= in_force
    cooperations = Cooperation.objects.filter(pk__in=active).only("pk", "title").order_by("pk")
    return Indicator(
        "cooperation.effective",
        LABELS["cooperation.effective"],
        year,
        [Row(c) for c in cooperations],
        describe_rule(rule),
    )


def _in_force_during(agreement: Agreement, start: dt.date, end: dt.date) -> bool:
    begin = agreement.entry_into_force or agreement.date_signed
    finish = agreement.expires_on
    return bool(begin and begin <= end and (finish is None or finish >= start))


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
