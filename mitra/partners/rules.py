"""Partners, forums and contacts are shared reference data: any head of unit or staff member keeps them."""

import rules

from mitra.core.rules import is_administrator, is_unit_member

can_edit_partners = is_administrator | is_unit_member

rules.add_perm("partners.edit", can_edit_partners)
