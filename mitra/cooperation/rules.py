"""Registry records are edited by the responsible unit's staff and head (and administrators), read by all.

The object-level rule is core's `core.edit_unit_record` (the record's `owner_unit` is its responsible unit).
"""

import rules

from mitra.core.rules import can_edit_unit_record, is_administrator, is_unit_member

# Creating is open to anyone who edits some unit's records; the service checks the chosen responsible unit.
rules.add_perm("cooperation.create_records", is_administrator | is_unit_member)
rules.add_perm("cooperation.edit_record", can_edit_unit_record)
rules.add_perm("cooperation.manage_rules", is_administrator)
