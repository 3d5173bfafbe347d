"""Reads of the registry: list querysets, the dashboard's figures, and the timeline of a partner, forum or
country profile."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mitra.partners.models import Country, Forum, Institution

from .models import (
    Agreement,
    AgreementKind,
    Cooperation,
    FollowUp,
    FollowUpStatus,
    Meeting,
    Notification,
    OutreachEvent,
    PositionPaper,
    Publication,
    Stage,
    Study,
)

ACTIVE_STAGES = [Stage.SIGNED, Stage.IMPLEMENTATION, Stage.EVALUATION, Stage.RENEWED]
OPEN_FOLLOW_UP = [FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS]


def cooperations() -> QuerySet[Cooperation]:
    return Cooperation.objects.select_related("forum", "responsible_unit").prefetch_related("partners", "sectors")


def agreements() -> QuerySet[Agreement]:
    return Agreement.objects.select_related("cooperation", "responsible_unit", "amends")


def position_papers() -> QuerySet[PositionPaper]:
    return PositionPaper.objects.select_related("cooperation", "forum", "meeting", "responsible_unit")


def studies() -> QuerySet[Study]:
    return Study.objects.select_related("cooperation", "forum", "partner", "responsible_unit")


def meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("forum", "cooperation", "country", "responsible_unit", "position_paper")


def follow_ups() -> QuerySet[FollowUp]:
    return FollowUp.objects.select_related("meeting", "cooperation", "responsible_unit")


def outreach_events() -> QuerySet[OutreachEvent]:
    return OutreachEvent.objects.select_related("cooperation", "forum", "responsible_unit")


def publications() -> QuerySet[Publication]:
    return Publication.objects.select_related("responsible_unit")


def overdue_follow_ups(today: dt.date | None = None) -> QuerySet[FollowUp]:
    return follow_ups().filter(status__in=OPEN_FOLLOW_UP, due_date__lt=today or timezone.localdate())


def agreements_expiring(within_days: int = 90, today: dt.date | None = None) -> list[Agreement]:
    """Agreements whose end (stated or from their duration) falls in the next `within_days` days."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=within_days)
    candidates = agreements().filter(
        Q(end_date__gte=today, end_date__lte=horizon) | Q(end_date__isnull=True, duration_months__isnull=False)
    )
    found = [a for a in candidates if a.expires_on and today <= a.expires_on <= horizon]
    return sorted(found, key=lambda a: a.expires_on or today)


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = (day.month - 1) // 3 * 3 + 1
    last_month = first_month + 2
    return dt.date(day.year, first_month, 1), dt.date(
        day.year, last_month, calendar.monthrange(day.year, last_month)[1]
    )


@dataclass
class Dashboard:
    today: dt.date
    stages: list[tuple[str, str, int]]  # (stage, label, cooperations)
    agreements_by_kind: list[tuple[str, int]]
    expiring: list[Agreement]
    overdue: list[FollowUp]
    overdue_count: int
    meetings_this_quarter: list[Meeting]
    quarter: tuple[dt.date, dt.date]
    country_counts: dict[str, int]  # ISO numeric → active cooperations with partners there


