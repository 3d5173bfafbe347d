"""Factories for travel tests: the unit that processes travel documents and the people who work its steps.

Requests themselves are made with `helpers.draft` / `helpers.through`, which go through the travel services as
their owner does (create, add a traveller, submit, work the steps, complete).
"""

from __future__ import annotations

import factory
from django.conf import settings

from mitra.core.models import OrganisationUnit, UnitKind
from mitra.core.tests.factories import UnitFactory, UserFactory


def service_unit() -> OrganisationUnit:
    """The unit settings.MITRA_TRAVEL_SERVICE_UNIT names (the rules find it by that code); made, as a sub-division
    of a new division of the bureau, if it does not exist."""
    code = str(getattr(settings, "MITRA_TRAVEL_SERVICE_UNIT", "ksln-oi-tu"))
    found = OrganisationUnit.objects.filter(code=code).first()
    if found is not None:
        return found
    return UnitFactory.create(code=code, kind=UnitKind.SUBDIVISION, parent=UnitFactory.create(), name="Subbagian TU")


class ProcessorFactory(UserFactory):
    """Staff of the service unit: they work the document steps of every request."""

    unit = factory.LazyFunction(service_unit)
