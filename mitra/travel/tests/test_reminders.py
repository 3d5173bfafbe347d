import datetime as dt

import pytest

from mitra.core.notifications.models import Notification
from mitra.travel import reminders

from .helpers import draft

D = dt.date
pytestmark = pytest.mark.django_db


def test_step_reminders_are_sent_once_and_reports_are_chased(user_of):
    from mitra.core.models import StaffMember
    from mitra.travel import services

    owner = user_of("staf.bilateral")
    request = draft(owner, D(2018, 6, 4), D(2018, 6, 8))
    services.traveller_add(
        actor=owner,
        request=request,
        staff_member=StaffMember.objects.get(full_name="Dewi Lestari"),
        passport_expires_on=D(2020, 1, 1),
    )
    services.request_submit(actor=owner, request=request, on=D(2018, 5, 21))
    # Documents due Friday 1 June 2018 (Pancasila Day) → Thursday 31 May; steps requested 21 May.
    first = reminders.send_due_reminders(D(2018, 5, 22))
    assert first and all(n.key.startswith("travel:") for n in first)
    assert reminders.send_due_reminders(D(2018, 5, 22)) == []  # idempotent
    # After the return, the missing back-to-office report is chased.
    chased = reminders.send_due_reminders(D(2018, 6, 20))
    assert any("report" in n.key for n in chased)
    assert Notification.objects.filter(key__contains=":report:").count() == 1
