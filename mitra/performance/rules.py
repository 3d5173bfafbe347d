"""Who may do what in the SAKIP cycle.

Plans, targets and the budget structure are kept by administrators (the bureau's planner). Quarterly entries
belong to the sub-activity's responsible unit: its staff and head enter them and submit the quarter; the head
of unit verifies; leadership approves, and only leadership reopens an approved quarter.
"""

from __future__ import annotations

import rules

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
