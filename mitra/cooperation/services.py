"""Every write to the registry: generic guarded create/update/delete, the stage lifecycle, delegations,
and the reminders job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core import audit, formatting
from mitra.core.models import AuditAction, OrganisationUnit, User
from mitra.core.services import (
    create_guarded,
    create_guarded_many,
    delete_guarded,
    require,
    soft_delete_record,
    update_guarded,
    update_record,
)
from mitra.partners.models import InstitutionKind

from .models import (
    PAPER_TRANSITIONS,
    SIGNED_FIRST_STEPS,
    STAGE_TRANSITIONS,
    STEP_TRANSITIONS,
    AgendaItem,
    Agreement,
    AgreementStep,
    Assignment,
    Cooperation,
    DelegationMember,
    FollowUp,
    Meeting,
    PaperStatus,
    PositionPaper,
    RatificationInstrument,
    Scope,
    Stage,
    StageChange,
    StepKind,
    UnitOwned,
    cooperation_elsewhere,
)

EDIT = "cooperation.edit_record"
R = TypeVar("R", bound=UnitOwned)


def _first_stage(record: Cooperation, actor: User | None) -> StageChange:
    """The stage change that records where a new cooperation starts (not saved)."""
    return StageChange(
        cooperation=record, from_stage="", to_stage=record.stage, date=record.stage_since, changed_by=actor or None
    )


@transaction.atomic
def create(*, actor: User | None, model: type[R], data: Mapping[str, Any], system: bool = False) -> R:
    record = create_guarded(actor=actor, perm=EDIT, model=model, data=data, system=system)
    if isinstance(record, Cooperation):
        _first_stage(record, actor).save(force_insert=True)
    return record


@transaction.atomic
def create_many(
    *, actor: User | None, model: type[R], rows: Sequence[Mapping[str, Any]], system: bool = False
) -> list[Any]:
    """`create` for many rows (an import): per row the record or the error that refused it (see
    core.services.create_guarded_many); the first stages of new cooperations are recorded in one insert."""
    outcomes = create_guarded_many(actor=actor, perm=EDIT, model=model, rows=rows, system=system)
    if model is Cooperation:
        StageChange.objects.bulk_create([_first_stage(r, actor) for r in outcomes if isinstance(r, Cooperation)])
    return outcomes


def _changed_fields(instance: Any, data: Mapping[str, Any]) -> list[str]:
    """The model fields whose value in `data` differs from the instance's (relations by key, many-to-many by set)."""
    changed = []
    for name, value in data.items():
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.many_to_many:
            old: Any = set(getattr(instance, name).values_list("pk", flat=True))
            new: Any = {getattr(v, "pk", v) for v in (value or [])}
        elif field.is_relation:
            old, new = getattr(instance, field.attname), getattr(value, "pk", value)
        else:
            old, new = getattr(instance, name), value
        if old != new:
            changed.append(name)
    return changed


@transaction.atomic
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
    paper_moved_on = isinstance(instance, PositionPaper) and instance.status != PaperStatus.DRAFT
    if paper_moved_on and _changed_fields(instance, data):
        raise ValidationError(
            _(
                "This position paper has been reviewed or approved: return it to draft before changing it, so that "
                "it is reviewed again."
            )
        )
    updated = update_guarded(
        actor=actor,
        perm=EDIT,
        instance=instance,
        data=data,
        expected_version=expected_version,
        system=system,
        reason=reason,
    )
    if isinstance(updated, Meeting) and "cooperation" in data:
        _move_follow_ups(updated)
    return updated


def _move_follow_ups(meeting: Meeting) -> None:
    """The meeting's follow-ups (deleted ones too) get their `other_cooperation` again from its cooperation now: a
    derived field (models.cooperation_elsewhere), not a change of theirs, so neither versioned nor audited."""
    rows = FollowUp.all_objects.filter(meeting=meeting).values_list("pk", "cooperation_id", "other_cooperation_id")
    for pk, own, stored in rows:
        other = cooperation_elsewhere(meeting.cooperation_id, own)
        if other != stored:
            FollowUp.all_objects.filter(pk=pk).update(other_cooperation_id=other)


