"""Importing writes records, so it is for the people who edit some unit's records (each row is still checked by
the service that saves it) in the bureau; everyone in the bureau may open the import page, and everyone signed in
may download the templates. Units outside the bureau import nothing. The IATI export (development cooperations as
IATI activities) is the bureau's, as its import page is."""

import rules

from mitra.core.rules import can_view_bureau, is_administrator, is_bureau_unit_member

rules.add_perm("exchange.import", is_administrator | is_bureau_unit_member)
rules.add_perm("exchange.view_import", can_view_bureau)
rules.add_perm("exchange.export_iati", can_view_bureau)