def dashboard(today: dt.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    by_stage = dict(Cooperation.objects.order_by().values("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    by_kind = Counter(
        dict(Agreement.objects.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    )

    start, end = quarter_bounds(today)
    overdue = overdue_follow_ups(today)
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
        expiring=agreements_expiring(90, today),
        overdue=list(overdue.order_by("due_date")[:10]),
        overdue_count=overdue.count(),
        meetings_this_quarter=list(
            meetings().filter(start_date__gte=start, start_date__lte=end).order_by("start_date")[:15]
        ),
        quarter=(start, end),
        country_counts=country_counts,
    )


@dataclass
class TimelineItem:
    year: int
    date: dt.date | None
    kind: str
    record: Any
    detail: str = ""


def timeline(cooperation_ids: set[int], extra: list[TimelineItem] | None = None) -> list[TimelineItem]:
    """Everything that happened in the given cooperations, newest first (a fixed number of queries)."""
    items: list[TimelineItem] = list(extra or [])
    for c in Cooperation.objects.filter(pk__in=cooperation_ids).prefetch_related("stage_changes"):
        for change in c.stage_changes.all():
            items.append(TimelineItem(change.date.year, change.date, "stage", c, change.get_to_stage_display()))
    for a in Agreement.objects.filter(cooperation_id__in=cooperation_ids):
        if a.date_signed:
            items.append(TimelineItem(a.date_signed.year, a.date_signed, "agreement", a, a.get_kind_display()))
    for p in PositionPaper.objects.filter(cooperation_id__in=cooperation_ids):
        items.append(TimelineItem(p.year, None, "position", p, p.get_status_display()))
    for s in Study.objects.filter(cooperation_id__in=cooperation_ids):
        items.append(TimelineItem(s.year, None, "study", s, s.get_kind_display()))
    for m in Meeting.objects.filter(cooperation_id__in=cooperation_ids).select_related("country"):
        items.append(TimelineItem(m.start_date.year, m.start_date, "meeting", m, f"{m.city}, {m.country}"))
    for f in FollowUp.objects.filter(
        Q(cooperation_id__in=cooperation_ids) | Q(meeting__cooperation_id__in=cooperation_ids)
    ):
        items.append(TimelineItem(f.due_date.year, f.due_date, "follow_up", f, f.get_status_display()))
    for e in OutreachEvent.objects.filter(cooperation_id__in=cooperation_ids):
        items.append(TimelineItem(e.date.year, e.date, "outreach", e, e.get_kind_display()))
    return sorted(items, key=lambda i: (i.year, i.date or dt.date(i.year, 1, 1)), reverse=True)


@dataclass
class Profile:
    cooperations: list[Cooperation]
    agreements: list[Agreement]
    open_follow_ups: list[FollowUp]
    expiring: list[Agreement]
    timeline: list[TimelineItem]


def _profile(cooperation_qs: QuerySet[Cooperation], extra: list[TimelineItem] | None = None) -> Profile:
    cooperation_list = list(cooperations().filter(pk__in=cooperation_qs.values("pk")).order_by("title"))
    ids = {c.pk for c in cooperation_list}
    agreement_list = list(agreements().filter(cooperation_id__in=ids).order_by("-date_signed"))
    today = timezone.localdate()
    expiring = [a for a in agreement_list if a.expires_on and today <= a.expires_on <= today + dt.timedelta(days=180)]
    open_follow_ups = list(
        follow_ups()
        .filter(Q(cooperation_id__in=ids) | Q(meeting__cooperation_id__in=ids), status__in=OPEN_FOLLOW_UP)
        .order_by("due_date")
    )
    return Profile(cooperation_list, agreement_list, open_follow_ups, expiring, timeline(ids, extra))


def institution_profile(institution: Institution) -> Profile:
    extra = [
        TimelineItem(s.year, None, "study", s, s.get_kind_display())
        for s in Study.objects.filter(partner=institution, cooperation__isnull=True)
    ]
    return _profile(Cooperation.objects.filter(partners=institution), extra)


def forum_descendants(forum: Forum) -> set[int]:
    """The forum and every forum beneath it (one query for the whole forest)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Forum.objects.values_list("pk", "parent_id"):
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
        for m in Meeting.objects.filter(forum_id__in=forum_ids, cooperation__isnull=True).select_related("country")
    ]
    extra += [
        TimelineItem(p.year, None, "position", p, p.get_status_display())
        for p in PositionPaper.objects.filter(forum_id__in=forum_ids, cooperation__isnull=True)
    ]
    return _profile(Cooperation.objects.filter(forum_id__in=forum_ids), extra)


def country_profile(country: Country) -> Profile:
    extra = [
        TimelineItem(m.start_date.year, m.start_date, "meeting", m, m.city)
        for m in Meeting.objects.filter(country=country, cooperation__isnull=True).select_related("country")
    ]
    return _profile(Cooperation.objects.filter(partners__country=country).distinct(), extra)


def notifications_for(user: Any, limit: int = 20) -> QuerySet[Notification]:
    if not getattr(user, "unit_id", None):
        return Notification.objects.none()
    unit = user.unit
    return Notification.objects.filter(Q(unit=unit) | Q(unit__path__startswith=unit.path + "/")).exclude(read_by=user)[
        :limit
    ]
