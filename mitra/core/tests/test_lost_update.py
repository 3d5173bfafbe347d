"""No lost update (issue 15 item 4): saving after someone else saved keeps their changes and applies only the
editor's own; a field both changed differently is a conflict, not an overwrite. Odd versions (issue 15 item 5)
are form errors, never server errors. update_record is atomic by itself (issue 13)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from mitra.core import audit, services
from mitra.core.models import StaffMember
from mitra.core.tests.factories import AdminFactory, HeadFactory, StaffFactory, UserFactory, logged_in
from mitra.core.tests.formdata import page_form, posted
from mitra.partners.models import Country
from mitra.partners.tests.factories import ForumFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> SimpleNamespace:
    """A head of a division, an administrator, and a civil servant of the division (grade III/a, S1, version 1)."""
    head = HeadFactory.create()
    member = StaffFactory.create(unit=head.unit, employment="civil_servant", grade="III/a", education="s1")
    return SimpleNamespace(head=head, admin=AdminFactory.create(), member=member)


@pytest.fixture
def dewi(team):
    """Reads the team's staff member afresh."""

    def get() -> StaffMember:
        return StaffMember.objects.get(pk=team.member.pk)

    return get


def test_confirming_after_a_stale_warning_keeps_the_other_editors_field(team, dewi):
    url = reverse("core:staff-update", args=[dewi().pk])
    head, admin = logged_in(team.head), logged_in(team.admin)
    a_form, b_form = page_form(admin.get(url)), page_form(head.get(url))  # both open version 1
    assert admin.post(url, posted(a_form, education="s2")).status_code == 302  # A changes x
    stale = head.post(url, posted(b_form, grade="III/c"))  # B changes y and saves
    assert stale.status_code == 200
    page = stale.content.decode()
    assert 'data-testid="stale-edit"' in page and team.admin.username in page
    saved = dewi()
    assert (saved.education, saved.grade, saved.version) == ("s2", "III/a", 2)  # nothing of B's was saved
    # The form now shows A's change with B's on top, at the current version.
    shown = page_form(stale)
    assert (shown["education"].value(), shown["grade"].value(), shown["expected_version"].value()) == (
        "s2",
        "III/c",
        "2",
    )
    assert head.post(url, posted(shown)).status_code == 302  # B confirms
    saved = dewi()
    assert (saved.education, saved.grade, saved.version) == ("s2", "III/c", 3)


def test_resending_the_first_form_with_the_new_version_still_keeps_the_other_editors_field(team, dewi):
    """A client that sends its first form again, only with the version bumped, changes only what it changed."""
    url = reverse("core:staff-update", args=[dewi().pk])
    head, admin = logged_in(team.head), logged_in(team.admin)
    a_form, b_form = page_form(admin.get(url)), page_form(head.get(url))
    admin.post(url, posted(a_form, education="s2"))
    assert head.post(url, posted(b_form, grade="III/c", expected_version="2")).status_code == 302
    saved = dewi()
    assert (saved.education, saved.grade) == ("s2", "III/c")


def test_without_the_loaded_values_the_audit_log_tells_what_the_editor_had(team, dewi):
    url = reverse("core:staff-update", args=[dewi().pk])
    head, admin = logged_in(team.head), logged_in(team.admin)
    a_form, b_form = page_form(admin.get(url)), page_form(head.get(url))
    admin.post(url, posted(a_form, education="s2"))
    stale = head.post(url, posted(b_form, grade="III/c", loaded_values=""))
    assert stale.status_code == 200 and dewi().grade == "III/a"
    assert page_form(stale)["education"].value() == "s2"
    assert head.post(url, posted(page_form(stale))).status_code == 302
    assert (dewi().education, dewi().grade) == ("s2", "III/c")


def test_both_changing_the_same_field_is_a_conflict_and_nothing_is_saved(team, dewi):
    url = reverse("core:staff-update", args=[dewi().pk])
    head, admin = logged_in(team.head), logged_in(team.admin)
    a_form, b_form = page_form(admin.get(url)), page_form(head.get(url))
    admin.post(url, posted(a_form, grade="III/b", notes="A's note"))
    conflict = head.post(url, posted(b_form, grade="III/d"))
    assert conflict.status_code == 200
    form = page_form(conflict)
    assert set(form.errors) == {"__all__", "grade"}
    message = " ".join(str(error) for error in form.errors["grade"])
    assert "III/b" in message and "III/d" in message and team.admin.username in message
    saved = dewi()
    assert (saved.grade, saved.notes, saved.version) == ("III/b", "A's note", 2)
    # The editor has now seen both values; saving again keeps the one left in the field, and A's note.
    assert head.post(url, posted(form)).status_code == 302
    saved = dewi()
    assert (saved.grade, saved.notes, saved.version) == ("III/d", "A's note", 3)


