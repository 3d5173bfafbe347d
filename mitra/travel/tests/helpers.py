from __future__ import annotations

import datetime as dt
from typing import Any

from mitra.core.models import StaffMember, User
from mitra.core.tests.factories import StaffFactory
from mitra.partners.models import Country
from mitra.performance.models import SubActivity
from mitra.travel import services, workdays
from mitra.travel.models import FundingSource, StepTiming, TravelRequest


def draft(user: User, departure: dt.date, back: dt.date, **extra: Any) -> TravelRequest:
    data: dict[str, Any] = {
        "requesting_unit": user.unit,
        "purpose": "Hand-made test trip",
        "destination_city": "Jenewa",
        "destination_country": Country.objects.get(code="CH"),
        "departure_date": departure,
        "return_date": back,
        "needs_visa": True,
        "funding_source": FundingSource.REQUESTING_UNIT,
        "estimated_cost": 30_000_000,
    }
    data.update(extra)
    return services.request_create(actor=user, data=data)


def paid_by(sub: SubActivity) -> dict[str, Any]:
    """The fields of a request the bureau pays for from `sub` (e.g. a factory sub-activity of a year of its own)."""
    return {"funding_source": FundingSource.BUREAU, "sub_activity": sub}


def through(
    owner: User,
    processor: User,
    departure: dt.date,
    back: dt.date,
    documents_done: dt.date,
    complete: bool = True,
    traveller: StaffMember | None = None,
    **extra: Any,
) -> TravelRequest:
    """A request from draft to (optionally) completed, its last pre-departure document done on `documents_done`.

    The traveller is a new staff member of the owner's unit unless given."""
    request = draft(owner, departure, back, **extra)
    services.traveller_add(
        actor=owner,
        request=request,
        staff_member=traveller or StaffFactory.create(unit=owner.unit),
        passport_number="X1234567",
        passport_expires_on=back.replace(year=back.year + 3),
    )
    submitted = workdays.working_days_before(departure, 15)
    services.request_submit(actor=owner, request=request, on=submitted)
    for step in request.steps.select_related("kind"):
        if step.kind.timing == StepTiming.AFTER_RETURN:
            dates = {"requested_on": back, "completed_on": workdays.add_working_days(back, 2)}
        else:
            dates = {"requested_on": submitted, "completed_on": documents_done}
        services.step_update(actor=processor, step=step, data=dates, expected_version=None)
    request.refresh_from_db()
    if complete:
        if request.funding_source == FundingSource.BUREAU:
            request = services.request_update(
                actor=processor, request=request, data={"realised_cost": 25_000_000}, expected_version=None
            )
        request = services.request_complete(actor=processor, request=request)
    return request