def store_other_cooperations(follow_up_model: Any) -> int:
    """Give every follow-up (deleted ones too) its derived `other_cooperation` again where the stored value differs
    from cooperation_elsewhere(): one UPDATE per 500 follow-ups of the same value. For rows written without
    derive_fields(): the migration that added the field (cooperation 0017, with its historical model) and a restored
    dump made before it (exchange.dump.restore). Returns how many follow-ups changed."""
    rows = follow_up_model._base_manager.values_list(
        "pk", "cooperation_id", "meeting__cooperation_id", "other_cooperation_id"
    )
    changed: dict[int | None, list[int]] = {}
    for pk, own, of_meeting, stored in rows.iterator(chunk_size=10_000):
        other = cooperation_elsewhere(of_meeting, own)
        if other != stored:
            changed.setdefault(other, []).append(pk)
    for other, pks in changed.items():
        for start in range(0, len(pks), 500):
            follow_up_model._base_manager.filter(pk__in=pks[start : start + 500]).update(other_cooperation_id=other)
    return sum(len(pks) for pks in changed.values())


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


# Partners with which an agreement is an international agreement in the sense of UU 24/2000 art. 5: a foreign
# government body or an international organisation. Universities, pharmacopoeias and other bodies are not.
GOVERNMENT_KINDS = (InstitutionKind.REGULATOR, InstitutionKind.MINISTRY, InstitutionKind.DEVELOPMENT_AGENCY)


def needs_foreign_ministry(agreement: Agreement) -> bool:
    """Must the Ministry of Foreign Affairs be consulted before negotiating (UU 24/2000 art. 5)? Yes when the
    counterpart (else any partner of the cooperation) is a foreign government body or an international
    organisation, or the cooperation is held in a regional or multilateral forum."""
    cooperation = agreement.cooperation
    if cooperation.scope != Scope.BILATERAL and cooperation.forum_id:
        return True
    parties = [agreement.counterpart] if agreement.counterpart else list(cooperation.partners.all())
    for partner in parties:
        if partner.kind == InstitutionKind.INTERNATIONAL_ORGANISATION:
            return True
        if partner.kind in GOVERNMENT_KINDS and partner.country_id and partner.country_id != "ID":
            return True
    return False


def allowed_steps(agreement: Agreement) -> list[str]:
    """The steps that may be recorded next, in lifecycle order."""
    allowed = set(STEP_TRANSITIONS.get(agreement.current_step, ()))
    if not agreement.current_step and agreement.date_signed:
        allowed |= set(SIGNED_FIRST_STEPS)
    return [kind for kind in StepKind.values if kind in allowed]


STEP_FIELDS = (
    "kind",
    "date",
    "decided_by",
    "reference",
    "note",
    "draft_version",
    "comments_bpom",
    "comments_partner",
    "instrument",
)


