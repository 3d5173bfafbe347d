"""Cascading to every unit (issue 18, items 3 and 4): the performance tree, unit PKs with revisions and their
DOCX/PDF, action plans realised in the quarter, and the units behind their plan named — built on factories."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from mitra.core.models import AuditAction, AuditEntry, OrganisationUnit, UnitKind, User
from mitra.core.tests.factories import (
    HeadFactory,
    LeadershipFactory,
    ReaderFactory,
    StaffFactory,
    SubdivisionFactory,
    UnitFactory,
    UserFactory,
    bureau,
    logged_in,
)
from mitra.performance import agreement_files, metrics, selectors, services
from mitra.performance.models import AgreementStatus, Indicator, ReportStatus, UnitAgreement, UnitIndicator

from .factories import (
    IndicatorFactory,
    IndicatorTargetFactory,
    QuarterReportFactory,
    UnitIndicatorFactory,
    UnitIndicatorTargetFactory,
    action_plan_year,
)

PARTIES = {
    "first_party_name": "Hendra Wijaya",
    "first_party_position": "Kepala Bagian Uji",
    "second_party_name": "Achmad Gozali H.M.",
    "second_party_position": "Kepala Biro Kerjasama Luar Negeri",
}


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English (the services' msgids); the pages stay in their default language."""
    with translation.override("en"):
        yield


def _realise(unit_indicator: UnitIndicator, amounts: list[int], actor: User | None = None) -> None:
    for plan, amount in zip(unit_indicator.action_plans.order_by("quarter"), amounts, strict=False):
        services.action_plan_realise(
            actor=actor, action_plan=plan, realised=Decimal(amount), realisation_note="", system=actor is None
        )


@pytest.fixture
def tree(db):
    """A bureau indicator cascaded to two divisions and one sub-division, each with targets and action plans."""
    indicator = IndicatorFactory.create()
    year = indicator.plan.start_year
    IndicatorTargetFactory.create(indicator=indicator, year=year, target=Decimal(20))
    on_plan = UnitIndicatorFactory.create(indicator=indicator)
    behind = UnitIndicatorFactory.create(indicator=indicator)
    sub_unit = SubdivisionFactory.create(parent=behind.unit)
    child = UnitIndicatorFactory.create(parent=behind, unit=sub_unit)
    for ui, target in ((on_plan, 12), (behind, 8), (child, 4)):
        UnitIndicatorTargetFactory.create(unit_indicator=ui, year=year, target=Decimal(target))
    action_plan_year(on_plan, [3, 3, 3, 3])
    action_plan_year(behind, [2, 2, 2, 2])
    action_plan_year(child, [1, 1, 1, 1])
    _realise(on_plan, [3, 4])  # ahead
    _realise(behind, [2, 0])  # 2 of 4 by quarter II
    _realise(child, [1, 1])
    return {"indicator": indicator, "year": year, "on_plan": on_plan, "behind": behind, "child": child}


def test_the_tree_nests_unit_indicators_and_names_the_unit_behind_its_plan(tree):
    cascade = selectors.cascade(tree["year"], 2)
    assert [b.indicator for b in cascade.branches] == [tree["indicator"]]
    rows = cascade.branches[0].rows
    # The sub-division's indicator sits right beneath its division's, one level deeper.
    by_ui = {row.unit_indicator: row for row in rows}
    assert by_ui[tree["child"]].depth == 1 and by_ui[tree["behind"]].depth == 0
    assert rows.index(by_ui[tree["child"]]) == rows.index(by_ui[tree["behind"]]) + 1
    assert cascade.behind_units == [tree["behind"].unit]
    assert by_ui[tree["behind"]].planned_cum == 4 and by_ui[tree["behind"]].realised_cum == 2
    # In quarter I every unit was on plan.
    assert selectors.cascade(tree["year"], 1).behind_units == []
    # At quarter IV (the pages' default) quarters III and IV are not reported yet: they are compared with nothing,
    # so the unit ahead of its plan is not called behind, and the unit behind is behind on what it reported.
    year_end = selectors.cascade(tree["year"], 4)
    assert year_end.behind_units == [tree["behind"].unit]
    on_plan = next(row for row in year_end.rows if row.unit_indicator == tree["on_plan"])
    assert not on_plan.behind and on_plan.unreported and on_plan.planned_cum == 6 and on_plan.realised_cum == 7


def test_the_monitoring_and_tree_pages_name_the_unit_behind_plan(tree):
    client = logged_in(ReaderFactory.create(unit=bureau()))
    behind, on_plan = tree["behind"].unit.code, tree["on_plan"].unit.code
    for name in ("monitoring", "cascade"):
        page = client.get(reverse(f"performance:{name}", args=[tree["year"]]) + "?triwulan=2").content.decode()
        assert f'data-testid="cascade-behind-{behind}"' in page, name
        assert f'data-testid="cascade-behind-{on_plan}"' not in page, name


