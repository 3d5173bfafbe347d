"""Who may read a record's attachments, and who may attach files to it or remove them: the record's own rules.

Each kind of record that takes attachments is declared once (`ATTACHABLE`, "app_label.model" → `Attachable`, filled
by each app's AppConfig.ready() through `register`, since documents sits below them):
the permission that governs EDITING the record (the same one its edit page and services check), the permission
that governs READING it, which object those permissions are asked about (a traveller's or a step's travel request,
say), and the states in which the record takes no change at all (an approved quarter, a completed trip), with the
message people see. A model that is not declared takes no attachments (its upload page is 404), and files already
attached to one are readable by administrators only.

`may_read_attachments` and `may_change_attachments` are the one check that downloads, the attachments partial, the
upload and removal pages and the services all use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

NOT_DECLARED_READ = "core.manage_users"  # administrators only


def _itself(record: Any) -> Any:
    return record


def _never_closed(record: Any) -> str | None:
    return None


@dataclass(frozen=True)
class Attachable:
    edit_perm: str  # the permission that governs editing the record
    read_perm: str = "core.view_records"
    perm_object: Callable[[Any], Any] = _itself  # what both permissions are asked about
    closed: Callable[[Any], str | None] = _never_closed  # why the record takes no change now, or None
    # Someone else who may read the record's files (e.g. the travellers of a trip), or None.
    also_readable_by: Callable[[Any, Any], bool] | None = None


ATTACHABLE: dict[str, Attachable] = {
    # People and units (core sits below documents; every other app declares its own kinds in its ready()).
    "core.staffmember": Attachable("core.manage_staff"),
    "core.organisationunit": Attachable("core.manage_units"),
}


def register(label: str, attachable: Attachable) -> None:
    """Declare that records of `label` ("app_label.model") take attachments, under `attachable`'s rules. Apps above
    documents call it from their AppConfig.ready()."""
    ATTACHABLE[label] = attachable


def declaration(model: type[models.Model] | models.Model) -> Attachable | None:
    """How a kind of record takes attachments, or None when it takes none."""
    return ATTACHABLE.get(model._meta.label_lower)


def is_attachable(model: type[models.Model]) -> bool:
    return declaration(model) is not None


def may_read_attachments(user: Any, record: models.Model | None) -> bool:
    """May `user` see the list of `record`'s files and download them?"""
    if record is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    declared = declaration(record)
    if declared is None:
        return bool(user.has_perm(NOT_DECLARED_READ))
    if user.has_perm(declared.read_perm, declared.perm_object(record)):
        return True
    return declared.also_readable_by is not None and declared.also_readable_by(user, record)


def may_edit_record(user: Any, record: models.Model) -> bool:
    """Does `user` hold the record's own edit permission (whatever its state)?"""
    declared = declaration(record)
    return declared is not None and bool(user.has_perm(declared.edit_perm, declared.perm_object(record)))


def closed_reason(record: models.Model) -> str | None:
    """Why the record takes no change of its attachments now (locked, completed …), or None."""
    declared = declaration(record)
    if declared is None:
        return _("Files cannot be attached to this kind of record.")
    if getattr(record, "is_deleted", False):
        return _("This record was deleted; files cannot be attached to it.")
    return declared.closed(record)


def may_change_attachments(user: Any, record: models.Model) -> bool:
    """May `user` attach files to `record` or remove them? Its edit permission, and a state that takes changes."""
    return may_edit_record(user, record) and closed_reason(record) is None


def require_change_attachments(user: Any, record: models.Model) -> None:
    """PermissionDenied for someone who may not edit the record; ValidationError (with why) when it is closed."""
    if user is None or not may_edit_record(user, record):
        raise PermissionDenied(_("You do not have permission to do this."))
    reason = closed_reason(record)
    if reason:
        raise ValidationError(reason, code="record_closed")
