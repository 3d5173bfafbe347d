"""Users and units managed by administrators through the pages (issue 16), on factories."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mitra.core.models import AuditEntry, OrganisationUnit, Role, UnitKind, User

from .factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def institution() -> OrganisationUnit:
    return UnitFactory.create(kind=UnitKind.INSTITUTION, parent=None, code="badan-uji", name="Badan Uji")


@pytest.fixture
def administrator(institution: OrganisationUnit) -> User:
    return UserFactory.create(role=Role.ADMINISTRATOR, unit=institution)


def can_sign_in(username: str, password: str) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_adds_a_user_who_sets_their_own_password(administrator, institution):
    deputy = UnitFactory.create(kind=UnitKind.DEPUTY, parent=institution, code="deputi-uji")
    directorate = UnitFactory.create(kind=UnitKind.DIRECTORATE, parent=deputy, code="dit-uji")
    client = signed_in(administrator)
    page = client.post(
        reverse("core:user-create"),
        {
            "username": "pemohon.baru",
            "first_name": "Sari",
            "last_name": "Wulan",
            "email": "",
            "unit": directorate.pk,
            "role": Role.STAFF,
            "language": "id",
        },
    )
    assert page.status_code == 200, page.content.decode()[:2000]
    user = User.objects.get(username="pemohon.baru")
    assert (user.unit, user.role, user.is_staff) == (directorate, Role.STAFF, False)
    assert not user.has_usable_password()
    entries = AuditEntry.objects.filter(record_type="core.user", record_id=str(user.pk)).order_by("pk")
    assert [e.action for e in entries] == ["create", "update"]  # created, then the password link made
    assert entries[0].actor_username == administrator.username
    link = page.context["link"]
    assert link.startswith("http://testserver/akun/sandi/atur/")
    # The new user opens the link and sets a password; then they can sign in with it.
    newcomer = Client()
    form_page = newcomer.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = newcomer.post(
        set_url, {"new_password1": "Kerjasama-Internasional-2026", "new_password2": "Kerjasama-Internasional-2026"}
    )
    assert done.status_code == 302
    assert can_sign_in("pemohon.baru", "Kerjasama-Internasional-2026")
    # The link works once.
    assert (
        "validlink" in newcomer.get(link, follow=True).context
        and not newcomer.get(link, follow=True).context["validlink"]
    )


def test_a_bad_user_form_says_what_is_wrong_and_saves_nothing(administrator, institution):
    client = signed_in(administrator)
    before = User.objects.count()
    page = client.post(
        reverse("core:user-create"),
        {"username": administrator.username, "unit": "999999", "role": "nonsense", "language": "id"},
    )
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert {"username", "unit", "role"} <= set(errors)
    assert User.objects.count() == before
    # An evaluator from outside Badan POM has no unit.
    page = client.post(
        reverse("core:user-create"),
        {"username": "evaluator.luar", "unit": "", "role": Role.READER, "language": "id"},
    )
    assert page.status_code == 200 and User.objects.get(username="evaluator.luar").unit is None


def test_editing_a_user_is_audited_and_an_administrator_cannot_lock_themselves_out(administrator, institution):
    staff = UserFactory.create(role=Role.STAFF, unit=institution)
    client = signed_in(administrator)
    url = reverse("core:user-update", args=[staff.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(role=Role.HEAD_OF_UNIT, is_active="")
    data.pop("is_active")
    assert client.post(url, data).status_code == 302
    staff.refresh_from_db()
    assert staff.role == Role.HEAD_OF_UNIT and not staff.is_active
    entry = AuditEntry.objects.filter(record_type="core.user", record_id=str(staff.pk)).latest("pk")
    assert entry.changes["role"] == [Role.STAFF, Role.HEAD_OF_UNIT] and entry.changes["is_active"] == [True, False]

    own = reverse("core:user-update", args=[administrator.pk])
    form = client.get(own).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.pop("is_active")
    page = client.post(own, data)
    assert page.status_code == 200 and "is_active" in page.context["form"].errors
    data.update(is_active="on", role=Role.STAFF)
    page = client.post(own, data)
    assert page.status_code == 200 and "role" in page.context["form"].errors
    administrator.refresh_from_db()
    assert administrator.is_active and administrator.role == Role.ADMINISTRATOR


def test_resetting_a_password_stops_the_old_one(administrator, institution):
    staff = UserFactory.create(role=Role.STAFF, unit=institution, password="an-old-password-long-enough")
    assert can_sign_in(staff.username, "an-old-password-long-enough")
    page = signed_in(administrator).post(reverse("core:user-reset-password", args=[staff.pk]))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert not can_sign_in(staff.username, "an-old-password-long-enough")
    entry = AuditEntry.objects.filter(record_type="core.user", record_id=str(staff.pk)).latest("pk")
    assert entry.actor_username == administrator.username and "password" in entry.changes


def test_only_administrators_manage_users_and_units(institution):
    unit = UnitFactory.create(kind=UnitKind.DEPUTY, parent=institution)
    head = UserFactory.create(role=Role.LEADERSHIP, unit=institution)
    client = signed_in(head)
    for url in (
        reverse("core:user-list"),
        reverse("core:user-create"),
        reverse("core:user-update", args=[head.pk]),
        reverse("core:unit-create"),
        reverse("core:unit-update", args=[unit.code]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("core:user-reset-password", args=[head.pk])).status_code == 403
    assert head.has_usable_password()


def test_units_take_the_kinds_of_bpom_structure_with_their_places(administrator, institution):
    client = signed_in(administrator)
    create = reverse("core:unit-create")

    def add(kind: str, parent: OrganisationUnit, code: str):
        return client.post(create, {"parent": parent.pk, "kind": kind, "code": code, "name": code, "order": 0})

    assert add(UnitKind.DEPUTY, institution, "deputi-1").status_code == 302
    deputy = OrganisationUnit.objects.get(code="deputi-1")
    assert add(UnitKind.DIRECTORATE, deputy, "dit-1").status_code == 302
    assert add(UnitKind.REGIONAL_MAJOR, institution, "bbpom-1").status_code == 302
    assert add(UnitKind.REGIONAL_POST, OrganisationUnit.objects.get(code="bbpom-1"), "loka-1").status_code == 302
    refused = add(UnitKind.REGIONAL, deputy, "bpom-salah")
    assert refused.status_code == 200 and "parent" in refused.context["form"].errors
    assert not OrganisationUnit.objects.filter(code="bpom-salah").exists()
    assert OrganisationUnit.objects.get(code="loka-1").path == "badan-uji/bbpom-1/loka-1"

    edit = reverse("core:unit-update", args=["dit-1"])
    form = client.get(edit).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["name_en"] = "Test Directorate"
    assert client.post(edit, data).status_code == 302
    entry = AuditEntry.objects.filter(record_type="core.organisationunit").latest("pk")
    assert entry.changes == {"name_en": ["", "Test Directorate"]}


def test_the_user_list_filters_by_unit_subtree_role_and_status(administrator, institution, django_assert_num_queries):
    deputy = UnitFactory.create(kind=UnitKind.DEPUTY, parent=institution, code="deputi-x")
    inside = UserFactory.create(
        unit=UnitFactory.create(kind=UnitKind.DIRECTORATE, parent=deputy), role=Role.HEAD_OF_UNIT
    )
    outside = UserFactory.create(unit=institution, role=Role.HEAD_OF_UNIT)
    client = signed_in(administrator)
    client.get(reverse("core:user-list"))  # the session's first page counts the menu's badges
    with django_assert_num_queries(10):
        page = client.get(reverse("core:user-list"), {"unit": "deputi-x"})
    listed = list(page.context["object_list"])
    assert inside in listed and outside not in listed
    listed = list(client.get(reverse("core:user-list"), {"role": Role.HEAD_OF_UNIT}).context["object_list"])
    assert inside in listed and outside in listed and administrator not in listed
    assert administrator in client.get(reverse("core:user-list"), {"q": administrator.username}).context["object_list"]
