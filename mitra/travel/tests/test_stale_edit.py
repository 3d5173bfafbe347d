"""Travel forms carry the version and the loaded values like every edit form (issues 13, 15): a save after someone
else saved shows the stale-edit block and, confirmed, keeps the other person's change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from mitra.core.tests.factories import AdminFactory, UserFactory, logged_in
from mitra.core.tests.formdata import page_form, posted
from mitra.travel.models import TravelRequest

from .helpers import draft

pytestmark = pytest.mark.django_db


def test_two_editors_of_a_travel_request_keep_each_others_changes():
    staff = UserFactory.create()
    request = draft(staff, dt.date(2031, 5, 4), dt.date(2031, 5, 9))
    url = reverse("travel:request-update", args=[request.pk])
    owner, admin = logged_in(staff), logged_in(AdminFactory.create())
    a_form, b_form = page_form(admin.get(url)), page_form(owner.get(url))
    assert admin.post(url, posted(a_form, destination_city="Bern")).status_code == 302
    stale = owner.post(url, posted(b_form, notes="Bawa sampel"))
    assert stale.status_code == 200
    assert 'data-testid="stale-edit"' in stale.content.decode()  # the shared block, now on travel's form too
    assert TravelRequest.objects.get(pk=request.pk).notes == ""
    assert owner.post(url, posted(page_form(stale))).status_code == 302
    saved = TravelRequest.objects.get(pk=request.pk)
    assert (saved.destination_city, saved.notes, saved.version) == ("Bern", "Bawa sampel", 3)


def test_an_odd_version_in_a_travel_form_is_a_form_error():
    staff = UserFactory.create()
    request = draft(staff, dt.date(2031, 5, 4), dt.date(2031, 5, 9))
    url = reverse("travel:request-update", args=[request.pk])
    client = logged_in(staff)
    form = page_form(client.get(url))
    response = client.post(url, posted(form, notes="x", expected_version="-9223372036854775807"))
    assert response.status_code == 200 and TravelRequest.objects.get(pk=request.pk).notes == ""
