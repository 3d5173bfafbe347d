"""Loads the demo data through the services, so it is validated and audited like any other write.

Only adds: a record the demo would load is created when no record with its natural key (a unit's code, a login's
username, a cooperation's title, a sub-activity's number, …) exists, soft-deleted ones included. A record that
exists is left exactly as it is, whether or not it still has the demo's content, and whatever state it is in
(a locked or reopened quarter, an edited narrative): no write, no audit entry. So `mitra demo` can run again after
any use of the app, and a newer demo adds its new records to an older database. Known limit: a demo record whose
natural key a user changed (a renamed cooperation) is not recognised and is created again under its old name.
Each area of the demo has its own loader function; `LOADERS` runs them in order (later ones use earlier ones).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from mitra.core import audit, services
from mitra.core.models import OrganisationUnit, StaffMember, User

from . import organisation as org
from .lookup import existing


@transaction.atomic
def load_organisation() -> dict[str, int]:
    """Creates the units, logins and staff that are missing; an existing one is left exactly as it is."""
    created = {"units": 0, "users": 0, "staff": 0}
    units: dict[str, OrganisationUnit] = {}
    for order, (code, parent_code, kind, name, name_en, short, illustrative) in enumerate(org.UNITS):
        unit = existing(OrganisationUnit, code=code)
        if unit is None:
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
            unit = services.unit_create(actor=None, data=data, system=True)
            created["units"] += 1
        units[code] = unit

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
        users[username] = user

    for name, unit_code, employment, position, education, grade, birth_year, login in org.STAFF:
        found = existing(StaffMember, full_name=name)
        if found is not None:
            # A demo person loaded before joining dates existed gets the demo's date; any date a user set stays.
            if found.deleted_at is None and found.joined_on is None and found.notes == org.ILLUSTRATIVE_NOTE:
                services.staff_member_update(
                    actor=None,
                    member=found,
                    data={"joined_on": org.joined_on(birth_year)},
                    expected_version=None,
                    system=True,
                )
            continue
        user = users.get(login) if login else None
        staff_data = {
            "full_name": name,
            "unit": units[unit_code],
            "employment": employment,
            "position": position,
            "education": education,
            "grade": grade,
            "birth_year": birth_year,
            "joined_on": org.joined_on(birth_year),
            # A login that already has a profile (a user linked it to someone else) is not taken from it.
            "user": user if user is not None and not StaffMember.all_objects.filter(user=user).exists() else None,
            "is_illustrative": True,
            "notes": org.ILLUSTRATIVE_NOTE,
        }
        services.staff_member_create(actor=None, data=staff_data, system=True)  # type: ignore[arg-type]
        created["staff"] += 1
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
from mitra.demo.unit_travel import load_unit_travel  # noqa: E402
from mitra.evaluation.demo import load_evaluation  # noqa: E402
from mitra.public.demo import load_public  # noqa: E402
from mitra.reports.demo import load_narratives, load_review  # noqa: E402
from mitra.travel.demo import load_travel  # noqa: E402


def batched(load: Callable[[], dict[str, int]]) -> Callable[[], dict[str, int]]:
    """`load` with its writes' audit entries appended to the chain in one go at its end (`audit.batch`) and its
    records indexed for search once at its end (`search.signals.deferred`), as an import does: every write still goes
    through the services, validated and audited, with the same entries. Only for a loader that never reads the audit
    log or the search index while it writes and passes no expected version (inside a batch the log does not show the
    entries yet); the travel demo (161 requests, each saved about nine times through its workflow) spent about a fifth
    of its time appending entries one by one and indexing each request at each save."""

    def run() -> dict[str, int]:
        from mitra.search.signals import deferred

        with transaction.atomic(), audit.batch(), deferred():
            return load()

    run.__name__ = load.__name__
    run.__doc__ = load.__doc__
    return run


LOADERS = [
    load_organisation,
    load_registry,
    load_performance,
    load_narratives,
    batched(load_travel),
    load_unit_travel,
    load_review,
    load_public,
    load_evaluation,
]
