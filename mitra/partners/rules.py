"""Partners, forums and contacts are shared reference data: any head of unit or staff member of the bureau keeps
them; units outside the bureau read them."""

import rules

from mitra.core.rules import is_administrator, is_bureau_unit_member

can_edit_partners = is_administrator | is_bureau_unit_member

rules.add_perm("partners.edit", can_edit_partners)
