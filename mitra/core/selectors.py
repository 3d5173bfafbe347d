"""Reads of core records that carry rules: the unit tree, the staff profile summary, audit history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models
from django.db.models import Count, Q

from .models import (
    AgeBand,
    AuditEntry,
    Education,
    Employment,
    OrganisationUnit,
    Position,
    StaffMember,
    User,
)


@dataclass
class UnitNode:
    unit: OrganisationUnit
    staff_count: int
    children: list[UnitNode] = field(default_factory=list)


def unit_tree() -> list[UnitNode]:
    """All units as a forest, each with the number of its own (not descendants') staff; two queries."""
    units = list(
        OrganisationUnit.objects.annotate(
            n_staff=Count("staff_members", filter=Q(staff_members__deleted_at__isnull=True))
        ).order_by("path")
    )
    nodes = {u.pk: UnitNode(u, u.n_staff) for u in units}  # type: ignore[attr-defined]
    roots: list[UnitNode] = []
    for u in sorted(units, key=lambda unit: (unit.order, unit.name)):
        (nodes[u.parent_id].children if u.parent_id in nodes else roots).append(nodes[u.pk])
    return roots


def within_unit(unit: OrganisationUnit, field: str = "") -> Q:
    """The one rule for "in a unit's subtree": the rows whose unit (reached through `field`, e.g.
    "responsible_unit"; the units themselves when empty) is `unit` or lies beneath it by path. The in-memory
    counterpart is `OrganisationUnit.contains`."""
    if not field:
        return Q(pk=unit.pk) | Q(path__startswith=unit.path + "/")
    return Q(**{field: unit}) | Q(**{f"{field}__path__startswith": unit.path + "/"})


def units_within(unit: OrganisationUnit) -> models.QuerySet[OrganisationUnit]:
    """`unit` and every unit beneath it."""
    return OrganisationUnit.objects.filter(within_unit(unit))


def assignable_units(user: User, *, include_institution: bool = False) -> models.QuerySet[OrganisationUnit]:
    """The units a user may make responsible for a record: an administrator any unit, everyone else their own unit
    and the units below it; a non-administrator without a unit none."""
    units = (
        OrganisationUnit.objects.all()
        if user.is_administrator
        else (units_within(user.unit) if user.unit is not None else OrganisationUnit.objects.none())
    )
    return units if include_institution else units.exclude(kind="institution")


def staff_members(*, unit: OrganisationUnit | None = None) -> models.QuerySet[StaffMember]:
    qs = StaffMember.objects.select_related("unit", "user")
    if unit is not None:
        qs = qs.filter(unit__in=units_within(unit))
    return qs


def staff_on(day: date, *, unit: OrganisationUnit | None = None) -> models.QuerySet[StaffMember]:
    """The staff of `unit` (and the units beneath it) on `day`: people who had joined by then (no date: present
    since before Mitra's records) and had not left, without people of other units recorded here as travellers."""
    qs = staff_members(unit=unit).filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=day), Q(left_on__isnull=True) | Q(left_on__gt=day)
    )
    if unit is not None:
        qs = qs.filter(Q(home_unit__isnull=True) | Q(home_unit__in=units_within(unit)))
    return qs


@dataclass
class Breakdown:
    """Counts of people by one attribute, in the attribute's own order, with its labels."""

    title: str
    rows: list[tuple[str, str, int]]  # (value, label, count)

    @property
    def total(self) -> int:
        return sum(r[2] for r in self.rows)


@dataclass
class StaffProfile:
    on: date
    total: int
    civil_servants: int
    contract: int
    breakdowns: dict[str, Breakdown]


def staff_profile(*, on: date, unit: OrganisationUnit | None = None) -> StaffProfile:
    """The chapter-I staff profile as of `on`: the people on the unit's staff that day (`staff_on`) by education,
    age band, grade and position."""
    from django.utils.translation import gettext as _

    rows = list(staff_on(on, unit=unit).values("education", "birth_year", "grade", "position", "employment"))

    def breakdown(title: str, choices: Any, values: list[str]) -> Breakdown:
        counts = Counter(values)
        return Breakdown(title, [(c.value, str(c.label), counts.get(c.value, 0)) for c in choices])

    # Grades grouped by their roman numeral (II, III, IV), as the report's chart shows them, plus contract staff.
    grades = [r["grade"] or "" for r in rows]
    grouped = Counter(g.split("/")[0] for g in grades)
    grade_breakdown = Breakdown(
        _("Grade"),
        [(g, _("Grade %(g)s") % {"g": g}, grouped.get(g, 0)) for g in ("II", "III", "IV")]
        + [("", _("No grade (contract)"), grouped.get("", 0))],
    )
    return StaffProfile(
        on=on,
        total=len(rows),
        civil_servants=sum(r["employment"] == Employment.CIVIL_SERVANT for r in rows),
        contract=sum(r["employment"] == Employment.CONTRACT for r in rows),
        breakdowns={
            "education": breakdown(_("Education"), Education, [r["education"] for r in rows]),
            "age": breakdown(_("Age"), AgeBand, [AgeBand.of(r["birth_year"], on).value for r in rows]),
            "grade": grade_breakdown,
            "position": breakdown(_("Position"), Position, [r["position"] for r in rows]),
        },
    )


def record_history(instance: models.Model) -> models.QuerySet[AuditEntry]:
    """The audit entries of one record, newest first."""
    return AuditEntry.objects.filter(record_type=instance._meta.label_lower, record_id=str(instance.pk)).select_related(
        "actor"
    )


def audit_entries(
    *,
    actor: User | None = None,
    action: str = "",
    record_type: str = "",
    since: date | None = None,
    until: date | None = None,
) -> models.QuerySet[AuditEntry]:
    qs = AuditEntry.objects.select_related("actor")
    if actor is not None:
        qs = qs.filter(actor=actor)
    if action:
        qs = qs.filter(action=action)
    if record_type:
        qs = qs.filter(record_type=record_type)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs


def users(*, q: str = "", unit: str = "", role: str = "", active: str = "") -> models.QuerySet[User]:
    """Accounts for the administrators' list: `q` in the login or the name, `unit` a unit's code (that unit and
    the units beneath it), `role` a role, `active` "1" or "0"."""
    qs = User.objects.select_related("unit").order_by("unit__path", "username")
    if q := q.strip():
        qs = qs.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
        )
    if unit and (chosen := OrganisationUnit.objects.filter(code=unit).first()) is not None:
        qs = qs.filter(within_unit(chosen, "unit"))
    if role:
        qs = qs.filter(role=role)
    if active in ("0", "1"):
        qs = qs.filter(is_active=active == "1")
    return qs
