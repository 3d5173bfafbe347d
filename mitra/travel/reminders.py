"""Travel reminders: open document steps coming due, documents deadlines near, and back-to-office reports to chase
after the return. Idempotent like the registry's reminders: each has a unique key, delivered once by
`core.notifications.services.deliver()` (stored as a Notification, e-mailed once to the unit concerned).
Run daily with `mitra travel_reminders`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mitra.core import formatting
from mitra.core.notifications.models import Notification
from mitra.core.notifications.services import Due, deliver_all

from . import workdays
from .models import OPEN_STATUSES, StepTiming, TravelStep
from .selectors import step_due


def lead_working_days() -> list[int]:
    return sorted(set(getattr(settings, "MITRA_TRAVEL_REMINDER_WORKING_DAYS", [3, 1])), reverse=True)


def due_reminders(today: dt.date) -> list[Due]:
    found: list[Due] = []
    leads = lead_working_days()
    steps = TravelStep.objects.filter(
        completed_on__isnull=True, request__status__in=OPEN_STATUSES, request__deleted_at__isnull=True
    ).select_related("kind", "request__requesting_unit", "request__service_unit")
    for step in steps:
        due = step_due(step)
        if due is None:
            continue
        request = step.request
        if step.kind.timing == StepTiming.AFTER_RETURN:
            if request.return_date >= today:
                continue
            # Chase the back-to-office report: once due, and again every five working days it stays missing.
            if due <= today:
                late_by = workdays.working_days_between(due, today)
                nth = late_by // 5
                found.append(
                    Due(
                        f"travel:{step.pk}:report:{due.isoformat()}:chase{nth}",
                        request.requesting_unit,
                        f"{_('Back-to-office report overdue')} {formatting.date(due)}: {request}",
                        request.get_absolute_url(),
                        due,
                    )
                )
            continue
        left = workdays.working_days_between(today, due)
        for days in leads:
            if 0 <= left <= days:
                found.append(
                    Due(
                        f"travel:{step.pk}:{due.isoformat()}:{days}",
                        request.service_unit,
                        f"{step.kind} {_('due')} {formatting.date(due)}: {request}",
                        step.get_absolute_url(),
                        due,
                    )
                )
                break
    return found


def send_due_reminders(today: dt.date | None = None) -> list[Notification]:
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        return deliver_all(due_reminders(today))
