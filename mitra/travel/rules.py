"""Who may do what with travel requests.

The requesting unit (its staff and head) drafts and submits its own requests and sees them. Everyone in the bureau
(settings.MITRA_TRAVEL_BUREAU) sees every request. The unit that processes travel documents
(settings.MITRA_TRAVEL_SERVICE_UNIT, the administration sub-division by default) owns the document steps and
their attachments: its staff and the staff of the units above it within the bureau work them. Administrators do
anything; leadership reads everything.
"""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings

from mitra.core.rules import is_administrator, is_leadership, is_signed_in, is_unit_member, owns_record


def service_unit_code() -> str:
    return str(getattr(settings, "MITRA_TRAVEL_SERVICE_UNIT", "ksln-oi-tu"))


def bureau_code() -> str:
    return str(getattr(settings, "MITRA_TRAVEL_BUREAU", "ksln"))


def _unit_path(user: Any) -> list[str]:
    unit = getattr(user, "unit", None) if getattr(user, "unit_id", None) else None
    return unit.path.split("/") if unit is not None else []


@rules.predicate
def in_bureau(user: Any) -> bool:
    return bureau_code() in _unit_path(user)


@rules.predicate
def in_service_line(user: Any) -> bool:
    """The user's unit is the service unit, lies beneath it, or lies above it inside the bureau."""
    path = _unit_path(user)
    if not path or bureau_code() not in path:
        return False
    theirs = _service_path(user)
    if theirs is None:
        return False
    mine = "/".join(path)
    return mine == theirs or mine.startswith(theirs + "/") or theirs.startswith(mine + "/")


def _service_path(user: Any) -> str | None:
    """The service unit's path, looked up once per user object (a request's user asks several rules in turn)."""
    key = (service_unit_code(), getattr(user, "unit_id", None))
    cached = getattr(user, "_travel_service_path", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    from mitra.core.models import OrganisationUnit

    service = OrganisationUnit.objects.filter(code=service_unit_code()).only("path").first()
    path = service.path if service is not None else None
    if path is not None:  # a missing service unit is asked again (it may be made later)
        user._travel_service_path = (key, path)
    return path


@rules.predicate
def is_draft(user: Any, record: Any) -> bool:
    request = getattr(record, "request", record)
    return bool(request is not None and getattr(request, "status", None) == "draft")


@rules.predicate
def no_object(user: Any, record: Any) -> bool:
    return record is None


can_view_all = is_administrator | is_leadership | (is_signed_in & in_bureau)
can_process = is_administrator | (is_unit_member & in_service_line)

rules.add_perm("travel.view", is_signed_in)
rules.add_perm("travel.view_all", can_view_all)
rules.add_perm("travel.view_request", can_view_all | (is_signed_in & owns_record))
rules.add_perm("travel.create", is_administrator | (is_unit_member & (no_object | owns_record)))
rules.add_perm("travel.edit_request", can_process | (is_unit_member & owns_record & is_draft))
rules.add_perm("travel.process", can_process)
