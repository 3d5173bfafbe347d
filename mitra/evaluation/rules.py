"""Who may do what with the evaluation worksheet.

- Reading the worksheet is the bureau's, with leadership and administrators (like the performance pages).
- Loading a worksheet (a new version for a year) is the administrator's: the structure is reference data.
- The unit's own answers, notes and evidence links: the bureau's staff and heads of unit (and administrators).
- The evaluator's answer beside it: leadership (who reviews the unit's self-assessment before the evaluator comes,
  and records the evaluator's answers from the evaluation report) and administrators. Staff and readers cannot.
"""

from __future__ import annotations

import rules

from mitra.core.rules import (
    can_view_bureau,
    is_administrator,
    is_bureau_unit_member,
    is_leadership,
    is_unit_member,
    owns_record,
)

rules.add_perm("evaluation.view", can_view_bureau)
rules.add_perm("evaluation.manage", is_administrator)
rules.add_perm("evaluation.answer", is_administrator | is_bureau_unit_member)
rules.add_perm("evaluation.evaluate", is_administrator | is_leadership)

# The evaluator's report (LHE) and its recommendations are recorded by leadership and administrators; a
# recommendation's follow-up (action plan, status, what was done) is also its unit's (staff and heads of the
# responsible unit or a unit above it).
rules.add_perm("evaluation.record_report", is_administrator | is_leadership)
rules.add_perm("evaluation.follow_up", is_administrator | is_leadership | (is_unit_member & owns_record))

# A unit's scorecard (perspectives, weights, cap, bands) is configured by administrators and leadership; each change
# is a new revision with its reason.
rules.add_perm("evaluation.configure_scorecard", is_administrator | is_leadership)
