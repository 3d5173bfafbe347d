"""Factories of partners and forums (through the partners' services, validated and audited)."""

from __future__ import annotations

import itertools
from typing import Any

import factory

from mitra.core.tests.factories import ServiceFactory
from mitra.partners import services as partner_services
from mitra.partners.models import Contact, Country, Forum, ForumScope, Institution

_numbers = itertools.count(1)


class InstitutionFactory(ServiceFactory[Institution]):
    class Meta:
        model = Institution

    name = factory.LazyFunction(lambda: f"Partner agency {next(_numbers)}")
    kind = "regulator"
    country = factory.LazyFunction(lambda: Country.objects.get(code="JP"))

    @classmethod
    def create_with(cls, **data: Any) -> Institution:
        return partner_services.create(actor=None, model=Institution, data=data, system=True)


class ForumFactory(ServiceFactory[Forum]):
    class Meta:
        model = Forum

    name = factory.LazyFunction(lambda: f"Forum uji {next(_numbers)}")
    acronym = factory.LazyFunction(lambda: f"FU{next(_numbers)}")
    scope = ForumScope.REGIONAL

    @classmethod
    def create_with(cls, **data: Any) -> Forum:
        return partner_services.create(actor=None, model=Forum, data=data, system=True)


class ContactFactory(ServiceFactory[Contact]):
    """A contact person of a new partner institution (pass `institution`, or `institution=None`)."""

    class Meta:
        model = Contact

    name = factory.LazyFunction(lambda: f"Kontak uji {next(_numbers)}")
    institution: Any = factory.SubFactory(InstitutionFactory)

    @classmethod
    def create_with(cls, **data: Any) -> Contact:
        return partner_services.create(actor=None, model=Contact, data=data, system=True)
