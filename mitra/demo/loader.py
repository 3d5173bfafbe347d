"""Loads the demo data through the services, so it is validated and audited like any other write.

Idempotent: a record that exists with the same content is left alone (no write, no audit entry).
Each area of the demo has its own loader function; `LOADERS` runs them in order (later ones use earlier ones).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from mitra.core import services
from mitra.core.models import OrganisationUnit, StaffMember, User

from . import organisation as org


@transaction.atomic
def load_organisation() -> dict[str, int]:
    created = {"units": 0, "users": 0, "staff": 0}
    units: dict[str, OrganisationUnit] = {}
    for order, (code, parent_code, kind, name, name_en, short, illustrative) in enumerate(org.UNITS):
        data: dict[str, Any] = {
            "order": order,
            "code": code,
            "parent": units.get(parent_code) if parent_code else None,
            "kind": kind,
            "name": name,
            "name_en": name_en,
            "short_name": short,
            "is_illustrative": illustrative,
            "notes": org.ILLUSTRATIVE_NOTE if illustrative else "",
        }
        existing = OrganisationUnit.objects.filter(code=code).first()
        if existing is None:
            units[code] = services.unit_create(actor=None, data=data, system=True)
            created["units"] += 1
        else:
            units[code] = services.unit_update(actor=None, unit=existing, data=data, expected_version=None, system=True)

    users: dict[str, User] = {}
    for username, role, unit_code, first, last in org.USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(
                actor=None,
                username=username,
                password=org.DEMO_PASSWORD,
                role=role,
                unit=units[unit_code],
                first_name=first,
                last_name=last,
                email=f"{username}@demo.mitra.invalid",
                system=True,
            )
            created["users"] += 1
        else:
            user = services.user_update(
                actor=None, user=user, system=True, data={"role": role, "unit": units[unit_code]}
            )
        users[username] = user

    for name, unit_code, employment, position, education, grade, birth_year, login in org.STAFF:
        data = {
            "full_name": name,
            "unit": units[unit_code],
            "employment": employment,
            "position": position,
            "education": education,
            "grade": grade,
            "birth_year": birth_year,
            "user": users.get(login) if login else None,
            "is_illustrative": True,
            "notes": org.ILLUSTRATIVE_NOTE,
        }
        member = StaffMember.objects.filter(full_name=name).first()
        if member is None:
            services.staff_member_create(actor=None, data=data, system=True)  # type: ignore[arg-type]
            created["staff"] += 1
        else:
            services.staff_member_update(
                actor=None,
                member=member,
                data=data,  # type: ignore[arg-type]
                expected_version=None,
                system=True,
            )
    return created


@transaction.atomic
def load_all() -> dict[str, int]:
    """Every part of the demo, in dependency order; returns the number of records created per kind."""
    created: dict[str, int] = {}
    for load in LOADERS:
        created.update(load())
    return created


# Each loader returns {kind: number created}. Apps add theirs here as they land.
from mitra.demo.performance import load_performance  # noqa: E402
from mitra.demo.registry import load_registry  # noqa: E402
from mitra.reports.demo import load_narratives  # noqa: E402
from mitra.travel.demo import load_travel  # noqa: E402

LOADERS = [load_organisation, load_registry, load_performance, load_narratives, load_travel]
