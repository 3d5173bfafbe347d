"""Travel's part of a person's "my work": for the bureau's travel service, the document steps that are late or due
next; for everyone, the unit's own requests still in draft or in process; and the trip reports due at the State
Secretariat (travel/setneg.py), for the bureau's service and the requesting unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mitra.core.work import WorkItem

from . import selectors, setneg
from .models import UNFINISHED_STATUSES, TravelRequest, TravelStatus

LIMIT = 10


def steps_due(user: Any, today: dt.date) -> list[WorkItem]:
    if not user.has_perm("travel.process"):
        return []
    queue = selectors.queue(user, today, limit=LIMIT)
    return [
        WorkItem(
            area="travel",
            action=_("Work the step: %(step)s") % {"step": d.step.kind},
            label=str(d.step.request),
            url=d.step.request.get_absolute_url(),
            due=d.due,
            overdue=d.late,
        )
        for d in [*queue.late, *queue.upcoming]
    ]


def my_requests(user: Any, today: dt.date) -> list[WorkItem]:
    if user.unit is None or user.has_perm("travel.process"):
        return []  # the bureau's service sees the requests as steps above
    unit = user.unit
    rows = (
        TravelRequest.objects.filter(Q(requesting_unit=unit) | Q(requesting_unit__path__startswith=unit.path + "/"))
        .filter(status__in_literal=UNFINISHED_STATUSES, return_date__gte=today)
        .select_related("meeting")
        .order_by("departure_date", "pk")[:LIMIT]
    )
    items = []
    for request in rows:
        action: Any
        if request.status == TravelStatus.DRAFT:
            action, due = _("Add travellers and submit"), selectors.arrival_deadline(request.departure_date)
        else:
            action, due = request.get_status_display(), request.departure_date
        items.append(
            WorkItem(
                area="travel",
                action=action,
                label=str(request),
                url=request.get_absolute_url(),
                due=due,
                overdue=request.status == TravelStatus.DRAFT and due < today,
            )
        )
    return items


def trip_reports_due(user: Any, today: dt.date) -> list[WorkItem]:
    """Trips back (or leaving) whose report to the State Secretariat is not recorded as sent: for the bureau's
    service every one, for others their unit's (and beneath it)."""
    rows = TravelRequest.objects.filter(
        # The first condition is implied by the second; stated (its list written into the SQL: core/lookups.py) so
        # that SQLite may use the partial index travel_status_return, whose condition it is.
        status__in_literal=UNFINISHED_STATUSES,
        status=TravelStatus.DOCUMENTS_READY,
        trip_report_sent_on__isnull=True,
        return_date__lte=today,
    )
    if not user.has_perm("travel.process"):
        if user.unit is None:
            return []
        unit = user.unit
        rows = rows.filter(Q(requesting_unit=unit) | Q(requesting_unit__path__startswith=unit.path + "/"))
    items = []
    for request in rows.select_related("meeting").order_by("return_date", "pk")[:LIMIT]:
        due = setneg.trip_report_due(request)
        items.append(
            WorkItem(
                area="travel",
                action=_("Send the trip report to the State Secretariat"),
                label=str(request),
                url=request.get_absolute_url(),
                due=due,
                overdue=due < today,
            )
        )
    return items