def test_an_indicator_cascades_only_beneath_the_unit_it_comes_from(tree):
    other_division = UnitFactory.create()
    with pytest.raises(ValidationError) as error:
        UnitIndicatorFactory.create(parent=tree["behind"], unit=other_division)
    assert "parent" in error.value.message_dict
    outside = UnitFactory.create(parent=None, kind=UnitKind.INSTITUTION)
    with pytest.raises(ValidationError) as error:
        UnitIndicatorFactory.create(indicator=tree["indicator"], unit=outside)
    assert "unit" in error.value.message_dict


def test_behind_action_plan_follows_the_direction():
    assert metrics.behind_action_plan(Decimal(1), Decimal(2))
    assert not metrics.behind_action_plan(Decimal(2), Decimal(2))
    assert not metrics.behind_action_plan(Decimal(0), Decimal(0))
    assert metrics.behind_action_plan(Decimal(3), Decimal(2), metrics.LOWER)
    assert not metrics.behind_action_plan(Decimal(2), Decimal(2), metrics.LOWER)


def test_action_plans_are_realised_in_the_quarter_and_lock_with_it(tree):
    ui = tree["on_plan"]
    staff = UserFactory.create(unit=ui.unit)
    outsider = UserFactory.create(unit=tree["behind"].unit)
    plan = ui.action_plans.get(quarter=3)
    with pytest.raises(PermissionDenied):
        services.action_plan_realise(actor=outsider, action_plan=plan, realised=Decimal(1), realisation_note="")
    services.action_plan_realise(actor=staff, action_plan=plan, realised=Decimal(3), realisation_note="Rapat.")
    assert AuditEntry.objects.filter(record_type="performance.actionplan", record_id=str(plan.pk)).exists()
    report = QuarterReportFactory.create(year=tree["year"], quarter=4, unit=ui.unit)
    # The quarter is not submitted while an action plan of the unit has no realisation.
    with pytest.raises(ValidationError, match="action plan"):
        services.quarter_submit(actor=staff, report=report)
    last = ui.action_plans.get(quarter=4)
    services.action_plan_realise(actor=staff, action_plan=last, realised=Decimal(3), realisation_note="")
    services.quarter_submit(actor=staff, report=report)
    with pytest.raises(ValidationError, match="submitted"):
        services.action_plan_realise(actor=staff, action_plan=last, realised=Decimal(9), realisation_note="")
    last.refresh_from_db()
    assert last.realised == 3


def test_the_realisation_page_saves_and_refuses_a_locked_quarter(tree):
    ui = tree["on_plan"]
    staff = UserFactory.create(unit=ui.unit)
    plan = ui.action_plans.get(quarter=3)
    url = reverse("performance:action-plan-realise", args=[plan.pk])
    client = logged_in(staff)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"realised": "-1", "realisation_note": "", "expected_version": plan.version})
    assert bad.status_code == 200 and bad.context["form"].errors["realised"]
    response = client.post(url, {"realised": "2,5", "realisation_note": "Dua rapat", "expected_version": plan.version})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.realised == Decimal("2.5")
    assert logged_in(ReaderFactory.create(unit=bureau())).get(url).status_code == 403


def _agreement(tree, actor: User | None = None) -> UnitAgreement:
    unit = tree["behind"].unit
    return services.unit_agreement_create(
        actor=actor, unit=unit, year=tree["year"], data={**PARTIES, "budget": 150_000_000}, system=actor is None
    )