@transaction.atomic
def record_step(
    *,
    actor: User | None,
    agreement: Agreement,
    data: Mapping[str, Any],
    expected_version: int | None,
    system: bool = False,
) -> AgreementStep:
    """Record the next step of an agreement's lifecycle, dated, with who decided it; refuses a step the lifecycle
    does not allow from the current one (STEP_TRANSITIONS), a negotiation with a foreign government or an
    international organisation before the Ministry of Foreign Affairs was consulted, a deposit without the treaty
    room's reference, a ratification without its instrument, and a date before the current step or in the future.
    A signing or entry into force fills the agreement's date of signing or entry into force when empty."""
    if not system:
        require(actor, EDIT, agreement)
    unknown = set(data) - set(STEP_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    current: Agreement = Agreement.all_objects.select_for_update().get(pk=agreement.pk)
    kind = data.get("kind", "")
    date = data.get("date")
    errors: dict[str, str] = {}
    if kind not in StepKind.values:
        errors["kind"] = _("Choose a step.")
    elif kind not in allowed_steps(current):
        if current.current_step:
            errors["kind"] = _("After “%(from)s” the next step cannot be “%(to)s”.") % {
                "from": StepKind(current.current_step).label,
                "to": StepKind(kind).label,
            }
        else:
            errors["kind"] = _(
                "The first step is the initiative or the exploration (or, for an agreement already signed, its "
                "signing or a later step)."
            )
    elif (
        kind == StepKind.NEGOTIATION
        and needs_foreign_ministry(current)
        and not current.steps.filter(kind=StepKind.CONSULTATION).exists()
    ):
        errors["kind"] = _(
            "Consult the Ministry of Foreign Affairs before negotiating with a foreign government or an "
            "international organisation (UU 24/2000, art. 5): record the consultation first."
        )
    if not isinstance(date, dt.date):
        errors["date"] = _("Give the date of the step.")
    elif date > timezone.localdate():
        errors["date"] = _("A step cannot be dated in the future.")
    elif current.current_step_on and date < current.current_step_on:
        errors["date"] = _("The date cannot be before the current step (%(date)s).") % {
            "date": current.current_step_on.isoformat()
        }
    if kind == StepKind.DEPOSIT and not str(data.get("reference", "")).strip():
        errors["reference"] = _("Give the treaty room's reference of the deposited original.")
    if kind == StepKind.RATIFICATION and data.get("instrument") not in RatificationInstrument.values:
        errors["instrument"] = _("Say whether the agreement was ratified by a law or a presidential regulation.")
    if kind == StepKind.NEGOTIATION and not str(data.get("draft_version", "")).strip():
        errors["draft_version"] = _("Name the version of the draft negotiated in this round.")
    if isinstance(date, dt.date) and kind == StepKind.SIGNING and current.date_signed not in (None, date):
        errors["date"] = _("The agreement was signed on %(date)s; correct its date of signing first.") % {
            "date": current.date_signed.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    assert isinstance(date, dt.date)
    step = AgreementStep(
        agreement=current,
        recorded_by=actor if actor and actor.is_authenticated else None,
        **{name: data[name] for name in STEP_FIELDS if name in data},
    )
    if kind != StepKind.NEGOTIATION:
        step.draft_version = step.comments_bpom = step.comments_partner = ""
    else:
        step.round = current.steps.filter(kind=StepKind.NEGOTIATION).count() + 1
    if kind != StepKind.RATIFICATION:
        step.instrument = ""
    step.full_clean()
    step.save()
    changes: dict[str, Any] = {"current_step": kind, "current_step_on": date}
    if kind == StepKind.SIGNING and current.date_signed is None:
        changes["date_signed"] = date
    if kind == StepKind.IN_FORCE and current.entry_into_force is None:
        changes["entry_into_force"] = date
    # A stale form (someone recorded a step meanwhile) is refused here, and the whole step with it.
    update_record(
        actor=actor,
        instance=current,
        data=changes,
        expected_version=expected_version,
        reason=str(step),
        action=AuditAction.STATE_CHANGE,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=step,
        changes={name: [None, audit.jsonable(getattr(step, name))] for name in (*STEP_FIELDS, "round")},
    )
    return step


# --- Preparing for a forum -----------------------------------------------------------------------------------------


def _bump(model: type[UnitOwned], record: UnitOwned) -> None:
    """A change of a record's children (assignments, answers) is a change of the record: one version step, so that
    an edit form opened before it is stale."""
    model.all_objects.filter(pk=record.pk).update(version=F("version") + 1)  # type: ignore[attr-defined]
    record.version += 1


@transaction.atomic
def assign_units(
    *, actor: User | None, item: AgendaItem, units: list[OrganisationUnit], system: bool = False
) -> list[Assignment]:
    """Ask units of BPOM to answer an agenda item or a partner's request (the coordinating unit's people decide);
    a unit already asked is not asked twice."""
    if not system:
        require(actor, EDIT, item)
    if item.deleted_at is not None:
        raise ValidationError(_("This record was deleted."))
    if not units:
        raise ValidationError({"units": _("Choose at least one unit.")})
    asked = set(item.assignments.values_list("unit_id", flat=True))
    made = []
    for unit in units:
        if unit.pk in asked:
            continue
        assignment = Assignment(item=item, unit=unit)
        assignment.full_clean()
        assignment.save()
        made.append(assignment)
    if made:
        _bump(AgendaItem, item)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=item,
            changes={"assignments": [None, ", ".join(f"+ {a.unit}" for a in made)]},
        )
    return made


@transaction.atomic
def remove_assignment(*, actor: User | None, assignment: Assignment) -> None:
    """Withdraw a unit's assignment; an answered one stays (its answer is part of the record), and the assignments
    of a deleted item stay as they were deleted."""
    current = Assignment.objects.select_for_update().select_related("item", "unit").filter(pk=assignment.pk).first()
    if current is None:  # withdrawn meanwhile (e.g. by a colleague a moment earlier)
        raise ValidationError(_("This assignment was already withdrawn."))
    assignment = current
    item = assignment.item
    require(actor, EDIT, item)
    if item.deleted_at is not None:
        raise ValidationError(_("This record was deleted."))
    if assignment.is_answered:
        raise ValidationError(_("This unit has answered; its answer stays on the record."))
    _bump(AgendaItem, item)
    audit.record(
        actor=actor, action=AuditAction.UPDATE, instance=item, changes={"assignments": [f"- {assignment.unit}", None]}
    )
    assignment.delete()


@transaction.atomic
def answer_assignment(*, actor: User | None, assignment: Assignment, answer: str, system: bool = False) -> Assignment:
    """A unit's answer to an agenda item or request: only its own people (rules: cooperation.answer_assignment)
    answer; a later answer replaces the earlier one, and the audit log keeps both."""
    current = Assignment.objects.select_for_update().select_related("item", "unit").get(pk=assignment.pk)
    if not system:
        require(actor, "cooperation.answer_assignment", current)
    if current.item.deleted_at is not None:
        raise ValidationError(_("This record was deleted."))
    text = (answer or "").strip()
    if not text:
        raise ValidationError({"answer": _("Write the unit's answer.")})
    before = current.answer
    current.answer = text
    current.answered_by = actor if actor is not None and actor.is_authenticated else None
    current.answered_at = timezone.now()
    current.full_clean()
    current.save()
    _bump(AgendaItem, current.item)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=current.item,
        changes={f"answer ({current.unit.code})": [before or None, text]},
    )
    return current


