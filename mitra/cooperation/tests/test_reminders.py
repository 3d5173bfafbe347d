"""Reminders of agreements and follow-ups, on records made by factories (dated far ahead of any demo record)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from mitra.cooperation.reminders import send_due_reminders
from mitra.core.notifications.models import Notification
from mitra.core.tests.factories import HeadFactory, UserFactory, logged_in

from .factories import AgreementFactory, FollowUpFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_agreement_reminders_90_and_30_days_before_notice_and_end_sent_once(settings):
    settings.MITRA_REMINDER_DAYS = [90, 30]
    head = HeadFactory.create()
    agreement = AgreementFactory.create(
        responsible_unit=head.unit, date_signed=dt.date(2087, 11, 21), duration_months=60, notice_period_days=180
    )
    assert (agreement.expires_on, agreement.notice_date) == (dt.date(2092, 11, 21), dt.date(2092, 5, 25))
    day = dt.date(2092, 5, 25) - dt.timedelta(days=90)
    assert [n for n in send_due_reminders(day - dt.timedelta(days=1)) if f"agreement:{agreement.pk}:" in n.key] == []
    first = send_due_reminders(day)
    keys = [n.key for n in first]
    assert keys == [f"agreement:{agreement.pk}:notice:2092-05-25:90"]
    assert len(mail.outbox) == 1 and head.email in mail.outbox[0].to
    assert agreement.title in mail.outbox[0].body
    # Running again (same day, next day) sends nothing new.
    assert send_due_reminders(day) == [] and send_due_reminders(day + dt.timedelta(days=1)) == []
    assert len(mail.outbox) == 1
    later = send_due_reminders(dt.date(2092, 11, 21) - dt.timedelta(days=30))
    assert f"agreement:{agreement.pk}:end:2092-11-21:30" in [n.key for n in later]


def test_follow_up_reminders_and_the_command():
    meeting = MeetingFactory.create(start_date=dt.date(2093, 3, 1), end_date=dt.date(2093, 3, 2))
    follow_up = FollowUpFactory.create(meeting=meeting, due_date=dt.date(2093, 3, 31), status="in_progress")
    call_command("reminders", "--date", "2093-03-23")  # eight days ahead: not yet
    assert not Notification.objects.filter(key__startswith=f"followup:{follow_up.pk}:").exists()
    call_command("reminders", "--date", "2093-03-26")
    notification = Notification.objects.get(key__startswith=f"followup:{follow_up.pk}:")
    assert notification.unit == follow_up.responsible_unit and follow_up.description in notification.message
    call_command("reminders", "--date", "2093-03-27")
    assert Notification.objects.filter(key__startswith=f"followup:{follow_up.pk}:").count() == 1


def test_reminders_show_on_the_dashboard_of_the_unit_until_read():
    staff = UserFactory.create()
    meeting = MeetingFactory.create(
        responsible_unit=staff.unit, start_date=dt.date(2094, 3, 1), end_date=dt.date(2094, 3, 2)
    )
    follow_up = FollowUpFactory.create(meeting=meeting, due_date=dt.date(2094, 3, 31))
    [notification] = [
        n for n in send_due_reminders(dt.date(2094, 3, 26)) if n.key.startswith(f"followup:{follow_up.pk}:")
    ]
    mark_read = reverse("cooperation:notification-read", args=[notification.pk])
    mine = logged_in(staff)
    assert mark_read in mine.get("/kerjasama/").content.decode()
    assert mark_read not in logged_in(UserFactory.create()).get("/kerjasama/").content.decode()
    mine.post(mark_read, {"next": "/kerjasama/"})
    assert mark_read not in mine.get("/kerjasama/").content.decode()