def test_who_draws_up_approves_and_amends_a_unit_pk(tree):
    unit = tree["behind"].unit
    head = HeadFactory.create(unit=unit)
    staff = UserFactory.create(unit=unit)
    other_head = HeadFactory.create(unit=tree["on_plan"].unit)
    for refused in (staff, other_head, LeadershipFactory.create()):
        with pytest.raises(PermissionDenied):
            _agreement(tree, refused)
    first = _agreement(tree, head)
    assert [(line.unit_indicator, line.target) for line in first.lines.all()] == [(tree["behind"], 8)]
    with pytest.raises(ValidationError, match="already has a PK"):
        _agreement(tree, head)
    with pytest.raises(PermissionDenied):
        services.unit_agreement_approve(actor=head, agreement=first)
    with pytest.raises(ValidationError) as error:
        services.unit_agreement_amend(actor=head, agreement=first, data={}, reason="  ")
    assert "amendment_reason" in error.value.message_dict

    # A target changes: the amendment states it; the first revision keeps what was signed.
    services.unit_target_set(actor=head, unit_indicator=tree["behind"], year=tree["year"], target=Decimal(9))
    second = services.unit_agreement_amend(
        actor=head, agreement=first, data={"budget": 160_000_000}, reason="Target disesuaikan."
    )
    assert (second.revision, second.supersedes, second.amendment_reason) == (2, first, "Target disesuaikan.")
    assert [line.target for line in second.lines.all()] == [9] and second.budget == 160_000_000
    first.refresh_from_db()
    assert [line.target for line in first.lines.all()] == [8] and first.budget == 150_000_000
    with pytest.raises(ValidationError, match="already been amended"):
        services.unit_agreement_amend(actor=head, agreement=first, data={}, reason="Lagi.")
    with pytest.raises(ValidationError, match="latest revision"):
        services.unit_agreement_approve(actor=LeadershipFactory.create(), agreement=first)
    leader = LeadershipFactory.create()
    approved = services.unit_agreement_approve(actor=leader, agreement=second)
    assert approved.status == AgreementStatus.APPROVED and approved.approved_by == leader
    assert AuditEntry.objects.filter(
        record_type="performance.unitagreement", record_id=str(second.pk), action=AuditAction.STATE_CHANGE
    ).exists()
    assert AuditEntry.objects.filter(
        record_type="performance.unitagreement", record_id=str(second.pk), reason="Target disesuaikan."
    ).exists()


def test_a_unit_without_cascaded_targets_gets_no_pk(db):
    unit = UnitFactory.create()
    with pytest.raises(ValidationError, match="cascade the indicators"):
        services.unit_agreement_create(actor=None, unit=unit, year=2040, data=PARTIES, system=True)
    assert not UnitAgreement.objects.filter(unit=unit).exists()


def test_the_pk_docx_and_pdf_name_the_parties_indicators_and_signatures(tree):
    agreement = _agreement(tree)
    agreement = selectors.unit_agreement(agreement.pk)
    indicator = tree["behind"]

    document = Document(io.BytesIO(agreement_files.render_docx(agreement)))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert f"PERJANJIAN KINERJA TAHUN {tree['year']}" in paragraphs
    assert agreement.unit.name.upper() in paragraphs
    assert {"Hendra Wijaya", "Kepala Bagian Uji", "Achmad Gozali H.M.", "Kepala Biro Kerjasama Luar Negeri"} <= set(
        cells
    )
    assert "selanjutnya disebut pihak pertama" in paragraphs
    assert "selaku atasan pihak pertama, selanjutnya disebut pihak kedua" in paragraphs
    # The appendix table: the bureau indicator, the unit's indicator and its target.
    lines = [t for t in document.tables if len(t.columns) == 4 and t.rows[0].cells[2].text == "Indikator Kinerja"]
    assert len(lines) == 1
    assert [c.text for c in lines[0].rows[1].cells] == ["1", tree["indicator"].name, indicator.name, "8 dokumen"]
    # Two signature blocks (statement and appendix): second party left, first party right, names under the space.
    signatures = [t for t in document.tables if t.rows[0].cells[0].text == "Pihak Kedua,"]
    assert len(signatures) == 2
    for table in signatures:
        assert table.rows[0].cells[1].text == "Pihak Pertama,"
        assert [c.text for c in table.rows[2].cells] == ["Achmad Gozali H.M.", "Hendra Wijaya"]
    assert any(p.startswith("Anggaran: Rp") and "150.000.000" in p for p in paragraphs)

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(agreement_files.render_pdf(agreement))).pages)
    text = " ".join(text.split())
    for expected in (
        f"PERJANJIAN KINERJA TAHUN {tree['year']}",
        "Hendra Wijaya",
        "Achmad Gozali H.M.",
        "selanjutnya disebut pihak pertama",
        indicator.name,
        "8 dokumen",
        "Rp 150.000.000",
    ):
        assert expected in text, expected
    assert text.count("Pihak Pertama,") == 2 and text.count("Pihak Kedua,") == 2


