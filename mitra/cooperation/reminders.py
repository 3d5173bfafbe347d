"""Reminders: agreements reaching their notice date or end date, and follow-up actions reaching their due date.

An agreement's reminder goes to its responsible unit at each lead time (MITRA_REMINDER_DAYS). When nobody acted on
the earlier reminders — no step of the agreement (renewal, amendment, termination, …) was recorded since the first
one — the reminders from MITRA_ESCALATE_TO_DIVISION_DAYS before the date also go to the heads of its division, and
from MITRA_ESCALATE_TO_BUREAU_DAYS before also to the head of the bureau.

`send_due_reminders()` is idempotent: each reminder has a key (record, event, date, lead time) stored uniquely by
`core.notifications.services.deliver()`, so running the job every hour or every day sends each reminder exactly once.
Run it daily with `mitra reminders`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mitra.core import formatting
from mitra.core.models import OrganisationUnit, UnitKind
from mitra.core.notifications.models import Notification
from mitra.core.notifications.selectors import first_sent
from mitra.core.notifications.services import Due, deliver_all

from .models import Agreement, FollowUp, FollowUpStatus, StepKind


def lead_days() -> list[int]:
    """How many days ahead to remind (settings.MITRA_REMINDER_DAYS, default 90, 60, 30, 7 and 0 = on the day)."""
    return sorted(set(getattr(settings, "MITRA_REMINDER_DAYS", [90, 60, 30, 7, 0])), reverse=True)


def follow_up_lead_days() -> list[int]:
    return sorted(set(getattr(settings, "MITRA_FOLLOW_UP_REMINDER_DAYS", [7, 0])), reverse=True)


def escalation_days() -> tuple[int, int]:
    """From how many days before the date a reminder nobody acted on also goes to the head of division, and to the
    head of bureau (settings.MITRA_ESCALATE_TO_DIVISION_DAYS, MITRA_ESCALATE_TO_BUREAU_DAYS; default 30 and 7)."""
    return (
        int(getattr(settings, "MITRA_ESCALATE_TO_DIVISION_DAYS", 30)),
        int(getattr(settings, "MITRA_ESCALATE_TO_BUREAU_DAYS", 7)),
    )


def current_lead(date: dt.date, today: dt.date, leads: list[int]) -> int | None:
    """The reminder due now for an event on `date`: the nearest lead time already reached (the 30-day one from 30
    days before until the next lead), so that a day the job did not run loses no reminder."""
    reached = [days for days in leads if date - dt.timedelta(days=days) <= today]
    return min(reached) if reached else None


def _ancestor(unit: OrganisationUnit, kind: str, cache: dict[tuple[str, str], OrganisationUnit | None]) -> Any:
    key = (unit.path, kind)
    if key not in cache:
        cache[key] = OrganisationUnit.objects.filter(code__in=unit.path.split("/"), kind=kind).first()
    return cache[key]


def _nobody_acted(agreement: Agreement, prefix: str, lead: int) -> bool:
    """An earlier reminder of this date went out and no step of the agreement was recorded since."""
    first = first_sent(prefix, exclude=[f"{prefix}{lead}"], exclude_endings=(":division", ":bureau"))
    return first is not None and not agreement.steps.filter(recorded_at__gte=first.created_at).exists()


def due_reminders(today: dt.date) -> list[Due]:
    found: list[Due] = []
    leads = lead_days()
    to_division, to_bureau = escalation_days()
    units: dict[tuple[str, str], OrganisationUnit | None] = {}
    horizon = today + dt.timedelta(days=max(leads))
    # A notice date lies before its end by the notice period: look as far ahead as the longest one.
    longest_notice = Agreement.objects.aggregate(n=Max("notice_period_days"))["n"] or 0
    agreements = (
        Agreement.objects.select_related("responsible_unit")
        .filter(expires_on__gte=today, expires_on__lte=horizon + dt.timedelta(days=longest_notice))
        .exclude(current_step=StepKind.TERMINATION)
    )
    for agreement in agreements:
        for event, date in (("notice", agreement.notice_date), ("end", agreement.expires_on)):
            if date is None or date < today:
                continue
            days = current_lead(date, today, leads)
            if days is None:
                continue
            label = _("Notice of termination or renewal due") if event == "notice" else _("Agreement ends")
            prefix = f"agreement:{agreement.pk}:{event}:{date.isoformat()}:"
            message = f"{label} {formatting.date(date)} ({days} {_('days')}): {agreement.title}"
            url = agreement.get_absolute_url()
            found.append(Due(f"{prefix}{days}", agreement.responsible_unit, message, url, date))
            if days > to_division or not _nobody_acted(agreement, prefix, days):
                continue
            escalated = _("Nobody has acted yet") + f" — {message}"
            for level, kind, within in (
                ("division", UnitKind.DIVISION, to_division),
                ("bureau", UnitKind.BUREAU, to_bureau),
            ):
                unit = _ancestor(agreement.responsible_unit, kind, units)
                if unit is not None and days <= within:
                    found.append(Due(f"{prefix}{days}:{level}", unit, escalated, url, date, heads_only=True))
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
