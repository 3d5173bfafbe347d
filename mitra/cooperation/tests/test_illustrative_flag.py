"""The illustrative flag marks made-up demo records: only administrators see it on registry forms (issue 16)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mitra.cooperation.models import Meeting
from mitra.cooperation.tests.factories import MeetingFactory
from mitra.core.tests.factories import AdminFactory, UserFactory, logged_in
from mitra.core.tests.formdata import page_form, posted

pytestmark = pytest.mark.django_db


def test_staff_do_not_see_the_flag_and_their_edit_keeps_it():
    meeting = MeetingFactory.create(is_illustrative=True)
    staff = logged_in(UserFactory.create(unit=meeting.responsible_unit))
    assert 'name="is_illustrative"' not in staff.get(reverse("cooperation:meeting-create")).content.decode()
    edit_url = reverse("cooperation:meeting-update", args=[meeting.pk])
    response = staff.get(edit_url)
    assert 'name="is_illustrative"' not in response.content.decode()
    saved = staff.post(edit_url, posted(page_form(response), title="Pertemuan yang diubah"))
    assert saved.status_code == 302
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.title == "Pertemuan yang diubah" and meeting.is_illustrative


def test_administrators_still_see_the_flag():
    admin = logged_in(AdminFactory.create())
    assert 'name="is_illustrative"' in admin.get(reverse("cooperation:meeting-create")).content.decode()