PAPER_PERMS: dict[str, str] = {
    PaperStatus.REVIEWED: "cooperation.review_paper",
    PaperStatus.APPROVED: "cooperation.approve_paper",
    PaperStatus.DRAFT: "cooperation.return_paper",
}


@transaction.atomic
def move_paper(
    *,
    actor: User | None,
    paper: PositionPaper,
    to_status: str,
    expected_version: int | None,
    note: str = "",
    system: bool = False,
) -> PositionPaper:
    """Move the delegation's position paper or brief along draft → reviewed (the head of the unit) → approved (the
    head of bureau); either may send it back to draft. Who and when are kept on the paper, the step in the audit
    log (a state change, with the note)."""
    if to_status not in PAPER_PERMS:
        raise ValidationError({"to_status": _("Choose a status.")})
    if not system:
        require(actor, PAPER_PERMS[to_status], paper)
    if to_status not in PAPER_TRANSITIONS.get(paper.status, ()):
        raise ValidationError(
            {
                "to_status": _("A position paper cannot go from “%(from)s” to “%(to)s”.")
                % {"from": PaperStatus(paper.status).label, "to": PaperStatus(to_status).label}
            }
        )
    who = actor if actor is not None and actor.is_authenticated else None
    now = timezone.now()
    data: dict[str, Any] = {"status": to_status}
    if to_status == PaperStatus.REVIEWED:
        data |= {"reviewed_by": who, "reviewed_at": now}
    elif to_status == PaperStatus.APPROVED:
        data |= {"approved_by": who, "approved_at": now}
    else:
        data |= {"reviewed_by": None, "reviewed_at": None, "approved_by": None, "approved_at": None}
    return update_record(
        actor=actor,
        instance=paper,
        data=data,
        expected_version=expected_version,
        reason=note,
        action=AuditAction.STATE_CHANGE,
    )


@transaction.atomic
def decision_to_follow_up(
    *, actor: User | None, meeting: Meeting, data: Mapping[str, Any], system: bool = False
) -> FollowUp:
    """A decision of a meeting becomes a follow-up action of the meeting (and of its cooperation) in one step."""
    decision = str(data.get("decision", "")).strip()
    if not decision:
        raise ValidationError({"decision": _("Write the decision.")})
    return create(
        actor=actor,
        model=FollowUp,
        system=system,
        data={
            "description": decision,
            "meeting": meeting,
            "cooperation": meeting.cooperation,
            "responsible_unit": data.get("responsible_unit"),
            "due_date": data.get("due_date"),
            "owner_person": str(data.get("owner_person", "")).strip(),
            "notes": _("From a decision of the meeting."),
        },
    )
