"""Factories of registry records (through the registry's services, validated and audited), for edge cases.

Each record belongs to a new division (core's `UnitFactory`) unless `responsible_unit` is given; a test that acts
as staff makes the user in that unit: `UserFactory(unit=record.responsible_unit)`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, TypeVar

import factory

from mitra.cooperation import services
from mitra.cooperation.models import (
    AgendaItem,
    Agreement,
    AgreementKind,
    Assignment,
    Cooperation,
    Deliverable,
    FollowUp,
    Meeting,
    OutreachEvent,
    PositionPaper,
    Publication,
    RequestKind,
    Scope,
    Study,
)
from mitra.core.models import OrganisationUnit
from mitra.core.tests.factories import ServiceFactory, UnitFactory
from mitra.partners.models import Country
from mitra.partners.tests.factories import ForumFactory, InstitutionFactory

__all__ = [
    "AgendaItemFactory",
    "AgreementFactory",
    "CooperationFactory",
    "DeliverableFactory",
    "FollowUpFactory",
    "ForumFactory",
    "InstitutionFactory",
    "MeetingFactory",
    "OutreachEventFactory",
    "PositionPaperFactory",
    "PublicationFactory",
    "RequestFactory",
    "StudyFactory",
    "assign",
    "signed_agreement",
    "step",
]

_numbers = itertools.count(1)
R = TypeVar("R")


class _RegistryFactory(ServiceFactory[R]):
    class Meta:
        abstract = True

    responsible_unit: Any = factory.SubFactory(UnitFactory)

    @classmethod
    def create_with(cls, **data: Any) -> Any:
        return services.create(actor=None, model=cls._meta.model, data=data, system=True)


class CooperationFactory(_RegistryFactory[Cooperation]):
    class Meta:
        model = Cooperation

    title = factory.LazyFunction(lambda: f"Kerjasama uji {next(_numbers)}")
    scope = Scope.BILATERAL
    stage_since = dt.date(2017, 1, 2)


class AgreementFactory(_RegistryFactory[Agreement]):
    class Meta:
        model = Agreement

    cooperation = factory.SubFactory(CooperationFactory, responsible_unit=factory.SelfAttribute("..responsible_unit"))
    kind = AgreementKind.MOU
    title = factory.LazyFunction(lambda: f"MoU uji {next(_numbers)}")
    date_signed = dt.date(2013, 1, 10)


class MeetingFactory(_RegistryFactory[Meeting]):
    class Meta:
        model = Meeting

    title = factory.LazyFunction(lambda: f"Pertemuan uji {next(_numbers)}")
    cooperation = factory.SubFactory(CooperationFactory, responsible_unit=factory.SelfAttribute("..responsible_unit"))
    start_date = dt.date(2017, 3, 1)
    end_date = dt.date(2017, 3, 2)
    city = "Tokyo"
    country = factory.LazyFunction(lambda: Country.objects.get(code="JP"))


class FollowUpFactory(_RegistryFactory[FollowUp]):
    """A follow-up action of a meeting, in the meeting's unit."""

    class Meta:
        model = FollowUp

    description = factory.LazyFunction(lambda: f"Tindak lanjut uji {next(_numbers)}")
    meeting = factory.SubFactory(MeetingFactory)
    responsible_unit = factory.LazyAttribute(lambda f: f.meeting.responsible_unit)
    due_date = factory.LazyAttribute(lambda f: f.meeting.end_date + dt.timedelta(days=30))


class PositionPaperFactory(_RegistryFactory[PositionPaper]):
    class Meta:
        model = PositionPaper

    title = factory.LazyFunction(lambda: f"Kertas posisi uji {next(_numbers)}")
    year = 2017
    cooperation = factory.SubFactory(CooperationFactory, responsible_unit=factory.SelfAttribute("..responsible_unit"))


class StudyFactory(_RegistryFactory[Study]):
    class Meta:
        model = Study

    title = factory.LazyFunction(lambda: f"Kajian uji {next(_numbers)}")
    year = 2017


