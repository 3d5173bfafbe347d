"""Factories of registry records (through the registry's services, validated and audited), for edge cases."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import factory

from mitra.cooperation import services
from mitra.cooperation.models import Agreement, AgreementKind, Cooperation, Meeting, Scope
from mitra.core.models import OrganisationUnit
from mitra.core.tests.factories import ServiceFactory
from mitra.partners.models import Country, Institution

_numbers = itertools.count(1)


def _unit() -> OrganisationUnit:
    return OrganisationUnit.objects.get(code="ksln-bm")


class InstitutionFactory(ServiceFactory):
    class Meta:
        model = Institution

    name = factory.LazyFunction(lambda: f"Partner agency {next(_numbers)}")
    kind = "regulator"
    country = factory.LazyFunction(lambda: Country.objects.get(code="JP"))

    @classmethod
    def create_with(cls, **data: Any) -> Institution:
        from mitra.partners import services as partner_services

        return partner_services.create(actor=None, model=Institution, data=data, system=True)


class _RegistryFactory(ServiceFactory):
    class Meta:
        abstract = True

    responsible_unit = factory.LazyFunction(_unit)

    @classmethod
    def create_with(cls, **data: Any) -> Any:
        return services.create(actor=None, model=cls._meta.model, data=data, system=True)


class CooperationFactory(_RegistryFactory):
    class Meta:
        model = Cooperation

    title = factory.LazyFunction(lambda: f"Kerjasama uji {next(_numbers)}")
    scope = Scope.BILATERAL
    stage_since = dt.date(2017, 1, 2)


class AgreementFactory(_RegistryFactory):
    class Meta:
        model = Agreement

    cooperation = factory.SubFactory(CooperationFactory)
    kind = AgreementKind.MOU
    title = factory.LazyFunction(lambda: f"MoU uji {next(_numbers)}")
    date_signed = dt.date(2013, 1, 10)


class MeetingFactory(_RegistryFactory):
    class Meta:
        model = Meeting

    title = factory.LazyFunction(lambda: f"Pertemuan uji {next(_numbers)}")
    cooperation = factory.SubFactory(CooperationFactory)
    start_date = dt.date(2017, 3, 1)
    end_date = dt.date(2017, 3, 2)
    city = "Tokyo"
    country = factory.LazyFunction(lambda: Country.objects.get(code="JP"))
