"""Who may read a record's attachments, and who may attach files to it or remove them: the record's own rules.

Each kind of record that takes attachments is declared here once (`ATTACHABLE`, "app_label.model" → `Attachable`):
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


def _travel_request(record: Any) -> Any:
    return getattr(record, "request", record)


def _never_closed(record: Any) -> str | None:
    return None


def _quarter_closed(entry: Any) -> str | None:
    """The quarterly entry's quarter is submitted or approved: the entry takes no change, nor do its files."""
    from mitra.performance.models import QuarterReport

    report = (
        QuarterReport.objects.filter(
            year=entry.sub_activity.year, quarter=entry.quarter, unit_id=entry.sub_activity.owner_unit_id
        )
        .only("status")
        .first()
    )
    return _report_closed(report) if report is not None else None


def _report_closed(report: Any) -> str | None:
    from mitra.performance.models import ReportStatus

    if report.status == ReportStatus.APPROVED:
        return _("This quarter is approved and locked; its attachments cannot change until leadership reopens it.")
    if report.status != ReportStatus.DRAFT:
        return _("This quarter has been submitted; its attachments cannot change until it is returned to draft.")
    return None


def _travel_closed(record: Any) -> str | None:
    from mitra.travel.models import TravelStatus

    request = _travel_request(record)
    if request.status == TravelStatus.COMPLETED:
        return _("This travel request is completed; its papers can no longer change.")
    if request.status == TravelStatus.CANCELLED:
        return _("This travel request was cancelled; its papers can no longer change.")
    return None


@dataclass(frozen=True)
class Attachable:
    edit_perm: str  # the permission that governs editing the record
    read_perm: str = "core.view_records"
    perm_object: Callable[[Any], Any] = _itself  # what both permissions are asked about
    closed: Callable[[Any], str | None] = _never_closed  # why the record takes no change now, or None
    travel_papers: bool = False  # readable also by the travellers themselves


_REGISTRY = "cooperation.edit_record"
_PLAN = "performance.manage_plan"

ATTACHABLE: dict[str, Attachable] = {
    # The registry: read by every signed-in user, edited by the responsible unit.
    **{
        f"cooperation.{name}": Attachable(_REGISTRY)
        for name in (
            "cooperation",
            "agreement",
            "positionpaper",
            "study",
            "meeting",
            "delegationmember",
            "followup",
            "outreachevent",
            "publication",
        )
    },
    # The plan and its budget structure: kept by the planner (administrators).
    **{
        f"performance.{name}": Attachable(_PLAN)
        for name in (
            "strategicplan",
            "goal",
            "indicator",
            "indicatortarget",
            "performancedocument",
            "subactivity",
            "budgetrevision",
        )
    },
    # Quarterly realisation: its unit enters it while the quarter is a draft.
    "performance.quarterentry": Attachable("performance.enter_realisation", closed=_quarter_closed),
    "performance.quarterreport": Attachable("performance.submit_quarter", closed=_report_closed),
    # People and units.
    "core.staffmember": Attachable("core.manage_staff"),
    "core.organisationunit": Attachable("core.manage_units"),
    # Travel papers: read as the request is; the request's editors (and the service unit for its steps).
    "travel.travelrequest": Attachable(
        "travel.edit_request", "travel.view_request", closed=_travel_closed, travel_papers=True
    ),
    "travel.traveller": Attachable(
        "travel.edit_request",
        "travel.view_request",
        perm_object=_travel_request,
        closed=_travel_closed,
        travel_papers=True,
    ),
    "travel.travelstep": Attachable(
        "travel.process", "travel.view_request", perm_object=_travel_request, closed=_travel_closed, travel_papers=True
    ),
}


def declaration(model: type[models.Model] | models.Model) -> Attachable | None:
    """How a kind of record takes attachments, or None when it takes none."""
    return ATTACHABLE.get(model._meta.label_lower)


def is_attachable(model: type[models.Model]) -> bool:
    return declaration(model) is not None


def _is_traveller(user: Any, record: Any) -> bool:
    """The user is one of the travellers of the record's travel request (their staff profile is linked)."""
    if not getattr(user, "is_authenticated", False):
        return False
    request = _travel_request(record)
    return bool(request.travellers.filter(staff_member__user_id=user.pk).exists())


def may_read_attachments(user: Any, record: models.Model | None) -> bool:
    """May `user` see the list of `record`'s files and download them?"""
    if record is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    declared = declaration(record)
    if declared is None:
        return bool(user.has_perm(NOT_DECLARED_READ))
    if user.has_perm(declared.read_perm, declared.perm_object(record)):
        return True
    return declared.travel_papers and _is_traveller(user, record)


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