class OutreachEventFactory(_RegistryFactory[OutreachEvent]):
    class Meta:
        model = OutreachEvent

    kind = "workshop"
    title = factory.LazyFunction(lambda: f"Lokakarya uji {next(_numbers)}")
    date = dt.date(2017, 5, 2)


class PublicationFactory(_RegistryFactory[Publication]):
    class Meta:
        model = Publication

    series = "Buletin uji"
    edition = factory.LazyFunction(lambda: f"Edisi uji {next(_numbers)}")
    date = dt.date(2017, 6, 1)


class DeliverableFactory(_RegistryFactory[Deliverable]):
    """A deliverable of an agreement, in the agreement's unit."""

    class Meta:
        model = Deliverable

    agreement = factory.SubFactory(AgreementFactory)
    responsible_unit = factory.LazyAttribute(lambda d: d.agreement.responsible_unit)
    title = factory.LazyFunction(lambda: f"Luaran uji {next(_numbers)}")
    due_date = dt.date(2017, 9, 1)


def step(actor: Any, agreement: Agreement, kind: str, date: dt.date, **extra: Any) -> Any:
    """Record a lifecycle step of `agreement` as `actor` (through the service, permission-checked)."""
    return services.record_step(
        actor=actor,
        agreement=Agreement.objects.get(pk=agreement.pk),
        data={"kind": kind, "date": date, **extra},
        expected_version=None,
    )


def signed_agreement(actor: Any, title: str = "MoU uji yang berlaku", signed_on: dt.date | None = None) -> Agreement:
    """An MoU of `actor`'s unit with a university, signed on `signed_on` (21 November 2017 by default, so its term
    ended in 2022) for five years with 90 days' notice, its signing and entry into force recorded as steps by
    `actor`."""
    signed_on = signed_on or dt.date(2017, 11, 21)
    partner = InstitutionFactory.create(kind="university", country=Country.objects.get(code="US"))
    cooperation = CooperationFactory.create(partners=[partner], responsible_unit=actor.unit)
    agreement = AgreementFactory.create(
        cooperation=cooperation,
        responsible_unit=actor.unit,
        title=title,
        date_signed=signed_on,
        duration_months=60,
        notice_period_days=90,
    )
    step(actor, agreement, "signing", signed_on)
    step(actor, agreement, "in_force", signed_on)
    return Agreement.objects.get(pk=agreement.pk)


class AgendaItemFactory(_RegistryFactory[AgendaItem]):
    """An agenda item of a meeting, in the meeting's unit, to be answered a week before the meeting."""

    class Meta:
        model = AgendaItem

    kind = RequestKind.AGENDA
    meeting = factory.SubFactory(MeetingFactory)
    responsible_unit = factory.LazyAttribute(
        lambda a: a.meeting.responsible_unit if a.meeting else UnitFactory.create()
    )
    title = factory.LazyFunction(lambda: f"Agenda uji {next(_numbers)}")
    response_deadline = factory.LazyAttribute(
        lambda a: (a.meeting.start_date if a.meeting else dt.date(2017, 3, 1)) - dt.timedelta(days=7)
    )


class RequestFactory(_RegistryFactory[AgendaItem]):
    """A request from a partner with an external deadline (a Codex circular letter)."""

    class Meta:
        model = AgendaItem

    kind = RequestKind.EXTERNAL
    meeting = None
    title = factory.LazyFunction(lambda: f"Permintaan uji {next(_numbers)}")
    source = "Codex Alimentarius Commission"
    reference = factory.LazyFunction(lambda: f"CL 2017/{next(_numbers)}-FH")
    external_deadline = dt.date(2017, 6, 30)
    response_deadline = dt.date(2017, 6, 15)


def assign(item: AgendaItem, *units: OrganisationUnit) -> list[Assignment]:
    """Ask `units` to answer `item` (through the service)."""
    return services.assign_units(actor=None, item=item, units=list(units), system=True)
