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
