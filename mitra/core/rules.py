"""Who may do what: role predicates combined with the unit a record belongs to (django-rules).

A record belongs to a unit through its `owner_unit`; a user acts within their own unit and the units beneath it.
Leadership and readers read everything and change nothing (leadership approves, in the apps that have approvals).
"""

from __future__ import annotations

from typing import Any

import rules

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
def owns_record(user: Any, record: Any) -> bool:
    """The record's unit is the user's unit or lies beneath it."""
    if record is None or not getattr(user, "unit_id", None):
        return False
    owner = getattr(record, "owner_unit", None)
    return owner is not None and user.unit.contains(owner)


can_read = is_signed_in
# Unit records (the registry, plans, realisation …): staff and heads within their unit, administrators anywhere.
can_edit_unit_record = is_administrator | (is_unit_member & owns_record)
# Managing people of a unit: heads of that unit and administrators.
can_manage_unit_people = is_administrator | (is_head_of_unit & owns_record)

rules.add_perm("core.view_records", can_read)
rules.add_perm("core.edit_unit_record", can_edit_unit_record)
rules.add_perm("core.view_audit", is_administrator | is_leadership)
rules.add_perm("core.manage_units", is_administrator)
rules.add_perm("core.manage_staff", can_manage_unit_people)
rules.add_perm("core.manage_users", is_administrator)
