"""Travel requests through the services: bad input refused at the field, on-time percentage and trip counts with
hand-made cases around Indonesian holidays and weekends, and who may do what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mitra.core.models import StaffMember
from mitra.core.tests.factories import DirectorateFactory, ReaderFactory, StaffFactory, UserFactory, bureau
from mitra.performance.models import QuarterEntry
from mitra.performance.sources import get as get_source
from mitra.performance.tests.factories import OutputFactory, QuarterReportFactory, SubActivityFactory, approve
from mitra.travel import selectors, services
from mitra.travel.models import TravelRequest, TravelStatus

from .factories import ProcessorFactory
from .helpers import draft, paid_by, through

D = dt.date
pytestmark = pytest.mark.django_db


def test_return_before_departure_is_refused_at_the_field():
    owner = UserFactory.create()
    with pytest.raises(ValidationError) as error:
        draft(owner, D(2018, 5, 10), D(2018, 5, 8))
    assert "return_date" in error.value.error_dict
    assert not TravelRequest.objects.filter(requesting_unit=owner.unit).exists()


def test_passport_expiring_within_six_months_of_return_is_refused():
    owner = UserFactory.create()
    request = draft(owner, D(2018, 5, 10), D(2018, 5, 15))
    person = StaffFactory.create(unit=owner.unit)
    with pytest.raises(ValidationError) as error:
        services.traveller_add(actor=owner, request=request, staff_member=person, passport_expires_on=D(2018, 11, 14))
    assert "passport_expires_on" in error.value.error_dict
    assert not request.travellers.exists()
    services.traveller_add(actor=owner, request=request, staff_member=person, passport_expires_on=D(2018, 11, 15))
    # Moving the return later would leave that passport short: refused on the return date, nothing saved.
    with pytest.raises(ValidationError) as error:
        services.request_update(actor=owner, request=request, data={"return_date": D(2018, 5, 20)}, expected_version=1)
    assert "return_date" in error.value.error_dict
    request.refresh_from_db()
    assert request.return_date == D(2018, 5, 15)


def test_traveller_not_in_the_system_is_refused():
    owner = UserFactory.create()
    request = draft(owner, D(2018, 5, 10), D(2018, 5, 15))
    with pytest.raises(ValidationError) as error:
        services.traveller_add(actor=owner, request=request, staff_member=None)
    assert "staff_member" in error.value.error_dict
    ghost = StaffMember(pk=999_999, full_name="Nobody")
    with pytest.raises(ValidationError):
        services.traveller_add(actor=owner, request=request, staff_member=ghost)
    assert not request.travellers.exists()


def test_step_completed_before_requested_is_refused():
    owner, processor = UserFactory.create(), ProcessorFactory.create()
    request = draft(owner, D(2018, 5, 10), D(2018, 5, 15))
    services.traveller_add(
        actor=owner,
        request=request,
        staff_member=StaffFactory.create(unit=owner.unit),
        passport_expires_on=D(2020, 1, 1),
    )
    services.request_submit(actor=owner, request=request, on=D(2018, 4, 20))
    step = request.steps.all()[0]
    with pytest.raises(ValidationError) as error:
        services.step_update(
            actor=processor,
            step=step,
            data={"requested_on": D(2018, 4, 25), "completed_on": D(2018, 4, 24)},
            expected_version=None,
        )
    assert "completed_on" in error.value.error_dict
    step.refresh_from_db()
    assert step.completed_on is None and step.requested_on is None


def test_submitting_needs_a_traveller_and_creates_the_steps_that_apply():
    owner = UserFactory.create()
    request = draft(owner, D(2018, 5, 10), D(2018, 5, 15), needs_visa=False)
    with pytest.raises(ValidationError):
        services.request_submit(actor=owner, request=request)
    services.traveller_add(
        actor=owner,
        request=request,
        staff_member=StaffFactory.create(unit=owner.unit),
        passport_expires_on=D(2020, 1, 1),
    )
    services.request_submit(actor=owner, request=request, on=D(2018, 4, 20))
    codes = set(request.steps.values_list("kind__code", flat=True))
    assert "visa" not in codes  # visa-free destination
    assert {"surat-tugas", "setneg", "political-clearance", "paspor-dinas", "laporan"} <= codes


def test_requesting_unit_cannot_work_the_steps_and_other_units_cannot_see():
    owner = UserFactory.create()
    request = through(owner, ProcessorFactory.create(), D(2018, 5, 14), D(2018, 5, 18), D(2018, 5, 4), complete=False)
    with pytest.raises(PermissionDenied):
        services.step_update(actor=owner, step=request.steps.all()[0], data={"notes": "x"}, expected_version=None)
    outsider = UserFactory.create(unit=DirectorateFactory.create())
    assert not outsider.has_perm("travel.view_request", request)
    assert request not in selectors.visible_requests(outsider)
    own = draft(outsider, D(2018, 6, 4), D(2018, 6, 8))
    assert list(selectors.visible_requests(outsider)) == [own]
    assert ReaderFactory.create(unit=bureau()).has_perm(
        "travel.view_request", own
    )  # everyone in the bureau sees every request


def test_on_time_percentage_with_holidays_and_weekends():
    owner, processor = UserFactory.create(), ProcessorFactory.create()
    before = selectors.on_time(2017)  # whatever else the year holds (the demo's requests): counted by delta
    # Departs Tuesday 27 June 2017, after the Idul Fitri holidays: due Friday 23 June.
    on_time = through(owner, processor, D(2017, 6, 27), D(2017, 6, 30), D(2017, 6, 23))
    # Departs Friday 18 August 2017: Independence Day (Thursday 17) moves the deadline to Wednesday 16.
    late = through(owner, processor, D(2017, 8, 18), D(2017, 8, 22), D(2017, 8, 17))
    after = selectors.on_time(2017)
    rows = {r.request.pk: r for r in after.rows}
    assert rows[on_time.pk].on_time and rows[on_time.pk].deadline == D(2017, 6, 23)
    assert not rows[late.pk].on_time and rows[late.pk].deadline == D(2017, 8, 16)
    assert (after.on_time_count, after.measured) == (before.on_time_count + 1, before.measured + 2)
    assert after.pct == Decimal(after.on_time_count) * 100 / Decimal(after.measured)
    # The performance indicator reads the same figure, with the list behind it.
    result = get_source("travel.on_time_pct").compute(2017)
    assert result.value == after.pct.quantize(Decimal("0.01"))
    assert {r.record_id for r in result.records} >= {on_time.pk, late.pk}


def test_open_request_before_its_deadline_is_not_measured_yet(settings):
    owner, processor = UserFactory.create(), ProcessorFactory.create()

    def measured(today: dt.date) -> dict[int, bool]:
        """This test's requests measured on `today`, each with whether it was on time."""
        mine = set(TravelRequest.objects.filter(requesting_unit=owner.unit).values_list("pk", flat=True))
        return {r.request.pk: r.on_time for r in selectors.on_time(2018, today=today).rows if r.request.pk in mine}

    request = through(owner, processor, D(2018, 5, 14), D(2018, 5, 18), D(2018, 5, 4), complete=False)
    assert request.status == TravelStatus.DOCUMENTS_READY
    assert measured(D(2018, 5, 1)) == {request.pk: True}  # complete: measured even before departure
    other = draft(owner, D(2018, 7, 2), D(2018, 7, 6))
    services.traveller_add(
        actor=owner,
        request=other,
        staff_member=StaffFactory.create(unit=owner.unit),
        passport_expires_on=D(2020, 1, 1),
    )
    services.request_submit(actor=owner, request=other, on=D(2018, 6, 1))
    assert measured(D(2018, 6, 29)) == {request.pk: True}  # due Friday 29 June: not late yet
    assert measured(D(2018, 7, 2)) == {request.pk: True, other.pk: False}


