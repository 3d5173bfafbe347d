"""Everyone signed in reads and downloads reports; administrators and heads of unit write the narratives."""

from __future__ import annotations

import rules

from mitra.core.rules import can_read, is_administrator, is_head_of_unit

rules.add_perm("reports.view", can_read)
rules.add_perm("reports.edit_narrative", is_administrator | is_head_of_unit)
