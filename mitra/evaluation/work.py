"""The evaluation's part of a person's "my work": the open recommendations of an evaluation report (LHE) that
they follow up — those naming them, and those of their unit (or a unit beneath it) that name nobody. One query."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mitra.core.work import WorkItem

from .models import OPEN_RECOMMENDATION, Recommendation

LIMIT = 20


def recommendations_open(user: Any, today: dt.date) -> list[WorkItem]:
    if not getattr(user, "pk", None) or not user.has_perm("evaluation.view"):
        return []
    mine = Q(owner=user)
    unit = user.unit if getattr(user, "unit_id", None) else None
    if unit is not None:
        mine |= Q(owner__isnull=True) & (Q(owner_unit=unit) | Q(owner_unit__path__startswith=unit.path + "/"))
    rows = (
        Recommendation.objects.filter(mine, status__in=OPEN_RECOMMENDATION)
        .select_related("report")
        .order_by("due_date", "pk")[:LIMIT]
    )
    return [
        WorkItem(
            area="evaluation",
            action=_("Follow up the LHE %(year)s recommendation") % {"year": r.report.year},
            label=r.text[:160],
            url=r.get_absolute_url(),
            due=r.due_date,
            overdue=r.due_date < today,
        )
        for r in rows
    ]
