"""Every write to travel requests: draft, travellers, submission, document steps, completion, cancellation, and
feeding the quarterly realisation of the performance app from the trips.

Each function checks the permission, runs in one transaction, validates, and audits (through core.services).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core import audit
from mitra.core.models import AuditAction, OrganisationUnit, StaffMember, User
from mitra.core.services import create_record, require, update_record
from mitra.performance.models import SubActivity

from . import kinds, selectors
from .models import (
    OPEN_STATUSES,
    FundingSource,
    StepKind,
    StepTiming,
    Traveller,
    TravelRequest,
    TravelStatus,
    TravelStep,
    check_passport,
)
from .rules import service_unit_code

REQUEST_FIELDS = frozenset(kinds.REQUEST_FIELDS + kinds.REQUEST_LOADER_FIELDS)


# --- due dates, stored -----------------------------------------------------------------------------------------


def refresh_due_dates(steps: Iterable[TravelStep]) -> int:
    """Store each step's due date (selectors.step_due: working days from its request, its own request date and
    its kind's service level) where it changed, so that the queue reads it in SQL; how many changed. Called by the
    services whenever a step opens or changes, its request's dates change, or a step kind's service level changes.
    The steps need their `request` and `kind` loaded. A derived value: not audited (the change that caused it is)."""
    changed = 0
    for step in steps:
        due = selectors.step_due(step)
        if step.due_on != due:
            TravelStep.objects.filter(pk=step.pk).update(due_on=due)
            step.due_on = due
            changed += 1
    return changed


def _refresh_due_dates_of(request: TravelRequest) -> None:
    refresh_due_dates(TravelStep.objects.filter(request=request).select_related("request", "kind"))


def refresh_due_dates_of_kind(kind: StepKind) -> int:
    """After a step kind's service level or timing changed (in the admin): every step of that kind, completed ones
    too (a due date is always the one the kind's current service level gives, as when it was computed on the fly)."""
    return refresh_due_dates(
        TravelStep.objects.filter(kind=kind).select_related("request", "kind").iterator(chunk_size=2000)
    )


def refresh_open_due_dates() -> int:
    """The open steps of the requests in process, daily before the reminders (travel/tasks.py): a change of the
    deadline settings or of the holidays package reaches every step still to be worked within a day, even when
    nobody runs `mitra travel_due_dates`."""
    return refresh_due_dates(
        TravelStep.objects.filter(completed_on__isnull=True, request__status__in=OPEN_STATUSES)
        .select_related("request", "kind")
        .iterator(chunk_size=2000)
    )


def refresh_all_due_dates() -> int:
    """Every step, after a change of the deadline settings (MITRA_TRAVEL_DOCUMENTS_DUE_WORKING_DAYS,
    MITRA_TRAVEL_EXTRA_CLOSED_DAYS) or of the holidays package: `mitra travel_due_dates`."""
    return refresh_due_dates(TravelStep.objects.select_related("request", "kind").iterator(chunk_size=2000))


PROCESSING_FIELDS = kinds.REQUEST_PROCESSING_FIELDS


def _service_unit() -> OrganisationUnit:
    unit = OrganisationUnit.objects.filter(code=service_unit_code()).first()
    if unit is None:
        raise ValidationError(_("The unit that processes travel documents is not set up."))
    return unit


def _check_fields(data: Mapping[str, Any]) -> None:
    unknown = set(data) - REQUEST_FIELDS
    if unknown:
        raise ValueError(f"Not travel request fields: {sorted(unknown)}")


def _check_passports(request: TravelRequest) -> None:
    """All travellers' passports against the request's (possibly new) return date."""
    for traveller in request.travellers.select_related("staff_member"):
        try:
            check_passport(request, traveller.passport_expires_on)
        except ValidationError:
            raise ValidationError(
                {
                    "return_date": _("The passport of %(name)s expires within six months of this return.")
                    % {"name": traveller.staff_member}
                }
            ) from None


@transaction.atomic
def request_create(*, actor: User | None, data: Mapping[str, Any], system: bool = False) -> TravelRequest:
    _check_fields(data)
    request = TravelRequest(**data, service_unit=_service_unit(), status=TravelStatus.DRAFT)
    if not system:
        require(actor, "travel.create", request)
    return create_record(actor=actor, instance=request)


@transaction.atomic
def request_update(
    *,
    actor: User | None,
    request: TravelRequest,
    data: Mapping[str, Any],
    expected_version: int | None,
    system: bool = False,
) -> TravelRequest:
    _check_fields(data)
    if not system:
        require(actor, "travel.edit_request", request)
    if not request.is_draft:
        changed = {k for k, v in data.items() if getattr(request, k) != v}
        fixed = changed - PROCESSING_FIELDS
        if fixed:
            field = sorted(fixed)[0]
            raise ValidationError(
                {field: _("The request is no longer a draft; this can no longer change. Cancel it and ask again.")}
            )
        if not system:
            require(actor, "travel.process", request)
    updated = update_record(actor=actor, instance=request, data=data, expected_version=expected_version)
    _check_passports(updated)
    _refresh_due_dates_of(updated)
    return updated


@transaction.atomic
def traveller_add(
    *,
    actor: User | None,
    request: TravelRequest,
    staff_member: StaffMember | None,
    passport_number: str = "",
    passport_expires_on: dt.date | None = None,
    role: str = "",
    system: bool = False,
) -> Traveller:
    if not system:
        require(actor, "travel.edit_request", request)
    if staff_member is None or not StaffMember.objects.filter(pk=staff_member.pk).exists():
        raise ValidationError({"staff_member": _("Choose a person recorded in the system.")})
    if request.travellers.filter(staff_member=staff_member).exists():
        raise ValidationError({"staff_member": _("%(name)s already travels on this request.") % {"name": staff_member}})
    traveller = Traveller(
        request=request,
        staff_member=staff_member,
        role=role,
        passport_number=passport_number,
        passport_expires_on=passport_expires_on,
    )
    return create_record(actor=actor, instance=traveller)


@transaction.atomic
def traveller_update(
    *,
    actor: User | None,
    traveller: Traveller,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    system: bool = False,
) -> Traveller:
    """Passport details may change while the bureau works the request (a new service passport arrives)."""
    if not system:
        perm = "travel.edit_request" if traveller.request.is_draft else "travel.process"
        require(actor, perm, traveller.request)
    allowed = kinds.TRAVELLER_CHANGE_FIELDS
    return update_record(
        actor=actor,
        instance=traveller,
        data={k: v for k, v in data.items() if k in allowed},
        expected_version=expected_version,
    )


@transaction.atomic
def traveller_remove(*, actor: User | None, traveller: Traveller, system: bool = False) -> None:
    if not system:
        require(actor, "travel.edit_request", traveller.request)
    if not traveller.request.is_draft:
        raise ValidationError(_("Travellers can only be removed from a draft."))
    audit.record(
        actor=actor, action=AuditAction.DELETE, instance=traveller, changes={"request": [traveller.request_id, None]}
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=traveller.request,
        changes={"travellers": [str(traveller.staff_member), None]},
    )
    traveller.delete()


def applicable_kinds(request: TravelRequest) -> list[StepKind]:
    in_use = StepKind.objects.filter(is_active=True, applies_by_default=True)
    return [k for k in in_use if request.needs_visa or not k.only_with_visa]


def _transition(
    actor: User | None, request: TravelRequest, status: str, reason: str = "", **fields: Any
) -> TravelRequest:
    return update_record(
        actor=actor,
        instance=request,
        data={"status": status, **fields},
        expected_version=None,
        reason=reason,
        action=AuditAction.STATE_CHANGE,
    )


@transaction.atomic
def request_submit(
    *, actor: User | None, request: TravelRequest, on: dt.date | None = None, system: bool = False
) -> TravelRequest:
    """Hand a draft to the bureau: it needs travellers; the steps that apply are created to be worked."""
    if not system:
        require(actor, "travel.edit_request", request)
    request = TravelRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_draft:
        raise ValidationError(_("Only a draft can be submitted."))
    if not request.travellers.exists():
        raise ValidationError({"staff_member": _("Add at least one traveller before submitting.")})
    day = on or timezone.localdate()
    for kind in applicable_kinds(request):
        create_record(actor=actor, instance=TravelStep(request=request, kind=kind))
    submitted = _transition(actor, request, TravelStatus.SUBMITTED, submitted_on=day)
    _refresh_due_dates_of(submitted)
    return submitted


def _refresh_documents(actor: User | None, request: TravelRequest) -> TravelRequest:
    """Documents are complete when every pre-departure step is completed; keep status and date in step."""
    steps = list(request.steps.select_related("kind").filter(kind__timing=StepTiming.BEFORE_DEPARTURE))
    done = bool(steps) and all(s.completed_on for s in steps)
    completed_on = max(s.completed_on for s in steps if s.completed_on) if done else None  # type: ignore[type-var]
    if request.status in (TravelStatus.SUBMITTED, TravelStatus.DOCUMENTS_READY):
        status = TravelStatus.DOCUMENTS_READY if done else TravelStatus.SUBMITTED
        if status != request.status or completed_on != request.documents_completed_on:
            return _transition(actor, request, status, documents_completed_on=completed_on)
    return request


@transaction.atomic
def step_update(
    *,
    actor: User | None,
    step: TravelStep,
    data: Mapping[str, Any],
    expected_version: int | None,
    system: bool = False,
) -> TravelStep:
    unknown = set(data) - set(kinds.STEP_FIELDS)
    if unknown:
        raise ValueError(f"Not step fields: {sorted(unknown)}")
    request = TravelRequest.objects.select_for_update().get(pk=step.request_id)
    if not system:
        require(actor, "travel.process", step)
    if request.status not in (TravelStatus.SUBMITTED, TravelStatus.DOCUMENTS_READY):
        raise ValidationError(_("Steps are worked only while the request is in process."))
    completed = data.get("completed_on", step.completed_on)
    if completed and completed > timezone.localdate():
        raise ValidationError({"completed_on": _("A step cannot be completed in the future.")})
    if completed and step.kind.checks_passport:
        for traveller in request.travellers.select_related("staff_member"):
            if traveller.passport_expires_on is None:
                raise ValidationError(
                    {
                        "completed_on": _("Record the passport validity of %(name)s before completing this step.")
                        % {"name": traveller.staff_member}
                    }
                )
    if completed and step.kind.timing == StepTiming.AFTER_RETURN and completed < request.return_date:
        raise ValidationError({"completed_on": _("The back-to-office report comes after the return.")})
    updated = update_record(actor=actor, instance=step, data=data, expected_version=expected_version)
    _refresh_documents(actor, request)
    refresh_due_dates([TravelStep.objects.select_related("request", "kind").get(pk=updated.pk)])
    updated.refresh_from_db(fields=["due_on"])
    return updated


@transaction.atomic
def step_add(*, actor: User | None, request: TravelRequest, kind: StepKind, system: bool = False) -> TravelStep:
    """A step the trip needs beyond the default ones (e.g. a visa after all)."""
    if not system:
        require(actor, "travel.process", request)
    request = TravelRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (TravelStatus.SUBMITTED, TravelStatus.DOCUMENTS_READY):
        raise ValidationError(_("Steps are worked only while the request is in process."))
    if request.steps.filter(kind=kind).exists():
        raise ValidationError({"kind": _("The request has this step already.")})
    step = create_record(actor=actor, instance=TravelStep(request=request, kind=kind))
    _refresh_documents(actor, request)
    refresh_due_dates([TravelStep.objects.select_related("request", "kind").get(pk=step.pk)])
    step.refresh_from_db(fields=["due_on"])
    return step


@transaction.atomic
def step_remove(*, actor: User | None, step: TravelStep, reason: str, system: bool = False) -> None:
    """A step the trip does not need (e.g. no visa for a visa-free destination); refused once worked."""
    if not system:
        require(actor, "travel.process", step)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for removing this step.")})
    if step.requested_on or step.completed_on:
        raise ValidationError(_("This step has been worked on and cannot be removed."))
    from mitra.documents.selectors import documents_for

    if documents_for(step).exists():
        raise ValidationError(_("This step has documents attached and cannot be removed."))
    request = TravelRequest.objects.select_for_update().get(pk=step.request_id)
    audit.record(actor=actor, action=AuditAction.DELETE, instance=step, reason=reason)
    step.delete()
    _refresh_documents(actor, request)


@transaction.atomic
def request_complete(
    *, actor: User | None, request: TravelRequest, on: dt.date | None = None, system: bool = False
) -> TravelRequest:
    """Close a trip after the return: every step done (the back-to-office report included), the cost realised."""
    if not system:
        require(actor, "travel.process", request)
    request = TravelRequest.objects.select_for_update().get(pk=request.pk)
    day = on or timezone.localdate()
    if request.status != TravelStatus.DOCUMENTS_READY:
        raise ValidationError(_("Only a request whose documents are complete can be completed."))
    if day < request.return_date:
        raise ValidationError(_("The trip can be completed after the return."))
    open_steps = [str(s.kind) for s in request.steps.select_related("kind") if not s.completed_on]
    if open_steps:
        raise ValidationError(_("Steps still open: %(steps)s.") % {"steps": ", ".join(open_steps)})
    if request.funding_source == FundingSource.BUREAU and request.realised_cost is None:
        raise ValidationError({"realised_cost": _("Record the realised cost of a trip the bureau pays.")})
    return _transition(actor, request, TravelStatus.COMPLETED, completed_on=day)


@transaction.atomic
def request_cancel(*, actor: User | None, request: TravelRequest, reason: str, system: bool = False) -> TravelRequest:
    if not system:
        require(actor, "travel.edit_request", request)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for cancelling the trip.")})
    if request.status in (TravelStatus.COMPLETED, TravelStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled request cannot be cancelled."))
    return _transition(actor, request, TravelStatus.CANCELLED, reason=reason)


@transaction.atomic
def realisation_feed(
    *, actor: User | None, sub_activity: SubActivity, quarter: int, base_url: str = "", system: bool = False
) -> Any:
    """Put the quarter's completed trips (count) and their realised cost into the sub-activity's quarterly
    realisation, through the performance app's own service (its permission, locking and ceiling checks)."""
    from mitra.performance import services as performance_services

    from .selectors import trips_of

    trips = list(trips_of(sub_activity, quarter))
    data = {
        "output_realised": Decimal(len(trips)),
        "budget_realised": sum(t.realised_total or 0 for t in trips),  # visa and cancellation costs included
        "evidence": "\n".join(base_url + t.get_absolute_url() for t in trips),
    }
    return performance_services.realisation_record(
        actor=actor, year=sub_activity.year, sub_activity=sub_activity, quarter=quarter, data=data, system=system
    )
