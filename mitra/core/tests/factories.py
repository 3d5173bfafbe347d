"""Factories of the organisation: units, users with roles, and staff — for tests that build their own records.

Rows are written through the services (`system=True`, as the demo loader does), so they are validated and audited
like any other write; each factory returns the saved row. Names and codes are numbered, so a factory never
collides with the demo (which stays loaded in the test database) or with another factory row.

The one fixed point is the bureau the settings name (`MITRA_TRAVEL_BUREAU`): the permission rules decide "inside
the bureau" by that code, so `bureau()` returns that unit, making it (under a new institution) when the database
has none. Every other unit a factory makes is new.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, TypeVar

import factory
from django.conf import settings
from django.test import Client

from mitra.core import services
from mitra.core.models import OrganisationUnit, Role, StaffMember, UnitKind, User

_numbers = itertools.count(1)
PASSWORD = "a-long-test-password-1"  # every factory user's
T = TypeVar("T")


def number() -> int:
    """A number not handed out before in this test run (for unique names and codes)."""
    return next(_numbers)


class ServiceFactory(factory.Factory[T]):
    """A factory whose `_create` calls a service; subclasses name it in `create_with`.

    Call `XFactory.create(...)` (typed: it returns the model) — or `XFactory(...)`, the same, untyped."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        return cls.create_with(**kwargs)

    @classmethod
    def create_with(cls, **data: Any) -> Any:  # pragma: no cover - each factory implements it
        raise NotImplementedError


class UnitFactory(ServiceFactory[OrganisationUnit]):
    """A new division under the bureau by default; pass `parent` and `kind` for another place in the tree."""

    class Meta:
        model = OrganisationUnit

    code = factory.LazyFunction(lambda: f"f-unit-{number()}")
    name = factory.LazyAttribute(lambda u: f"Bagian {u.code}")
    kind = UnitKind.DIVISION
    parent: Any = factory.LazyFunction(lambda: bureau())

    @classmethod
    def create_with(cls, **data: Any) -> OrganisationUnit:
        return services.unit_create(actor=None, data=data, system=True)


def bureau() -> OrganisationUnit:
    """The bureau named by settings.MITRA_TRAVEL_BUREAU; made, under a new institution, if it does not exist."""
    code = str(getattr(settings, "MITRA_TRAVEL_BUREAU", "ksln"))
    found = OrganisationUnit.objects.filter(code=code).first()
    if found is not None:
        return found
    institution = UnitFactory.create(kind=UnitKind.INSTITUTION, parent=None)
    return UnitFactory.create(code=code, kind=UnitKind.BUREAU, parent=institution, name="Biro uji")


def institution() -> OrganisationUnit:
    """The institution above the bureau."""
    parent = bureau().parent
    assert parent is not None
    return parent


class DirectorateFactory(UnitFactory):
    """A unit of the institution outside the bureau."""

    kind = UnitKind.DIRECTORATE
    name = factory.LazyAttribute(lambda u: f"Direktorat {u.code}")
    parent = factory.LazyFunction(institution)


class SubdivisionFactory(UnitFactory):
    """A sub-division; under a new division unless `parent` is given."""

    kind = UnitKind.SUBDIVISION
    name = factory.LazyAttribute(lambda u: f"Subbagian {u.code}")
    parent = factory.SubFactory(UnitFactory)


class UserFactory(ServiceFactory[User]):
    """A user with a role (staff by default) in a new division (pass `unit`, or `unit=None`)."""

    class Meta:
        model = User

    username = factory.LazyFunction(lambda: f"f.user{number()}")
    role = Role.STAFF
    unit: Any = factory.SubFactory(UnitFactory)
    password = PASSWORD
    email = factory.LazyAttribute(lambda u: f"{u.username}@test.invalid")

    @classmethod
    def create_with(cls, **data: Any) -> User:
        return services.user_create(actor=None, system=True, **data)


class HeadFactory(UserFactory):
    role = Role.HEAD_OF_UNIT


class AdminFactory(UserFactory):
    role = Role.ADMINISTRATOR
    unit = None


class ReaderFactory(UserFactory):
    role = Role.READER
    unit = None


class LeadershipFactory(UserFactory):
    role = Role.LEADERSHIP
    unit = factory.LazyFunction(bureau)


class StaffFactory(ServiceFactory[StaffMember]):
    """A staff member (a person of a unit, not a login)."""

    class Meta:
        model = StaffMember

    full_name = factory.LazyFunction(lambda: f"Pegawai {number()}")
    unit: Any = factory.SubFactory(UnitFactory)
    employment = "contract"
    education = "s1"
    birth_year = 1990
    position = "staff"

    @classmethod
    def create_with(cls, **data: Any) -> StaffMember:
        return services.staff_member_create(actor=None, data=data, system=True)


def logged_in(user: User) -> Client:
    """A test client logged in as `user`."""
    client = Client()
    client.force_login(user)
    return client


@dataclass
class Team:
    """A new division of the bureau with its staff member and head, a leader of the bureau, and two people outside
    the division: staff of another division and a reader."""

    unit: OrganisationUnit
    staff: User
    head: User
    leader: User
    other_staff: User
    reader: User


def make_team() -> Team:
    unit = UnitFactory.create()
    return Team(
        unit=unit,
        staff=UserFactory.create(unit=unit),
        head=HeadFactory.create(unit=unit),
        leader=LeadershipFactory.create(unit=bureau()),
        other_staff=UserFactory.create(),
        reader=ReaderFactory.create(),
    )
