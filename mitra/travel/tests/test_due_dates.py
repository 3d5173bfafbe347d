"""The due date of each travel step is stored by the services (and the queue reads it in SQL): it is always the
one selectors.step_due computes, and the queue shows the same steps as when it computed every due date in Python."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db.models import Count
from django.test import RequestFactory, override_settings

from mitra.core.models import User
from mitra.core.tests.factories import AdminFactory, StaffFactory, UserFactory
from mitra.travel import selectors, services, workdays
from mitra.travel.models import OPEN_STATUSES, StepKind, StepTiming, TravelRequest, TravelStep

from .factories import ProcessorFactory
from .helpers import draft

pytestmark = pytest.mark.django_db
D = dt.date


def stored_as_computed() -> None:
    """Every step's stored due date, the demo's included, is the one step_due computes now."""
    steps = list(TravelStep.objects.select_related("request", "kind"))
    assert steps
    assert [(s.pk, s.due_on) for s in steps] == [(s.pk, selectors.step_due(s)) for s in steps]


def old_queue(user: User, today: dt.date, limit: int = 10) -> tuple[list, list]:
    """The queue as it was computed before the due date was stored (every open step's due date in Python)."""
    steps = (
        TravelStep.objects.filter(
            request__in=selectors.visible_requests(user).filter(status__in=OPEN_STATUSES).values("pk"),
            completed_on__isnull=True,
        )
        .select_related("kind", "request")
        .order_by("request__departure_date", "kind__order", "pk")
    )
    due = [(s, d, d < today) for s in steps if (d := selectors.step_due(s)) is not None]
    due = [d for d in due if d[0].kind.timing == StepTiming.BEFORE_DEPARTURE or d[0].request.return_date <= today]
    due.sort(key=lambda d: (d[1], d[0].request.departure_date))
    late = [(s.pk, d) for s, d, is_late in due if is_late][:limit]
    upcoming = [(s.pk, d) for s, d, is_late in due if not is_late][:limit]
    return late, upcoming


def submitted(owner: User, departure: dt.date, back: dt.date, on: dt.date) -> TravelRequest:
    request = draft(owner, departure, back)
    services.traveller_add(
        actor=owner,
        request=request,
        staff_member=StaffFactory.create(unit=owner.unit),
        passport_number="X1234567",
        passport_expires_on=back.replace(year=back.year + 3),
    )
    return services.request_submit(actor=owner, request=request, on=on)


def test_the_services_keep_the_stored_due_date_and_the_queue_is_unchanged():
    owner, processor = UserFactory.create(), ProcessorFactory.create()
    requests = []
    for i in range(6):  # departures from late May to August 2017, across Lebaran (25-26 June 2017)
        departure = D(2017, 5, 29) + dt.timedelta(days=13 * i)
        requests.append(
            submitted(owner, departure, departure + dt.timedelta(days=4 + i % 3), departure - dt.timedelta(days=30 - i))
        )
    stored_as_computed()
    # Steps requested on various days (their service level counts from then); some completed.
    mine = TravelStep.objects.filter(request__in=requests).select_related("kind", "request").order_by("pk")
    for n, step in enumerate(mine):
        if step.kind.timing == StepTiming.AFTER_RETURN or n % 3 == 0:
            continue
        start = step.request.submitted_on
        assert start is not None
        data = {"requested_on": start + dt.timedelta(days=n % 7)}
        if n % 5 == 0:
            data["completed_on"] = data["requested_on"] + dt.timedelta(days=1)
        services.step_update(actor=processor, step=step, data=data, expected_version=None)
    stored_as_computed()
    assert TravelStep.objects.values("due_on").annotate(n=Count("pk")).count() > 10  # really different days
    # A step added later (the visa of a request that had none) is due at once.
    extra_kind = StepKind.objects.exclude(pk__in=requests[0].steps.values("kind")).filter(is_active=True).first()
    if extra_kind is not None:
        added = services.step_add(actor=processor, request=requests[0], kind=extra_kind)
        assert added.due_on == selectors.step_due(added)
    for today in (D(2017, 5, 2), D(2017, 6, 20), D(2017, 7, 3), D(2017, 8, 1), D(2017, 9, 30)):
        for limit in (3, 10):
            queue = selectors.queue(processor, today=today, limit=limit)
            new = ([(d.step.pk, d.due) for d in queue.late], [(d.step.pk, d.due) for d in queue.upcoming])
            assert new == old_queue(processor, today, limit), today
    assert selectors.queue(processor, today=D(2017, 7, 3)).late  # the comparison saw late steps


def test_a_new_service_level_and_new_settings_move_the_stored_due_dates():
    owner = UserFactory.create()
    submitted(owner, D(2017, 8, 7), D(2017, 8, 11), D(2017, 7, 3))
    stored_as_computed()
    kind = StepKind.objects.filter(timing=StepTiming.BEFORE_DEPARTURE, steps__isnull=False).distinct().first()
    assert kind is not None
    before = {s.pk: s.due_on for s in TravelStep.objects.filter(kind=kind)}
    kind.sla_working_days += 3
    request = RequestFactory().post("/admin/")
    request.user = AdminFactory.create()
    admin.site._registry[StepKind].save_model(request, kind, None, True)
    stored_as_computed()
    assert {s.pk: s.due_on for s in TravelStep.objects.filter(kind=kind)} != before
    with override_settings(
        MITRA_TRAVEL_EXTRA_CLOSED_DAYS=["2017-07-04", "2017-07-05"], MITRA_TRAVEL_DOCUMENTS_DUE_WORKING_DAYS=3
    ):
        assert workdays.is_working_day(D(2017, 7, 4)) is False
        out = io.StringIO()
        call_command("travel_due_dates", stdout=out)
        assert "due date(s) changed" in out.getvalue()
        stored_as_computed()


def test_the_daily_task_brings_the_open_steps_due_dates_up_to_date():
    """A change of the closed days reaches the open steps with the next daily run of the travel reminders, without
    `mitra travel_due_dates`; completed steps keep theirs until that command is run."""
    from mitra.travel.tasks import send_travel_reminders

    owner = UserFactory.create()
    request = submitted(owner, D(2031, 8, 4), D(2031, 8, 8), D(2031, 7, 1))
    steps = list(TravelStep.objects.filter(request=request).select_related("request", "kind"))
    assert steps and all(s.completed_on is None for s in steps)
    before = {s.pk: s.due_on for s in steps}
    with override_settings(MITRA_TRAVEL_EXTRA_CLOSED_DAYS=[f"2031-07-{day:02d}" for day in range(2, 32)]):
        send_travel_reminders.call(day="2031-06-01")
        after = {s.pk: s.due_on for s in TravelStep.objects.filter(request=request)}
        assert after != before
        assert after == {s.pk: selectors.step_due(s) for s in TravelStep.objects.filter(request=request)}
