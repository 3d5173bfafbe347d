"""Who may do what in the SAKIP cycle.

Plans, targets and the budget structure are kept by administrators (the bureau's planner). Quarterly entries
belong to the sub-activity's responsible unit: its staff and head enter them and submit the quarter; the head
of unit verifies; leadership approves, and only leadership reopens an approved quarter.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import ObjectDoesNotExist

from mitra.core.rules import (
    can_view_bureau,
    is_administrator,
    is_bureau_member,
    is_bureau_unit_member,
    is_head_of_unit,
    is_leadership,
    owns_record,
)

# The SAKIP cycle is the bureau's: a unit outside it enters, submits and verifies nothing.
can_enter_realisation = is_administrator | (is_bureau_unit_member & owns_record)
is_bureau_head = is_head_of_unit & is_bureau_member

# The bureau's plans, quarters and measurement: the bureau, leadership and administrators (not other BPOM units).
rules.add_perm("performance.view", can_view_bureau)
rules.add_perm("performance.manage_plan", is_administrator)
rules.add_perm("performance.enter_realisation", can_enter_realisation)
rules.add_perm("performance.submit_quarter", can_enter_realisation)
rules.add_perm("performance.verify_quarter", is_administrator | (is_bureau_head & owns_record))
rules.add_perm("performance.approve_quarter", is_leadership)
rules.add_perm("performance.reopen_quarter", is_leadership)
rules.add_perm("performance.return_quarter", is_leadership | (is_bureau_head & owns_record))

# Cascading to every unit: a unit's indicators, action plans and PK are kept by the planner (administrators) and by
# the head of that unit (or of a unit above it in the bureau); leadership approves a PK. The realisation of an
# action plan is entered like the quarter's other entries (the unit's staff and head) and locks with the quarter.
can_manage_unit_plan = is_administrator | (is_bureau_head & owns_record)
rules.add_perm("performance.manage_cascade", can_manage_unit_plan)
rules.add_perm("performance.edit_unit_agreement", can_manage_unit_plan)
rules.add_perm("performance.approve_unit_agreement", is_leadership)


@rules.predicate
def owns_cascade_source(user: Any, unit_indicator: Any) -> bool:
    """The unit the indicator cascades from (the parent indicator's unit, or the plan's unit: the bureau) is the
    user's unit or lies beneath it."""
    if unit_indicator is None or not getattr(user, "unit_id", None):
        return False
    try:
        source = unit_indicator.source_unit
    except ObjectDoesNotExist:  # neither a parent nor a bureau indicator named
        return False
    return bool(user.unit.contains(source))


# Who cascades an indicator (creates or edits a unit indicator, its manual and target): the planner
# (administrators), the bureau's leadership, and the head of the unit it cascades from — the head of bureau for a
# division's indicator taken from a bureau indicator, the head of a division for its sub-divisions' indicators. A
# unit does not set its own indicators: they are given to it from above.
can_cascade_indicator = is_administrator | is_leadership | (is_bureau_head & owns_cascade_source)
rules.add_perm("performance.cascade_indicator", can_cascade_indicator)
