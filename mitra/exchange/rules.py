"""Importing writes records, so it is for the people who edit some unit's records (each row is still checked by
the service that saves it); everyone signed in may read the import page and download the templates."""

import rules

from mitra.core.rules import is_administrator, is_unit_member

rules.add_perm("exchange.import", is_administrator | is_unit_member)
