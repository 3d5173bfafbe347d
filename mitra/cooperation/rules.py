"""Registry records are edited by the responsible unit's staff and head (and administrators), read by all.

The object-level rule is core's `can_edit_bureau_record` (the record's `owner_unit` is its responsible unit, and
the registry is the bureau's: units outside it read it and write nothing).
"""

import rules

from mitra.core.rules import can_edit_bureau_record, is_administrator, is_bureau_unit_member

# Creating is open to anyone who edits some bureau unit's records; the service checks the chosen responsible unit.
rules.add_perm("cooperation.create_records", is_administrator | is_bureau_unit_member)
rules.add_perm("cooperation.edit_record", can_edit_bureau_record)
rules.add_perm("cooperation.manage_rules", is_administrator)
