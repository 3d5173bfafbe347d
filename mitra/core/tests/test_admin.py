"""The Django admin cannot bypass the services (issue 13): domain records are read-only there or saved through their
services, nothing is deleted there, and no bulk action is offered."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory

from mitra.core.admin import ReadOnlyAdmin, ReferenceAdmin, ServiceAdmin
from mitra.core.models import AuditEntry, OrganisationUnit, TrackedModel
from mitra.core.tests.factories import AdminFactory, UnitFactory, logged_in
from mitra.documents.models import Document
from mitra.partners.models import Contact
from mitra.partners.tests.factories import ContactFactory
from mitra.performance.models import AchievementBand, Indicator, PerformanceYear
from mitra.travel.models import StepKind

# Tracked records an administrator may still edit here (audited by AuditedAdmin), and why.
REFERENCE_TABLES = {
    StepKind: "travel document step kinds; no page edits them",
    Document: "title and category corrections only (no add, no delete), audited; documents app's own admin",
}


def _form_data(response: Any, **changes: Any) -> dict[str, Any]:
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    data.update(changes)
    return data


def test_no_admin_deletes_or_offers_bulk_actions(db):
    request = RequestFactory().get("/admin/")
    request.user = AdminFactory.create()
    assert not admin.site.is_registered(Group)  # roles grant permissions; groups are unused
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("mitra."):
            continue  # django-axes' lockout records: deleting one unlocks a login, as axes intends
        assert not model_admin.has_delete_permission(request), model
        assert not model_admin.get_actions(request), model
        if issubclass(model, TrackedModel) and model not in REFERENCE_TABLES:
            assert isinstance(model_admin, ReadOnlyAdmin | ServiceAdmin), model
        if isinstance(model_admin, ReferenceAdmin):
            assert not issubclass(model, TrackedModel) or model in REFERENCE_TABLES, model


def test_contact_bulk_delete_is_not_offered_and_deletes_nothing(db):
    client = logged_in(AdminFactory.create())
    contact = ContactFactory.create()
    changelist = "/admin/partners/contact/"
    page = client.get(changelist)
    assert page.status_code == 200 and "delete_selected" not in page.content.decode()
    client.post(changelist, {"action": "delete_selected", "_selected_action": [contact.pk], "index": 0, "post": "yes"})
    assert client.get(f"/admin/partners/contact/{contact.pk}/delete/").status_code == 403
    assert client.post(f"/admin/partners/contact/{contact.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/partners/contact/{contact.pk}/change/", {"name": "X"}).status_code == 403
    fresh = Contact.all_objects.get(pk=contact.pk)
    assert fresh.deleted_at is None and fresh.name == contact.name and fresh.version == contact.version


# Admin URL part and field to change, per kind of record saved through a service.
EDITABLE = {
    "unit": ("core/organisationunit", "name_en"),
    "indicator": ("performance/indicator", "name"),
    "year": ("performance/performanceyear", "notes"),
    "band": ("performance/achievementband", "label"),
}


@pytest.mark.parametrize("kind", list(EDITABLE))
def test_editable_admins_save_through_the_services(demo, kind):
    admin_user = AdminFactory.create()
    client = logged_in(admin_user)
    record: Any = {
        "unit": lambda: UnitFactory.create(),
        "indicator": lambda: Indicator.objects.order_by("pk").first(),
        "year": lambda: PerformanceYear.objects.order_by("year").first(),
        "band": lambda: AchievementBand.objects.order_by("pk").first(),
    }[kind]()
    path, field = EDITABLE[kind]
    url = f"/admin/{path}/{record.pk}/change/"
    last = AuditEntry.objects.order_by("-id").first()
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, _form_data(page, **{field: "Changed in the admin"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    fresh = type(record).objects.get(pk=record.pk)
    assert getattr(fresh, field) == "Changed in the admin"
    assert fresh.version == record.version + 1
    assert fresh.updated_by == admin_user  # set by the services only
    entry = AuditEntry.objects.get(
        id__gt=last.id if last else 0, record_type=path.replace("/", "."), record_id=str(record.pk)
    )
    assert entry.changes[field][1] == "Changed in the admin"
    assert entry.actor_username == admin_user.username


def test_unit_added_in_the_admin_gets_its_path_from_the_service(db):
    parent = UnitFactory.create()
    response = logged_in(AdminFactory.create()).post(
        "/admin/core/organisationunit/add/",
        {"parent": parent.pk, "kind": "subdivision", "code": "uji-admin", "name": "Unit Uji", "order": 0},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = OrganisationUnit.objects.get(code="uji-admin")
    assert unit.path == f"{parent.path}/uji-admin" and unit.version == 1
    assert AuditEntry.objects.filter(record_type="core.organisationunit", record_id=str(unit.pk)).exists()
