"""Everyone signed in reads and downloads reports; administrators and heads of the bureau's units write the
narratives (the report is the bureau's: a head of a unit outside it does not).

A report job (a file being made in the background) is seen only by the person who asked for it and by
administrators."""

from __future__ import annotations

from typing import Any

import rules

from mitra.core.rules import can_read, can_view_bureau, is_administrator, is_bureau_member, is_head_of_unit


@rules.predicate
def asked_for_job(user: Any, job: Any) -> bool:
    return job is not None and bool(getattr(user, "pk", None)) and job.requested_by_id == user.pk


# The bureau's reports (drafts included): the bureau, leadership and administrators.
rules.add_perm("reports.view", can_view_bureau)
rules.add_perm("reports.edit_narrative", is_administrator | (is_head_of_unit & is_bureau_member))
rules.add_perm("reports.view_job", can_read & (is_administrator | asked_for_job))