def test_the_same_change_by_both_is_no_conflict(team, dewi):
    url = reverse("core:staff-update", args=[dewi().pk])
    head, admin = logged_in(team.head), logged_in(team.admin)
    a_form, b_form = page_form(admin.get(url)), page_form(head.get(url))
    admin.post(url, posted(a_form, grade="III/b"))
    stale = head.post(url, posted(b_form, grade="III/b", notes="B's note"))
    assert stale.status_code == 200 and "grade" not in page_form(stale).errors
    assert head.post(url, posted(page_form(stale))).status_code == 302
    assert (dewi().grade, dewi().notes) == ("III/b", "B's note")


def test_generic_record_pages_merge_many_to_many_and_checkbox_fields():
    forum = ForumFactory.create(member_countries=list(Country.objects.filter(pk__in=["JP", "KR"])))
    url = reverse("partners:forum-update", args=[forum.pk])
    a, b = logged_in(AdminFactory.create()), logged_in(UserFactory.create())  # staff of a bureau division
    a_form, b_form = page_form(a.get(url)), page_form(b.get(url))
    countries = sorted(forum.member_countries.values_list("pk", flat=True))
    extra = Country.objects.exclude(pk__in=countries).order_by("pk").first()
    assert extra is not None
    response = a.post(
        url,
        posted(a_form, member_countries=[str(pk) for pk in [*countries, extra.pk]], is_illustrative="on"),
    )
    assert response.status_code == 302
    stale = b.post(url, posted(b_form, notes="Catatan B"))
    assert stale.status_code == 200 and 'data-testid="stale-edit"' in stale.content.decode()
    assert b.post(url, posted(page_form(stale))).status_code == 302
    forum.refresh_from_db()
    assert forum.notes == "Catatan B" and forum.is_illustrative
    assert sorted(forum.member_countries.values_list("pk", flat=True)) == sorted([*countries, extra.pk])


ODD_VERSIONS = ["-9223372036854775807", "-1", str(2**31), "9" * 30, "abc"]


@pytest.mark.parametrize("version", ODD_VERSIONS)
def test_an_odd_version_in_an_edit_form_is_a_form_error_not_a_server_error(team, dewi, version):
    url = reverse("core:staff-update", args=[dewi().pk])
    head = logged_in(team.head)
    form = page_form(head.get(url))
    response = head.post(url, posted(form, grade="III/c", expected_version=version))
    assert response.status_code == 200
    assert "out of date or damaged" in response.content.decode() or "rusak" in response.content.decode()
    assert dewi().grade == "III/a"
    delete = head.post(
        reverse("core:staff-delete", args=[dewi().pk]), {"expected_version": version, "reason": "pindah"}
    )
    assert delete.status_code == 200 and StaffMember.objects.filter(pk=dewi().pk).exists()


def test_update_record_is_atomic_by_itself(team, dewi, monkeypatch):
    """Called without a transaction of the caller's, a failure after the row was written leaves nothing."""
    member = dewi()

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        services.update_record(
            actor=team.admin, instance=member, data={"grade": "III/c"}, expected_version=member.version
        )
    assert (dewi().grade, dewi().version) == ("III/a", 1)


def test_values_at_version_undoes_the_audited_changes(team, dewi):
    member = dewi()
    admin = team.admin
    services.staff_member_update(actor=admin, member=member, data={"grade": "III/b"}, expected_version=1)
    services.staff_member_update(actor=admin, member=member, data={"education": "s2"}, expected_version=2)
    current = dewi()
    at_1 = services.values_at_version(current, 1)
    assert at_1 is not None and (at_1["grade"], at_1["education"]) == ("III/a", "s1")
    assert services.values_at_version(current, 3) == services.field_values(current)
    assert services.values_at_version(current, 4) is None and services.values_at_version(current, 0) is None
