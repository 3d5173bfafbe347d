from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .models import Notification


def visible_to(user: Any) -> QuerySet[Notification]:
    """Notifications of the user's unit and of the units beneath it."""
    if not getattr(user, "unit_id", None):
        return Notification.objects.none()
    unit = user.unit
    return Notification.objects.filter(Q(unit=unit) | Q(unit__path__startswith=unit.path + "/"))


def notifications_for(user: Any, limit: int = 20) -> QuerySet[Notification]:
    """The user's unread notifications, newest first."""
    return visible_to(user).exclude(read_by=user)[:limit]


def first_sent(prefix: str, exclude: list[str], exclude_endings: tuple[str, ...] = ()) -> Notification | None:
    """The earliest notification whose key starts with `prefix`, leaving out the keys listed and those with the
    endings given: when a series of reminders (of one record and date, say) began."""
    found = Notification.objects.filter(key__startswith=prefix).exclude(key__in=exclude)
    for ending in exclude_endings:
        found = found.exclude(key__endswith=ending)
    return found.order_by("created_at", "pk").first()