def test_the_pk_pages(tree):
    unit = tree["behind"].unit
    head = HeadFactory.create(unit=unit)
    StaffFactory.create(unit=unit, full_name="Kepala Uji", position="head_of_division")
    client = logged_in(head)
    create_url = reverse("performance:agreement-create", args=[tree["year"], unit.code])
    form = client.get(create_url)
    assert form.status_code == 200, form.content.decode()[-3000:]
    assert form.context["form"].initial["first_party_name"] == "Kepala Uji"
    data = {**PARTIES, "pledge": "Kami berjanji.", "budget": "Rp 1.000.000", "place": "Jakarta", "signed_on": ""}
    bad = client.post(create_url, {**data, "first_party_name": ""})
    assert bad.status_code == 200 and bad.context["form"].errors["first_party_name"]
    response = client.post(create_url, data)
    agreement = UnitAgreement.objects.get(unit=unit, year=tree["year"])
    assert response.status_code == 302 and response["Location"] == reverse("performance:agreement", args=[agreement.pk])
    assert agreement.budget == 1_000_000 and agreement.created_by == head

    amend_url = reverse("performance:agreement-amend", args=[agreement.pk])
    no_reason = client.post(amend_url, {**data, "amendment_reason": ""})
    assert no_reason.context["form"].errors["amendment_reason"]
    client.post(amend_url, {**data, "amendment_reason": "Pihak kedua berganti.", "second_party_name": "Baru"})
    latest = UnitAgreement.objects.get(unit=unit, year=tree["year"], revision=2)
    assert latest.second_party_name == "Baru"

    approve_url = reverse("performance:agreement-approve", args=[latest.pk])
    assert client.post(approve_url).status_code == 403
    logged_in(LeadershipFactory.create()).post(approve_url)
    latest.refresh_from_db()
    assert latest.status == AgreementStatus.APPROVED

    reader = logged_in(ReaderFactory.create(unit=bureau()))
    page = reader.get(reverse("performance:agreement", args=[agreement.pk])).content.decode()
    assert 'data-testid="agreement-superseded"' in page and 'data-testid="agreement-amend"' not in page
    docx = reader.get(reverse("performance:agreement-file", args=[latest.pk, "docx"]))
    assert docx.status_code == 200 and docx["Content-Disposition"].endswith('-rev2.docx"')
    assert reader.get(reverse("performance:agreement-file", args=[latest.pk, "odt"])).status_code == 404
    assert reader.get(create_url).status_code == 403


def test_the_demo_cascade_is_loaded_once(perf):
    from mitra.demo.performance import load_performance

    assert UnitIndicator.objects.filter(indicator__code="iku", parent__isnull=True).count() == 3
    by_unit = {
        ui.unit.code: ui.targets.get(year=2017).target
        for ui in UnitIndicator.objects.filter(indicator__code="iku", parent__isnull=True)
    }
    bureau_target = Indicator.objects.get(code="iku").targets.get(year=2017).target
    assert sum(by_unit.values()) == bureau_target
    assert UnitAgreement.objects.filter(year=2017, status=AgreementStatus.APPROVED).count() == 3
    assert UnitAgreement.objects.filter(year=2017, unit__code="ksln-reg", revision=2).exists()
    assert selectors.cascade(2017, 2).behind_units == [OrganisationUnit.objects.get(code="ksln-oi")]
    assert load_performance().get("action_plans") == 0 and load_performance().get("unit_agreements") == 0
    assert all(r.status == ReportStatus.APPROVED for r in selectors.quarter_reports(2017).filter(unit__code="ksln-oi"))


def test_the_unit_plan_page_sets_the_target_and_the_quarters(tree):
    ui = tree["on_plan"]
    head = HeadFactory.create(unit=ui.unit)
    url = reverse("performance:unit-plan", args=[tree["year"], ui.pk])
    client = logged_in(head)
    tree_page = client.get(reverse("performance:cascade", args=[tree["year"]])).content.decode()
    assert f'data-testid="edit-unit-plan-{ui.pk}"' in tree_page
    assert f'data-testid="edit-unit-plan-{tree["behind"].pk}"' not in tree_page  # another division's
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        form = client.get(url)
    assert form.status_code == 200 and form.context["form"].initial["target_1"] == 3
    assert len(queries.captured_queries) == UNIT_PLAN_QUERIES, len(queries.captured_queries)
    data = {"year_target": "14", **{f"target_{q}": "3" for q in (1, 2, 3)}, "target_4": "5"}
    data |= {f"actions_{q}": f"Aksi {q}" for q in (1, 2, 3, 4)}
    bad = client.post(url, {**data, "target_2": "-1", "actions_3": ""})
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"target_2", "actions_3"}
    assert client.post(url, data).status_code == 302
    assert ui.targets.get(year=tree["year"]).target == 14
    assert [(p.target, p.actions) for p in ui.action_plans.order_by("quarter")][3] == (5, "Aksi 4")
    assert ui.action_plans.get(quarter=1).realised == 3  # the realisation entered in the quarter stays
    assert logged_in(UserFactory.create(unit=ui.unit)).post(url, data).status_code == 403
    assert logged_in(HeadFactory.create(unit=tree["behind"].unit)).get(url).status_code == 403


# Queries of the unit plan page for the unit's head (session, user, the unit indicator and the permission, its
# target and action plans, the years, the menu's permissions and badges); pinned.
UNIT_PLAN_QUERIES = 13
