"""Registry records are edited by the responsible unit's staff and head (and administrators), read by all.

The object-level rule is core's `can_edit_bureau_record` (the record's `owner_unit` is its responsible unit, and
the registry is the bureau's: units outside it read it and write nothing).
"""

from typing import Any

import rules
from django.conf import settings

from mitra.core.rules import (
    can_edit_bureau_record,
    is_administrator,
    is_bureau_unit_member,
    is_head_of_unit,
    is_leadership,
    is_unit_member,
    owns_record,
)


@rules.predicate
def heads_the_bureau(user: Any) -> bool:
    """The user's own unit is the bureau itself (settings.MITRA_TRAVEL_BUREAU): its head."""
    unit = user.unit if getattr(user, "unit_id", None) else None
    return unit is not None and unit.code == str(getattr(settings, "MITRA_TRAVEL_BUREAU", "ksln"))


# Creating is open to anyone who edits some bureau unit's records; the service checks the chosen responsible unit.
rules.add_perm("cooperation.create_records", is_administrator | is_bureau_unit_member)
rules.add_perm("cooperation.edit_record", can_edit_bureau_record)
rules.add_perm("cooperation.manage_rules", is_administrator)
# Answering an agenda item or a partner's request: staff and heads of the assigned unit (or a unit above it), in any
# unit of BPOM, not only the bureau; administrators anywhere.
rules.add_perm("cooperation.answer_assignment", is_administrator | (is_unit_member & owns_record))
# The delegation's position paper (Pedoman Delegasi RI): the head of the responsible unit (or a unit above it)
# reviews it; the head of bureau approves it; either may send it back to draft.
rules.add_perm("cooperation.review_paper", is_head_of_unit & can_edit_bureau_record)
rules.add_perm("cooperation.approve_paper", (is_leadership | is_head_of_unit) & heads_the_bureau)
rules.add_perm(
    "cooperation.return_paper",
    (is_head_of_unit & can_edit_bureau_record) | ((is_leadership | is_head_of_unit) & heads_the_bureau),
)
