"""Record forms type a related record of a large table (meetings, cooperations, …) with suggestions from a bounded
JSON endpoint instead of a select of every row (core/suggest.py): the form page stays the same size and makes the
same queries whatever the table's size."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.cooperation import services
from mitra.cooperation.models import Cooperation, FollowUp, Meeting
from mitra.cooperation.tests.factories import CooperationFactory, FollowUpFactory, InstitutionFactory, MeetingFactory
from mitra.core.tests.factories import ReaderFactory, UnitFactory, UserFactory, logged_in
from mitra.core.tests.formdata import page_form, posted

pytestmark = pytest.mark.django_db


def _options(html: str) -> int:
    return len(re.findall(r"<option\b", html))


def _meetings(count: int, **data: object) -> list[Meeting]:
    unit = UnitFactory.create()
    cooperation = CooperationFactory.create(responsible_unit=unit)
    return [
        MeetingFactory.create(responsible_unit=unit, cooperation=cooperation, title=f"Rapat banyak {i:03}", **data)
        for i in range(count)
    ]


def test_the_follow_up_form_does_not_grow_with_the_meetings():
    meetings = _meetings(30)
    staff = UserFactory.create(unit=meetings[0].responsible_unit)
    client = logged_in(staff)
    url = reverse("cooperation:followup-create")
    client.get(url)  # warm-up: the menu's badges

    def measure() -> tuple[int, int, int]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url, {"meeting": meetings[0].pk}).content.decode()
        return len(queries.captured_queries), len(html), _options(html)

    few = measure()
    _meetings(270)
    many = measure()
    assert few[0] == many[0] == 10  # the same queries with 30 or 300 meetings
    assert many[2] == few[2] < 40  # the selects of small tables only (units, status); no option per meeting
    assert abs(many[1] - few[1]) < 200  # the same page (but counters in the menu)
    html = client.get(url, {"meeting": meetings[0].pk}).content.decode()
    assert "Rapat banyak 001" not in html and "Rapat banyak 299" not in html
    # The preset shows the meeting by its title and id, in a typed field with its suggestion list.
    assert f'value="Rapat banyak 000 (#{meetings[0].pk})"' in html
    assert 'list="id_meeting-options"' in html and '<datalist id="id_meeting-options">' in html
    assert reverse("core:record-suggest", args=["meeting"]) in html


def test_a_typed_meeting_is_saved_by_its_id_and_an_unknown_one_is_a_message_at_the_field():
    meeting, other = _meetings(2)
    staff = UserFactory.create(unit=meeting.responsible_unit)
    client = logged_in(staff)
    url = reverse("cooperation:followup-create")
    form = page_form(client.get(url, {"meeting": meeting.pk}))
    data = posted(form, description="Tindak lanjut diketik", due_date="2017-05-01")
    assert data["meeting"] == f"{meeting.title} (#{meeting.pk})"
    for typed, expected in ((data["meeting"], meeting), (str(other.pk), other), (f"#{other.pk}", other)):
        response = client.post(url, {**data, "meeting": typed})
        assert response.status_code == 302, typed
        assert FollowUp.objects.order_by("-pk").first().meeting == expected  # type: ignore[union-attr]
    # Editing shows the current meeting by its title and id.
    follow_up = FollowUp.objects.order_by("-pk").first()
    assert follow_up is not None
    edit = client.get(reverse("cooperation:followup-update", args=[follow_up.pk])).content.decode()
    assert f'value="{other.title} (#{other.pk})"' in edit
    # Unknown, deleted or damaged: a message at the field, in Indonesian; nothing saved.
    gone = MeetingFactory.create(responsible_unit=meeting.responsible_unit)
    Meeting.objects.filter(pk=gone.pk).update(deleted_at="2020-01-01T00:00:00Z")
    before = FollowUp.objects.count()
    for typed in ("Rapat yang tidak ada", "99999999999999999", f"Apa saja (#{gone.pk})", "2000000000"):
        response = client.post(url, {**data, "meeting": typed})
        assert response.status_code == 200, typed
        assert "bukan rekaman yang dapat Anda pilih di sini" in response.content.decode(), typed
    assert FollowUp.objects.count() == before


def test_suggestions_are_bounded_and_need_a_signed_in_reader():
    _meetings(30)
    client = logged_in(ReaderFactory.create())
    url = reverse("core:record-suggest", args=["meeting"])
    client.get(url, {"q": "x"})  # warm-up
    with CaptureQueriesContext(connection) as queries:
        rows = client.get(url, {"q": "rapat BANYAK"}).json()["results"]
    assert len(rows) == 20
    assert sum("cooperation_meeting" in q["sql"] for q in queries.captured_queries) == 1
    one = client.get(url, {"q": "banyak 007"}).json()["results"]
    meeting = Meeting.objects.get(title="Rapat banyak 007")
    assert [r["value"] for r in one] == [f"Rapat banyak 007 (#{meeting.pk})"]
    assert one[0]["label"] == "Rapat banyak 007 — 1 Maret 2017, Tokyo"
    assert client.get(url).json() == {"results": []}
    assert client.get(reverse("core:record-suggest", args=["nothing"]), {"q": "a"}).status_code == 404
    assert Client().get(url, {"q": "rapat"}).status_code == 302  # anonymous: to the login page


def test_many_to_many_fields_of_large_tables_are_typed_too():
    coop = CooperationFactory.create(title="Kerjasama utama")
    first = InstitutionFactory.create(name="Lembaga Pertama", acronym="LP1")
    second = InstitutionFactory.create(name="Lembaga Kedua", acronym="LP2")
    related = CooperationFactory.create(title="Kerjasama lain ZQ")
    staff = logged_in(UserFactory.create(unit=coop.responsible_unit))
    url = reverse("cooperation:cooperation-update", args=[coop.pk])
    response = staff.get(url)
    html = response.content.decode()
    assert 'list="id_partners-options"' in html and 'list="id_related-options"' in html
    assert "Kerjasama lain ZQ" not in html  # no option per cooperation
    data = posted(
        page_form(response),
        partners=f"Lembaga Pertama (LP1) (#{first.pk}); {second.pk}",
        related=f"Kerjasama lain ZQ (#{related.pk})",
    )
    assert staff.post(url, data).status_code == 302
    coop = Cooperation.objects.get(pk=coop.pk)
    assert set(coop.partners.all()) == {first, second} and list(coop.related.all()) == [related]
    html = staff.get(url).content.decode()
    shown = re.search(r'name="partners" value="([^"]*)"', html)
    assert shown is not None
    assert sorted(shown.group(1).split("; ")) == [
        f"Lembaga Kedua (LP2) (#{second.pk})",
        f"Lembaga Pertama (LP1) (#{first.pk})",
    ]
    # A cooperation does not relate to itself: refused at the field.
    response = staff.post(url, {**data, "related": str(coop.pk), "expected_version": coop.version})
    assert response.status_code == 200
    assert "bukan rekaman yang dapat Anda pilih di sini" in response.content.decode()


def test_an_edit_that_did_not_touch_the_meeting_keeps_a_colleagues_change_of_it():
    follow_up = FollowUpFactory.create()
    moved_to = MeetingFactory.create(responsible_unit=follow_up.responsible_unit)
    staff = logged_in(UserFactory.create(unit=follow_up.responsible_unit))
    url = reverse("cooperation:followup-update", args=[follow_up.pk])
    loaded = page_form(staff.get(url))
    # Meanwhile a colleague moves the follow-up to another meeting.
    services.update(actor=None, instance=follow_up, data={"meeting": moved_to}, expected_version=None, system=True)
    response = staff.post(url, posted(loaded, description="Diubah"))
    assert response.status_code == 200  # saved after it was loaded: nothing saved yet, and no conflict
    assert list(response.context["form"].errors) == ["__all__"]  # the notice only, no field in conflict
    assert f'value="{moved_to.title} (#{moved_to.pk})"' in response.content.decode()
    assert staff.post(url, posted(page_form(response))).status_code == 302
    saved = FollowUp.objects.get(pk=follow_up.pk)
    assert saved.description == "Diubah" and saved.meeting_id == moved_to.pk
