"""Factories of the organisation: units, users and staff — for edge cases that need records the demo does not have.

Rows are written through the services (`system=True`, as the demo loader does), so they are validated and audited
like any other write; each factory returns the saved row.
"""

from __future__ import annotations

import itertools
from typing import Any

import factory

from mitra.core import services
from mitra.core.models import OrganisationUnit, Role, StaffMember, UnitKind, User

_numbers = itertools.count(1)


class ServiceFactory(factory.Factory):
    """A factory whose `_create` calls a service; subclasses name it in `create_with`."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        return cls.create_with(**kwargs)

    @classmethod
    def create_with(cls, **data: Any) -> Any:  # pragma: no cover - each factory implements it
        raise NotImplementedError


class UnitFactory(ServiceFactory):
    """A division under the demo bureau by default; pass `parent` and `kind` for another place in the tree."""

    class Meta:
        model = OrganisationUnit

    code = factory.LazyFunction(lambda: f"unit-{next(_numbers)}")
    name = factory.LazyAttribute(lambda u: f"Bagian {u.code}")
    kind = UnitKind.DIVISION
    parent = factory.LazyFunction(lambda: OrganisationUnit.objects.get(code="ksln"))

    @classmethod
    def create_with(cls, **data: Any) -> OrganisationUnit:
        return services.unit_create(actor=None, data=data, system=True)


class UserFactory(ServiceFactory):
    class Meta:
        model = User

    username = factory.LazyFunction(lambda: f"user{next(_numbers)}")
    role = Role.STAFF
    unit = factory.SubFactory(UnitFactory)
    password = "a-long-test-password-1"

    @classmethod
    def create_with(cls, **data: Any) -> User:
        return services.user_create(actor=None, system=True, **data)


class StaffFactory(ServiceFactory):
    class Meta:
        model = StaffMember

    full_name = factory.LazyFunction(lambda: f"Pegawai {next(_numbers)}")
    unit = factory.SubFactory(UnitFactory)
    employment = "contract"
    education = "s1"
    birth_year = 1990
    position = "staff"

    @classmethod
    def create_with(cls, **data: Any) -> StaffMember:
        return services.staff_member_create(actor=None, data=data, system=True)
