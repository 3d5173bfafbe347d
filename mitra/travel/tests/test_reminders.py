import datetime as dt

import pytest

from mitra.core.notifications.models import Notification
from mitra.travel import reminders

from .helpers import draft

D = dt.date
pytestmark = pytest.mark.django_db


def test_step_reminders_are_sent_once_and_reports_are_chased():
    from mitra.core.tests.factories import StaffFactory, UserFactory
    from mitra.travel import services

    owner = UserFactory.create()
    request = draft(owner, D(2018, 6, 4), D(2018, 6, 8))
    services.traveller_add(
        actor=owner,
        request=request,
        staff_member=StaffFactory.create(unit=owner.unit),
        passport_expires_on=D(2020, 1, 1),
    )
    services.request_submit(actor=owner, request=request, on=D(2018, 5, 21))
    # Documents due Friday 1 June 2018 (Pancasila Day) → Thursday 31 May; steps requested 21 May.
    steps = {str(pk) for pk in request.steps.values_list("pk", flat=True)}

    def mine(sent: list[Notification]) -> list[Notification]:
        return [n for n in sent if n.key.startswith("travel:") and n.key.split(":")[1] in steps]

    first = mine(reminders.send_due_reminders(D(2018, 5, 22)))
    assert first and not any(":report:" in n.key for n in first)
    assert reminders.send_due_reminders(D(2018, 5, 22)) == []  # idempotent
    # After the return, the missing back-to-office report is chased.
    chased = mine(reminders.send_due_reminders(D(2018, 6, 20)))
    assert any(":report:" in n.key for n in chased)
    assert len(mine(list(Notification.objects.filter(key__contains=":report:")))) == 1
