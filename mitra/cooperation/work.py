"""The registry's part of a person's "my work": open follow-ups of their units due within a week or overdue,
agreements of their units whose notice date or end comes within 90 days, the open deliverables they own due within
MITRA_DELIVERABLE_WORK_DAYS (default 14) or overdue, unread reminders, the agenda items and partners' requests their
unit must answer, and the reports of their units' meetings not yet submitted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mitra.core.models import Role
from mitra.core.work import WorkItem

from . import selectors

FOLLOW_UP_DAYS = 7
AGREEMENT_DAYS = 90
LIMIT = 20


def _mine(user: Any, field: str = "responsible_unit") -> Q | None:
    unit = user.unit if getattr(user, "unit_id", None) else None
    if unit is None:
        return None
    return Q(**{field: unit}) | Q(**{f"{field}__path__startswith": unit.path + "/"})


def follow_ups_due(user: Any, today: dt.date) -> list[WorkItem]:
    mine = _mine(user)
    if mine is None or not user.has_perm("cooperation.create_records"):
        return []
    rows = (
        selectors.follow_ups()
        .filter(mine, status__in=selectors.OPEN_FOLLOW_UP, due_date__lte=today + dt.timedelta(days=FOLLOW_UP_DAYS))
        .order_by("due_date", "pk")[:LIMIT]
    )
    return [
        WorkItem(
            area="follow_ups",
            action=_("Follow up"),
            label=f.description[:160],
            url=f.get_absolute_url(),
            due=f.due_date,
            overdue=f.due_date < today,
        )
        for f in rows
    ]


def agreements_ending(user: Any, today: dt.date) -> list[WorkItem]:
    mine = _mine(user)
    if mine is None or not user.has_perm("cooperation.create_records"):
        return []
    rows = selectors.agreements_expiring(AGREEMENT_DAYS, today).filter(mine)[:LIMIT]
    items = []
    for agreement in rows:
        notice = agreement.notice_date
        due: dt.date | None
        if notice and notice >= today:
            action, due = _("Decide on renewal before the notice date"), notice
        else:
            action, due = _("Agreement ends"), agreement.expires_on
        items.append(
            WorkItem(area="agreements", action=action, label=agreement.title, url=agreement.get_absolute_url(), due=due)
        )
    return items


def deliverables_due(user: Any, today: dt.date) -> list[WorkItem]:
    if not getattr(user, "pk", None):
        return []
    days = int(getattr(settings, "MITRA_DELIVERABLE_WORK_DAYS", 14))
    rows = (
        selectors.deliverables()
        .filter(owner=user, status__in=selectors.OPEN_DELIVERABLE, due_date__lte=today + dt.timedelta(days=days))
        .order_by("due_date", "pk")[:LIMIT]
    )
    return [
        WorkItem(
            area="deliverables",
            action=_("Deliver"),
            label=f"{d.title} — {d.agreement.title}"[:200],
            url=d.get_absolute_url(),
            due=d.due_date,
            overdue=d.due_date < today,
        )
        for d in rows
    ]


def reminders(user: Any, today: dt.date) -> list[WorkItem]:
    return [
        WorkItem(
            area="reminders",
            action=_("Reminder"),
            label=n.message,
            url=n.url or reverse("cooperation:dashboard"),
            due=n.due_date,
            overdue=bool(n.due_date and n.due_date < today),
        )
        for n in selectors.notifications_for(user, limit=LIMIT)
    ]


def assignments_open(user: Any, today: dt.date) -> list[WorkItem]:
    """Agenda items and partners' requests the user's unit (or a unit beneath it) must still answer; for staff and
    heads of any unit of BPOM, not only the bureau (the people who may answer them)."""
    if getattr(user, "role", "") not in (Role.STAFF, Role.HEAD_OF_UNIT):
        return []
    rows = selectors.open_assignments_for(user)[:LIMIT]
    return [
        WorkItem(
            area="assignments",
            action=_("Reply"),
            label=f"{a.item} — {a.unit.short_name or a.unit.name}"[:200],
            url=reverse("cooperation:assignment-answer", args=[a.pk]),
            due=a.item.response_deadline,
            overdue=a.item.response_deadline < today,
        )
        for a in rows
    ]


def meeting_reports_due(user: Any, today: dt.date) -> list[WorkItem]:
    """Meetings of the user's units that have ended and whose report (due MITRA_MEETING_REPORT_DAYS after the end)
    is not submitted yet; an unsubmitted report leaves "my work" MITRA_MEETING_REPORT_WORK_DAYS after it was due."""
    mine = _mine(user)
    if mine is None or not user.has_perm("cooperation.create_records"):
        return []
    due_days = int(getattr(settings, "MITRA_MEETING_REPORT_DAYS", 14))
    keep_days = int(getattr(settings, "MITRA_MEETING_REPORT_WORK_DAYS", 60))
    rows = (
        selectors.meetings()
        .filter(
            mine,
            end_date__lt=today,
            end_date__gte=today - dt.timedelta(days=due_days + keep_days),
            report_submitted_on__isnull=True,
        )
        .order_by("end_date", "pk")[:LIMIT]
    )
    return [
        WorkItem(
            area="meeting_reports",
            action=_("Submit the meeting report"),
            label=m.title,
            url=m.get_absolute_url(),
            due=m.report_due,
            overdue=m.report_due < today,
        )
        for m in rows
    ]
