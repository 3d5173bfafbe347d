"""Everyone signed in reads and downloads reports; administrators and heads of the bureau's units write the
narratives (the report is the bureau's: a head of a unit outside it does not).

Issuing (docs/reports.md): the internal auditor's review statement ("telah direviu") is recorded by leadership
(`reports.review`: Mitra has no auditor role; the Inspektorat is outside the bureau, and leadership is the role
that approves); the report is issued, signed, by the head of bureau (`reports.issue`: leadership or head of unit
whose own unit is the bureau itself, settings.MITRA_TRAVEL_BUREAU). Administrators do neither: they run the
system, they do not sign for the bureau.

A report job (a file being made in the background) is seen only by the person who asked for it and by
administrators."""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings

from mitra.core.rules import (
    can_read,
    can_view_bureau,
    is_administrator,
    is_bureau_member,
    is_head_of_unit,
    is_leadership,
)


@rules.predicate
def asked_for_job(user: Any, job: Any) -> bool:
    return job is not None and bool(getattr(user, "pk", None)) and job.requested_by_id == user.pk


@rules.predicate
def is_head_of_bureau(user: Any) -> bool:
    unit = user.unit if getattr(user, "unit_id", None) else None
    return unit is not None and unit.code == str(getattr(settings, "MITRA_TRAVEL_BUREAU", "ksln"))


# The bureau's reports (drafts included): the bureau, leadership and administrators.
rules.add_perm("reports.view", can_view_bureau)
rules.add_perm("reports.edit_narrative", is_administrator | (is_head_of_unit & is_bureau_member))
rules.add_perm("reports.view_job", can_read & (is_administrator | asked_for_job))
rules.add_perm("reports.review", is_leadership)
rules.add_perm("reports.issue", (is_leadership | is_head_of_unit) & is_head_of_bureau)