def test_trip_counts_per_sub_activity_and_quarter_feed_the_realisation():
    owner, processor = UserFactory.create(), ProcessorFactory.create()
    # Completed trips lie in the past: 2013, a year the demo has no budget in; the sub-activity is the owner's unit's.
    sub = SubActivityFactory.create(
        output=OutputFactory.create(activity__program__year=2013), owner_unit=owner.unit, ceiling=200_000_000
    )

    def counts() -> dict[int, tuple[int, int]]:
        row = next(r for r in selectors.trips_by_sub_activity(2013) if r.sub == sub)
        return {q.quarter: (q.trips, q.cost) for q in row.quarters}

    # Thursday 28 March (Q1; Good Friday follows) and Monday 1 April (Q2), either side of the quarter's end.
    through(owner, processor, D(2013, 3, 28), D(2013, 4, 3), D(2013, 3, 27), **paid_by(sub))
    through(owner, processor, D(2013, 4, 1), D(2013, 4, 5), D(2013, 3, 27), **paid_by(sub))
    through(owner, processor, D(2013, 10, 7), D(2013, 10, 10), D(2013, 10, 3), **paid_by(sub))
    # Not counted: paid by the unit, or not completed.
    through(owner, processor, D(2013, 4, 1), D(2013, 4, 5), D(2013, 3, 27))
    through(owner, processor, D(2013, 4, 8), D(2013, 4, 12), D(2013, 4, 4), complete=False, **paid_by(sub))
    assert counts() == {1: (1, 25_000_000), 2: (1, 25_000_000), 3: (0, 0), 4: (1, 25_000_000)}

    # Q4 is open (draft): the computed figures go in.
    services.realisation_feed(actor=owner, sub_activity=sub, quarter=4)
    entry = QuarterEntry.objects.get(sub_activity=sub, quarter=4)
    assert entry.output_realised == Decimal(1) and entry.budget_realised == 25_000_000
    # Q1, fed and then approved and locked: a later Q1 trip is counted, but feeding it is refused, nothing changed.
    services.realisation_feed(actor=owner, sub_activity=sub, quarter=1)
    approve(QuarterReportFactory.create(year=2013, quarter=1, unit=owner.unit))
    through(owner, processor, D(2013, 3, 20), D(2013, 3, 22), D(2013, 3, 19), **paid_by(sub))
    assert counts()[1] == (2, 50_000_000)
    with pytest.raises(ValidationError):
        services.realisation_feed(actor=owner, sub_activity=sub, quarter=1)
    entry = QuarterEntry.objects.get(sub_activity=sub, quarter=1)
    assert entry.output_realised == Decimal(1) and entry.budget_realised == 25_000_000


def test_the_on_time_indicator_is_measured_to_two_places(demo):
    from mitra.performance.selectors import measurement_json

    [row] = [i for i in measurement_json(2017)["indicators"] if i["code"] == "perjalanan"]
    assert (row["realized"], row["achievement_pct"], row["source"]) == ("95.03", "100.03", "computed")
    assert len(row["records"]) == 161
