"""Cascading an indicator through the interface (issue 18): who may create and edit a unit indicator, the page's
field errors, the audit, and the stale-edit protection of the indicator and of its target — built on factories."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from mitra.core.models import AuditAction, AuditEntry, User
from mitra.core.tests.factories import (
    AdminFactory,
    HeadFactory,
    LeadershipFactory,
    ReaderFactory,
    SubdivisionFactory,
    UnitFactory,
    UserFactory,
    bureau,
    logged_in,
)
from mitra.performance import services
from mitra.performance.models import UnitIndicator, UnitIndicatorTarget

from .factories import (
    IndicatorFactory,
    IndicatorTargetFactory,
    UnitIndicatorFactory,
    UnitIndicatorTargetFactory,
    action_plan_year,
)

PERM = "performance.cascade_indicator"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def cascade(db) -> dict[str, Any]:
    """A bureau indicator cascaded to a division, the division's sub-division, and the heads of both units and of
    the bureau."""
    indicator = IndicatorFactory.create()
    year = indicator.plan.start_year
    IndicatorTargetFactory.create(indicator=indicator, year=year, target=Decimal(20))
    division_ui = UnitIndicatorFactory.create(indicator=indicator)
    UnitIndicatorTargetFactory.create(unit_indicator=division_ui, year=year, target=Decimal(8))
    sub = SubdivisionFactory.create(parent=division_ui.unit)
    return {
        "indicator": indicator,
        "year": year,
        "division_ui": division_ui,
        "division": division_ui.unit,
        "sub": sub,
        "bureau_head": HeadFactory.create(unit=bureau()),
        "division_head": HeadFactory.create(unit=division_ui.unit),
        "sub_head": HeadFactory.create(unit=sub),
    }


def _data(unit: Any = None, **extra: Any) -> dict[str, Any]:
    data = {
        "code": "dok-uji",
        "name": "Jumlah dokumen posisi subbagian",
        "unit_of_measure": "dokumen",
        "order": "1",
        "definition": "Dokumen posisi yang disampaikan pada sidang.",
        "formula": "Jumlah dokumen",
        "data_source": "Arsip subbagian",
        "frequency": "Triwulanan",
        "notes": "",
        "year_target": "4",
        "target_label": "",
    }
    if unit is not None:
        data["unit"] = str(unit.pk)
    return data | extra


def test_who_may_cascade_an_indicator(cascade):
    division_ui, indicator = cascade["division_ui"], cascade["indicator"]
    from_bureau = UnitIndicator(indicator=indicator)
    from_division = UnitIndicator(indicator=indicator, parent=division_ui)
    allowed: dict[str, tuple[User, bool, bool]] = {
        # who: (from the bureau indicator, from the division's indicator)
        "the planner": (AdminFactory.create(), True, True),
        "leadership": (LeadershipFactory.create(), True, True),
        "the head of bureau": (cascade["bureau_head"], True, True),
        "the division's head": (cascade["division_head"], False, True),
        "the sub-division's head": (cascade["sub_head"], False, False),
        "staff of the division": (UserFactory.create(unit=cascade["division"]), False, False),
        "another division's head": (HeadFactory.create(unit=UnitFactory.create()), False, False),
        "a reader": (ReaderFactory.create(), False, False),
    }
    for who, (user, bureau_level, division_level) in allowed.items():
        assert user.has_perm(PERM, from_bureau) is bureau_level, who
        assert user.has_perm(PERM, from_division) is division_level, who
        # Editing an indicator follows where it comes from: a unit does not set its own indicators.
        assert user.has_perm(PERM, division_ui) is bureau_level, who
    with pytest.raises(PermissionDenied):
        services.unit_indicator_create(
            actor=cascade["division_head"],
            data={"indicator": indicator, "unit": cascade["sub"], "code": "x", "name": "X", "unit_of_measure": "x"},
        )


def test_the_division_head_cascades_to_a_sub_division_through_the_page(cascade):
    year, division_ui, sub = cascade["year"], cascade["division_ui"], cascade["sub"]
    client = logged_in(cascade["division_head"])
    tree_url = reverse("performance:cascade", args=[year])
    page = client.get(tree_url).content.decode()
    assert f'data-testid="cascade-further-{division_ui.pk}"' in page
    assert f'data-testid="edit-unit-indicator-{division_ui.pk}"' not in page  # its own: set from above
    assert f'data-testid="cascade-from-{cascade["indicator"].code}"' not in page  # the bureau's
    url = reverse("performance:unit-indicator-cascade", args=[year, division_ui.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert set(form.context["form"].fields["unit"].queryset) == {sub}  # only beneath the division

    elsewhere = UnitFactory.create()
    bad = client.post(url, _data(elsewhere, year_target="-1", name=""))
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"unit", "year_target", "name"}
    response = client.post(url, _data(sub))
    created = UnitIndicator.objects.get(unit=sub, code="dok-uji")
    assert response.status_code == 302 and response["Location"].endswith(f"#unit-indicator-{created.pk}")
    assert created.parent == division_ui and created.indicator == cascade["indicator"]
    assert created.definition == "Dokumen posisi yang disampaikan pada sidang." and created.created_by == client_user(
        cascade
    )
    assert created.targets.get(year=year).target == 4
    assert AuditEntry.objects.filter(
        record_type="performance.unitindicator", record_id=str(created.pk), action=AuditAction.CREATE
    ).exists()
    assert AuditEntry.objects.filter(record_type="performance.unitindicatortarget", action=AuditAction.CREATE).exists()
    tree_page = client.get(tree_url).content.decode()
    assert f'data-testid="unit-indicator-{sub.code}-dok-uji"' in tree_page
    assert f'data-testid="edit-unit-indicator-{created.pk}"' in tree_page

    again = client.post(url, _data(sub))
    assert again.status_code == 200 and "code" in again.context["form"].errors
    # The sub-division's head sets neither its own indicator nor its division's.
    sub_client = logged_in(cascade["sub_head"])
    assert sub_client.get(url).status_code == 403
    assert sub_client.get(reverse("performance:unit-indicator-update", args=[year, created.pk])).status_code == 403
    outside_year = reverse("performance:unit-indicator-cascade", args=[year + 10, division_ui.pk])
    assert client.get(outside_year).status_code == 404


def client_user(cascade: dict[str, Any]) -> User:
    return cascade["division_head"]


def test_the_bureau_cascades_a_bureau_indicator_not_yet_cascaded(cascade):
    year = cascade["year"]
    first = cascade["indicator"]
    fresh = IndicatorFactory.create(plan=first.plan, strategic_target=first.strategic_target)
    client = logged_in(cascade["bureau_head"])
    page = client.get(reverse("performance:cascade", args=[year])).content.decode()
    assert 'data-testid="uncascaded"' in page and f'data-testid="cascade-from-{fresh.code}"' in page
    url = reverse("performance:unit-indicator-create", args=[year, fresh.pk])
    assert client.post(url, _data(cascade["division"])).status_code == 302
    assert UnitIndicator.objects.get(indicator=fresh).parent is None
    assert logged_in(cascade["division_head"]).get(url).status_code == 403


def _form(client: Any, url: str) -> dict[str, Any]:
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_editing_a_unit_indicator_keeps_someone_elses_change(cascade):
    year, ui = cascade["year"], cascade["division_ui"]
    url = reverse("performance:unit-indicator-update", args=[year, ui.pk])
    mine, theirs = logged_in(cascade["bureau_head"]), logged_in(LeadershipFactory.create())
    loaded = _form(mine, url)
    assert loaded["year_target"] == Decimal(8) or str(loaded["year_target"]) in ("8", "8.00", "8,00")
    other = _form(theirs, url)
    assert theirs.post(url, {**other, "notes": "Catatan pimpinan", "year_target": "9"}).status_code == 302

    # My change of the name is refused once (nothing saved), the form shows their notes; saving again keeps both.
    stale = mine.post(url, {**loaded, "name": "Nama baru"})
    assert stale.status_code == 200 and stale.context["stale"]
    ui.refresh_from_db()
    assert ui.name != "Nama baru" and ui.notes == "Catatan pimpinan"
    shown = stale.context["form"]
    rebased = {name: "" if shown[name].value() is None else shown[name].value() for name in shown.fields}
    assert rebased["notes"] == "Catatan pimpinan"
    assert mine.post(url, rebased).status_code == 302
    ui.refresh_from_db()
    assert (ui.name, ui.notes) == ("Nama baru", "Catatan pimpinan")
    # I did not touch the target: their 9 stays.
    assert UnitIndicatorTarget.objects.get(unit_indicator=ui, year=year).target == 9


def test_a_target_changed_meanwhile_is_not_overwritten(cascade):
    year, ui = cascade["year"], cascade["division_ui"]
    url = reverse("performance:unit-indicator-update", args=[year, ui.pk])
    client = logged_in(cascade["bureau_head"])
    loaded = _form(client, url)
    services.unit_target_set(actor=None, unit_indicator=ui, year=year, target=Decimal(11), system=True)
    refused = client.post(url, {**loaded, "year_target": "12"})
    assert refused.status_code == 200 and "year_target" in refused.context["form"].errors
    assert UnitIndicatorTarget.objects.get(unit_indicator=ui, year=year).target == 11
    # The form now carries the target's current version: saving again is a deliberate overwrite.
    data = {**loaded, "year_target": "12", "target_version": refused.context["form"].data["target_version"]}
    assert client.post(url, data).status_code == 302
    assert UnitIndicatorTarget.objects.get(unit_indicator=ui, year=year).target == 12


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_unit_pk_takes_its_signed_scan(cascade):
    agreement = services.unit_agreement_create(
        actor=None,
        unit=cascade["division"],
        year=cascade["year"],
        data={
            "first_party_name": "A",
            "first_party_position": "B",
            "second_party_name": "C",
            "second_party_position": "D",
        },
        system=True,
    )
    url = reverse("performance:agreement", args=[agreement.pk])
    head = logged_in(cascade["division_head"])
    page = head.get(url).content.decode()
    assert 'data-testid="attachments"' in page and 'data-testid="upload-form"' in page

    def upload(content: bytes, title: str) -> Any:
        return head.post(
            reverse("documents:upload"),
            {
                "record_type": "performance.unitagreement",
                "record_id": agreement.pk,
                "next": url,
                "category": "signed_copy",
                "title": title,
                "file": SimpleUploadedFile("pk-ditandatangani.pdf", content, "application/pdf"),
            },
        )

    refused = upload(b"bukan PDF", "Pindaian PK")
    anchor = f"upload-performance-unitagreement-{agreement.pk}"
    assert refused.status_code == 302 and refused["Location"] == f"{url}#{anchor}"
    page = head.get(refused["Location"]).content.decode()
    form = page[page.index(f'id="{anchor}"') :]
    form = form[: form.index("</form>")]
    assert "is-invalid" in form and 'value="Pindaian PK"' in form  # the error at the field, the title kept
    assert upload(PDF, "Pindaian PK").status_code == 302
    reader_page = logged_in(ReaderFactory.create(unit=bureau())).get(url).content.decode()
    assert 'data-testid="document-row"' in reader_page and "pk-ditandatangani.pdf" in reader_page
    assert 'data-testid="upload-form"' not in reader_page
    # Staff of the unit read the PK but attach nothing to it.
    staff = logged_in(UserFactory.create(unit=cascade["division"]))
    assert 'data-testid="upload-form"' not in staff.get(url).content.decode()


def test_a_unit_plan_saved_meanwhile_is_not_overwritten(cascade):
    year, ui = cascade["year"], cascade["division_ui"]
    action_plan_year(ui, [2, 2, 2, 2])
    url = reverse("performance:unit-plan", args=[year, ui.pk])
    client = logged_in(cascade["division_head"])
    loaded = _form(client, url)
    assert loaded["version_1"] and loaded["target_version"]
    services.action_plan_set(
        actor=None, unit_indicator=ui, year=year, quarter=2, target=Decimal(3), actions="Aksi lain", system=True
    )
    mine = {**loaded, "target_1": "1", "year_target": "9"}
    refused = client.post(url, mine)
    assert refused.status_code == 200 and refused.context["stale"] and refused.context["form"].non_field_errors()
    assert ui.action_plans.get(year=year, quarter=1).target == 2  # nothing saved
    assert UnitIndicatorTarget.objects.get(unit_indicator=ui, year=year).target == 8
    # Saving again from the refreshed form is deliberate and goes through.
    again = {**mine, **{k: refused.context["form"].data[k] for k in ("version_1", "version_2", "target_version")}}
    assert client.post(url, again).status_code == 302
    assert ui.action_plans.get(year=year, quarter=1).target == 1


def test_the_demo_loader_adds_no_unrealised_action_plan_to_a_locked_quarter(perf):
    from mitra.demo.performance import load_performance
    from mitra.performance.models import ActionPlan, QuarterReport, ReportStatus

    locked = QuarterReport.objects.get(year=2017, quarter=1, unit__code="ksln-oi")
    assert locked.status == ReportStatus.APPROVED
    # A database whose plans of a locked quarter are missing (loaded before the cascade existed, say).
    ActionPlan.objects.filter(year=2017, quarter=1, unit_indicator__unit__code="ksln-oi").delete()
    assert load_performance().get("action_plans") == 0
    assert not ActionPlan.objects.filter(year=2017, quarter=1, unit_indicator__unit__code="ksln-oi").exists()
    assert not ActionPlan.objects.filter(year=2017, realised__isnull=True).exists()
