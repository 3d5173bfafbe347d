"""The only writers of notifications: delivery (used by every reminder job) and read marks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mitra.core.models import OrganisationUnit, Role, User
from mitra.core.services import require

from .models import Notification
from .selectors import visible_to


@dataclass
class Due:
    """A reminder a job has found due: its unique key, the unit concerned, the text, the link and the date."""

    key: str
    unit: OrganisationUnit
    message: str
    url: str
    date: dt.date | None
    # An escalation goes to the heads of the unit only (its head of unit, or the leadership at the bureau).
    heads_only: bool = False


HEAD_ROLES = (Role.HEAD_OF_UNIT, Role.LEADERSHIP)


def recipients(unit: OrganisationUnit, heads_only: bool = False) -> list[str]:
    """E-mail addresses of the active users of the unit and of the units above it up to the division; with
    `heads_only`, of the heads (head of unit, leadership) of the unit itself."""
    if heads_only:
        people = User.objects.filter(is_active=True, unit=unit, role__in=HEAD_ROLES)
    else:
        paths = [unit.path]
        while "/" in paths[-1] and paths[-1].count("/") > 2:
            paths.append(paths[-1].rsplit("/", 1)[0])
        people = User.objects.filter(is_active=True, unit__path__in=paths)
    return sorted(people.exclude(email="").values_list("email", flat=True))


def deliver(due: Due) -> Notification | None:
    """Create the notification for `due.key` once, e-mail the unit's people and mark it sent once.

    Returns the new notification, or None when one with that key already exists (another run, or another job
    running at the same time, made it): running a reminder job again never notifies twice.
    """
    if Notification.objects.filter(key=due.key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=due.key, unit=due.unit, message=due.message[:500], url=due.url, due_date=due.date
            )
    except IntegrityError:  # another run made it meanwhile
        return None
    to = recipients(due.unit, heads_only=due.heads_only)
    if to:
        send_mail(
            subject=f"Mitra: {due.message[:120]}",
            message=f"{due.message}\n\n{due.url}",
            from_email=None,
            recipient_list=to,
        )
        # Only the first marking counts: the row records whom the one e-mail went to.
        Notification.objects.filter(pk=notification.pk, emailed_to="").update(emailed_to=", ".join(to))
        notification.emailed_to = ", ".join(to)
    return notification


def deliver_all(dues: list[Due]) -> list[Notification]:
    """Deliver each due reminder; returns the notifications that were new."""
    return [n for due in dues if (n := deliver(due)) is not None]


def mark_read(*, user: User, notification: Notification) -> None:
    """Record that `user` has read `notification`, which must be one of their unit's (or beneath it).

    A read mark is the user's own state, not a change to a record, so it is not audited.
    """
    require(user, "core.view_records")
    if not visible_to(user).filter(pk=notification.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    notification.read_by.add(user)
