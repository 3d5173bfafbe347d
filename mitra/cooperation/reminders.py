"""Reminders: agreements reaching their notice date or end date, and follow-up actions reaching their due date.

`send_due_reminders()` is idempotent: each reminder has a key (record, event, date, lead time) stored uniquely by
`core.notifications.services.deliver()`, so running the job every hour or every day sends each reminder exactly once.
Run it daily with `mitra reminders`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mitra.core import formatting
from mitra.core.notifications.models import Notification
from mitra.core.notifications.services import Due, deliver_all

from .models import Agreement, FollowUp, FollowUpStatus


def lead_days() -> list[int]:
    """How many days ahead to remind (settings.MITRA_REMINDER_DAYS, default 90 and 30)."""
    return sorted(set(getattr(settings, "MITRA_REMINDER_DAYS", [90, 30])), reverse=True)


def follow_up_lead_days() -> list[int]:
    return sorted(set(getattr(settings, "MITRA_FOLLOW_UP_REMINDER_DAYS", [7, 0])), reverse=True)


def due_reminders(today: dt.date) -> list[Due]:
    found: list[Due] = []
    leads = lead_days()
    horizon = today + dt.timedelta(days=max(leads))
    # A notice date lies before its end by the notice period: look as far ahead as the longest one.
    longest_notice = Agreement.objects.aggregate(n=Max("notice_period_days"))["n"] or 0
    agreements = Agreement.objects.select_related("responsible_unit").filter(
        expires_on__gte=today, expires_on__lte=horizon + dt.timedelta(days=longest_notice)
    )
    for agreement in agreements:
        for event, date in (("notice", agreement.notice_date), ("end", agreement.expires_on)):
            if date is None or date < today:
                continue
            for days in leads:
                if date - dt.timedelta(days=days) <= today < date - dt.timedelta(days=days) + dt.timedelta(days=7):
                    label = _("Notice of termination or renewal due") if event == "notice" else _("Agreement ends")
                    found.append(
                        Due(
                            f"agreement:{agreement.pk}:{event}:{date.isoformat()}:{days}",
                            agreement.responsible_unit,
                            f"{label} {formatting.date(date)} ({days} {_('days')}): {agreement.title}",
                            agreement.get_absolute_url(),
                            date,
                        )
                    )
    for follow_up in FollowUp.objects.select_related("responsible_unit").filter(
        status__in=[FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS],
        due_date__gte=today,
        due_date__lte=today + dt.timedelta(days=max(follow_up_lead_days())),
    ):
        # The nearest lead first: on the due date the "due today" reminder is new even though the week-ahead
        # one was sent; in between, the week-ahead one matches again and is not repeated (its key exists).
        for days in sorted(follow_up_lead_days()):
            if follow_up.due_date - dt.timedelta(days=days) <= today:
                found.append(
                    Due(
                        f"followup:{follow_up.pk}:{follow_up.due_date.isoformat()}:{days}",
                        follow_up.responsible_unit,
                        f"{_('Follow-up due')} {formatting.date(follow_up.due_date)}: {follow_up}",
                        follow_up.get_absolute_url(),
                        follow_up.due_date,
                    )
                )
                break
    return found


def send_due_reminders(today: dt.date | None = None) -> list[Notification]:
    """Create each due reminder once and e-mail it to the responsible unit; returns the new ones."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        return deliver_all(due_reminders(today))
