"""Who may do what: role predicates combined with the unit a record belongs to (django-rules).

A record belongs to a unit through its `owner_unit`; a user acts within their own unit and the units beneath it.
Leadership and readers read everything and change nothing (leadership approves, in the apps that have approvals).

Least privilege for units outside the bureau (settings.MITRA_TRAVEL_BUREAU): their staff and heads request and
follow their own travel and read the registry; they write no registry, partner, import or performance record,
and the bureau's own pages (organisation, performance, reports, data exchange) are not in their menu.
"""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings

from .models import Role


def _has_role(*roles: str) -> Any:
    @rules.predicate(name=f"has_role_{'_or_'.join(roles)}")
    def predicate(user: Any) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.role in roles)

    return predicate


is_administrator = _has_role(Role.ADMINISTRATOR)
is_leadership = _has_role(Role.LEADERSHIP)
is_head_of_unit = _has_role(Role.HEAD_OF_UNIT)
is_unit_member = _has_role(Role.HEAD_OF_UNIT, Role.STAFF)
is_signed_in = rules.is_authenticated & rules.is_active


@rules.predicate
def is_bureau_member(user: Any) -> bool:
    """The user's unit is the bureau (settings.MITRA_TRAVEL_BUREAU) or lies beneath it."""
    unit = user.unit if getattr(user, "unit_id", None) else None
    return unit is not None and str(getattr(settings, "MITRA_TRAVEL_BUREAU", "ksln")) in unit.path.split("/")


@rules.predicate
def owns_record(user: Any, record: Any) -> bool:
    """The record's unit is the user's unit or lies beneath it."""
    if record is None or not getattr(user, "unit_id", None):
        return False
    owner = getattr(record, "owner_unit", None)
    return owner is not None and user.unit.contains(owner)


can_read = is_signed_in
# Unit records (the registry, plans, realisation …): staff and heads within their unit, administrators anywhere.
can_edit_unit_record = is_administrator | (is_unit_member & owns_record)
# The bureau's own records (registry, partners, imports, quarterly realisation): staff and heads of the bureau's
# units, administrators anywhere. A unit outside the bureau does not write them, even records it would own.
is_bureau_unit_member = is_unit_member & is_bureau_member
can_edit_bureau_record = is_administrator | (is_bureau_unit_member & owns_record)
# The bureau's pages (menu sections): everyone in the bureau, leadership and administrators.
can_view_bureau = is_administrator | is_leadership | (is_signed_in & is_bureau_member)
# Managing people of a unit: heads of that unit and administrators.
can_manage_unit_people = is_administrator | (is_head_of_unit & owns_record)

rules.add_perm("core.view_records", can_read)
rules.add_perm("core.edit_unit_record", can_edit_unit_record)
rules.add_perm("core.view_bureau", can_view_bureau)
rules.add_perm("core.view_audit", is_administrator | is_leadership)
rules.add_perm("core.manage_units", is_administrator)
rules.add_perm("core.manage_staff", can_manage_unit_people)
rules.add_perm("core.manage_users", is_administrator)
