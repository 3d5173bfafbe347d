"""Notifications live in core: one delivery service for every reminder job, read marks through a service."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mitra.core.models import OrganisationUnit
from mitra.core.notifications import services
from mitra.core.notifications.models import Notification
from mitra.core.tests.factories import UnitFactory, UserFactory, logged_in

ROOT = Path(__file__).resolve().parents[3]


def _due(unit: OrganisationUnit, key: str = "test:1") -> services.Due:
    return services.Due(key, unit, "Something is due", "/kerjasama/", dt.date(2018, 3, 31))


def test_deliver_creates_e_mails_and_marks_sent_once(db):
    unit = UnitFactory.create()
    staff = UserFactory.create(unit=unit)
    mail.outbox.clear()
    first = services.deliver(_due(unit))
    assert first is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [staff.email]
    stored = Notification.objects.get(key="test:1")
    assert stored.emailed_to == ", ".join(mail.outbox[0].to)
    assert services.deliver(_due(unit)) is None
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(key="test:1").count() == 1


def test_mark_read_only_for_the_users_unit(db):
    unit = UnitFactory.create()
    staff, other = UserFactory.create(unit=unit), UserFactory.create()
    notification = services.deliver(_due(unit, "test:2"))
    assert notification is not None
    with pytest.raises(PermissionDenied):
        services.mark_read(user=other, notification=notification)
    url = reverse("cooperation:notification-read", args=[notification.pk])
    assert logged_in(other).post(url).status_code == 403
    assert not notification.read_by.exists()
    assert logged_in(staff).post(url, {"next": "/kerjasama/"}).status_code == 302
    assert list(notification.read_by.all()) == [staff]


@pytest.mark.parametrize("path", ["mitra/travel/reminders.py", "mitra/cooperation/reminders.py"])
def test_reminder_jobs_deliver_through_core_only(path):
    tree = ast.parse((ROOT / path).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert "mitra.core.notifications.services" in imported
    if path.startswith("mitra/travel"):
        assert not any(module.startswith("mitra.cooperation") for module in imported)
    source = (ROOT / path).read_text()
    assert "send_mail" not in source and "Notification.objects" not in source
