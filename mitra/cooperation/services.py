"""Every write to the registry: generic guarded create/update/delete, the stage lifecycle, delegations,
and the reminders job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core import audit, formatting
from mitra.core.models import AuditAction, User
from mitra.core.services import create_guarded, delete_guarded, require, soft_delete_record, update_guarded

from .models import (
    STAGE_TRANSITIONS,
    Cooperation,
    DelegationMember,
    FollowUp,
    Meeting,
    Stage,
    StageChange,
    UnitOwned,
)

EDIT = "cooperation.edit_record"
R = TypeVar("R", bound=UnitOwned)


@transaction.atomic
def create(*, actor: User | None, model: type[R], data: Mapping[str, Any], system: bool = False) -> R:
    record = create_guarded(actor=actor, perm=EDIT, model=model, data=data, system=system)
    if isinstance(record, Cooperation):
        StageChange.objects.create(
            cooperation=record,
            from_stage="",
            to_stage=record.stage,
            date=record.stage_since,
            changed_by=actor if actor else None,
        )
    return record


def update(
    *,
    actor: User | None,
    instance: R,
    data: Mapping[str, Any],
    expected_version: int | None,
    system: bool = False,
    reason: str = "",
) -> R:
    if isinstance(instance, Cooperation) and "stage" in data and data["stage"] != instance.stage:
        raise ValidationError({"stage": _("Change the stage with “Change stage”, which records the date.")})
    return update_guarded(
        actor=actor,
        perm=EDIT,
        instance=instance,
        data=data,
        expected_version=expected_version,
        system=system,
        reason=reason,
    )


@transaction.atomic
def delete(*, actor: User | None, instance: UnitOwned, expected_version: int | None, reason: str) -> Any:
    deleted = delete_guarded(
        actor=actor, perm=EDIT, instance=instance, expected_version=expected_version, reason=reason
    )
    if isinstance(instance, Meeting):
        # A follow-up of a meeting that is gone would still count and remind; it goes with the meeting.
        for follow_up in FollowUp.objects.filter(meeting=instance):
            soft_delete_record(
                actor=actor,
                instance=follow_up,
                expected_version=None,
                reason=_("The meeting it follows was deleted: %(reason)s") % {"reason": reason},
            )
    return deleted


@transaction.atomic
def change_stage(
    *,
    actor: User | None,
    cooperation: Cooperation,
    to_stage: str,
    date: dt.date,
    note: str = "",
    expected_version: int | None,
    system: bool = False,
) -> Cooperation:
    """Move a cooperation along its lifecycle on a given date; refuses transitions the lifecycle does not allow."""
    if not system:
        require(actor, EDIT, cooperation)
    allowed = STAGE_TRANSITIONS.get(cooperation.stage, set())
    if to_stage not in allowed:
        raise ValidationError(
            {
                "to_stage": _("A cooperation cannot go from “%(from)s” to “%(to)s”.")
                % {
                    "from": Stage(cooperation.stage).label,
                    "to": Stage(to_stage).label if to_stage in Stage.values else to_stage,
                }
            }
        )
    if date < cooperation.stage_since:
        raise ValidationError(
            {
                "date": _("The date cannot be before the current stage began (%(date)s).")
                % {"date": formatting.date(cooperation.stage_since)}
            }
        )
    if date > timezone.localdate():
        raise ValidationError({"date": _("A stage change cannot be dated in the future.")})
    from_stage = cooperation.stage
    updated = update_guarded(
        actor=actor,
        perm=EDIT,
        instance=cooperation,
        system=True,
        data={"stage": to_stage, "stage_since": date},
        expected_version=expected_version,
        reason=note,
        action=AuditAction.STATE_CHANGE,
    )
    StageChange.objects.create(
        cooperation=updated,
        from_stage=from_stage,
        to_stage=to_stage,
        date=date,
        note=note,
        changed_by=actor if actor else None,
    )
    return updated


@transaction.atomic
def add_delegation_member(
    *, actor: User | None, meeting: Meeting, data: Mapping[str, Any], system: bool = False
) -> DelegationMember:
    if not system:
        require(actor, EDIT, meeting)
    member = DelegationMember(meeting=meeting, **data)
    if member.staff_member and not member.name:
        member.name = member.staff_member.full_name
    member.full_clean()
    member.save()
    _bump_version(meeting)
    audit.record(
        actor=actor, action=AuditAction.UPDATE, instance=meeting, changes={"delegation": [None, f"+ {member}"]}
    )
    return member


def _bump_version(meeting: Meeting) -> None:
    """A delegation change is a change of the meeting: one audited version step, so that an edit form opened
    before it is stale and shows it."""
    Meeting.all_objects.filter(pk=meeting.pk).update(version=F("version") + 1)
    meeting.version += 1


@transaction.atomic
def remove_delegation_member(*, actor: User | None, member: DelegationMember) -> None:
    require(actor, EDIT, member.meeting)
    _bump_version(member.meeting)
    audit.record(
        actor=actor, action=AuditAction.UPDATE, instance=member.meeting, changes={"delegation": [f"- {member}", None]}
    )
    member.delete()
