import datetime as dt

from django.core import mail
from django.core.management import call_command

from mitra.cooperation.models import Agreement, FollowUp
from mitra.cooperation.reminders import send_due_reminders
from mitra.core.notifications.models import Notification


def test_agreement_reminders_90_and_30_days_before_notice_and_end_sent_once(demo, settings):
    settings.MITRA_REMINDER_DAYS = [90, 30]
    onssa = Agreement.objects.get(title__contains="ONSSA")  # ends 2022-11-21, notice 180 days before
    assert onssa.notice_date == dt.date(2022, 5, 25)
    day = onssa.notice_date - dt.timedelta(days=90)
    first = send_due_reminders(day)
    keys = [n.key for n in first]
    assert f"agreement:{onssa.pk}:notice:2022-05-25:90" in keys
    assert len(mail.outbox) == len(first) >= 1
    assert "kabag.bilateral@demo.mitra.invalid" in mail.outbox[0].to
    # Running again (same day, next day) sends nothing new.
    assert send_due_reminders(day) == [] and send_due_reminders(day + dt.timedelta(days=1)) == []
    assert len(mail.outbox) == len(first)
    assert onssa.expires_on is not None
    later = send_due_reminders(onssa.expires_on - dt.timedelta(days=30))
    assert f"agreement:{onssa.pk}:end:2022-11-21:30" in [n.key for n in later]


def test_follow_up_reminders_and_the_command(demo):
    follow_up = FollowUp.objects.get(description__contains="ONSSA")  # due 2018-03-31, in progress
    call_command("reminders", "--date", "2018-03-26")
    notification = Notification.objects.get(key__startswith=f"followup:{follow_up.pk}:")
    assert notification.unit.code == "ksln-bm" and "ONSSA" in notification.message
    call_command("reminders", "--date", "2018-03-27")
    assert Notification.objects.filter(key__startswith=f"followup:{follow_up.pk}:").count() == 1


def test_reminders_show_on_the_dashboard_of_the_unit_until_read(client_for, demo):
    from django.urls import reverse

    # That day: the ONSSA follow-up is due within a week (and the WHO letter of agreement ends within a week).
    [notification] = [n for n in send_due_reminders(dt.date(2018, 3, 26)) if n.key.startswith("followup:")]
    mark_read = reverse("cooperation:notification-read", args=[notification.pk])
    bilateral = client_for("staf.bilateral")
    assert mark_read in bilateral.get("/kerjasama/").content.decode()
    assert mark_read not in client_for("staf.oi").get("/kerjasama/").content.decode()
    bilateral.post(mark_read, {"next": "/kerjasama/"})
    assert mark_read not in bilateral.get("/kerjasama/").content.decode()
