"""The quarters waiting for a person (the home page's "my work"): to fill and submit for the unit's staff and
head, to verify for the head of the unit, to approve for leadership — each only where the rules let them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mitra.core.work import WorkItem

from .models import QuarterReport, ReportStatus

# What each status waits for, and the permission that may do it.
STEPS = {
    ReportStatus.DRAFT: (_("Fill in and submit"), "performance.submit_quarter"),
    ReportStatus.SUBMITTED: (_("Verify"), "performance.verify_quarter"),
    ReportStatus.VERIFIED: (_("Approve and lock"), "performance.approve_quarter"),
}


def quarter_end(year: int, quarter: int) -> dt.date:
    return (dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, quarter * 3 + 1, 1)) - dt.timedelta(days=1)


def quarters_waiting(user: Any, today: dt.date) -> list[WorkItem]:
    """Quarters that have begun and wait for a step this user may take: one query."""
    reports = QuarterReport.objects.filter(status__in=list(STEPS), year__lte=today.year).select_related("unit")
    if not user.has_perm("performance.approve_quarter"):  # leadership approves for every unit; others, their own
        if user.unit is None:
            return []
        reports = reports.filter(Q(unit=user.unit) | Q(unit__path__startswith=user.unit.path + "/"))
    items = []
    for report in reports.order_by("year", "quarter", "unit__path"):
        if (report.year, (report.quarter - 1) * 3 + 1) > (today.year, today.month):
            continue  # a quarter that has not begun waits for nobody
        action, perm = STEPS[ReportStatus(report.status)]
        if not user.has_perm(perm, report):
            continue
        if report.status == ReportStatus.SUBMITTED and report.submitted_by_id == user.pk:
            continue  # who submitted a quarter does not verify it
        end = quarter_end(report.year, report.quarter)
        items.append(
            WorkItem(
                area="quarters",
                action=action,
                label=str(report),
                url=reverse("performance:quarter-report", args=[report.year, report.quarter, report.unit.code]),
                due=end,
                overdue=report.status == ReportStatus.DRAFT and end < today,
            )
        )
    return items
