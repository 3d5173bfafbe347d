"""Writes of the SAKIP cycle: the approval workflow, locking, and every kind of bad input refused whole."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from mitra.core.models import AuditAction, AuditEntry, OrganisationUnit
from mitra.performance import selectors, services, sources
from mitra.performance.models import (
    Indicator,
    IndicatorTarget,
    Output,
    QuarterEntry,
    QuarterReport,
    ReportStatus,
    SubActivity,
)


def sub(number: int, year: int = 2017) -> SubActivity:
    return SubActivity.objects.get(year=year, number=number)


def open_report() -> QuarterReport:
    return QuarterReport.objects.get(year=2017, quarter=4, unit__code="ksln-bm")


def snapshot():
    return (
        AuditEntry.objects.count(),
        list(QuarterEntry.objects.order_by("pk").values_list("output_realised", "budget_realised", "version")),
    )


def test_staff_head_leadership_walk_the_quarter_and_it_locks(perf_user):
    staff, head, boss = perf_user("staf.bilateral"), perf_user("kabag.bilateral"), perf_user("kepala.biro")
    services.realisation_record(
        actor=staff,
        year=2017,
        sub_activity=sub(4),
        quarter=4,
        data={"output_realised": Decimal(55), "obstacles": "Undangan bersamaan."},
    )
    report = services.quarter_submit(actor=staff, report=open_report())
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == staff
    with pytest.raises(PermissionDenied):  # staff cannot verify
        services.quarter_verify(actor=staff, report=report)
    report = services.quarter_verify(actor=head, report=report)
    with pytest.raises(PermissionDenied):  # the head cannot approve
        services.quarter_approve(actor=head, report=report)
    report = services.quarter_approve(actor=boss, report=report)
    assert report.is_locked and report.approved_by == boss
    states = AuditEntry.objects.filter(
        action=AuditAction.STATE_CHANGE, record_type="performance.quarterreport", record_id=str(report.pk)
    )
    assert [e.changes["status"][1] for e in states.order_by("id")] == ["submitted", "verified", "approved"]

    before = snapshot()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.realisation_record(
            actor=staff, year=2017, sub_activity=sub(4), quarter=4, data={"output_realised": Decimal(56)}
        )
    assert "locked" in str(caught.value)
    assert snapshot() == before


def test_reopening_needs_leadership_and_a_reason(perf_user):
    report = QuarterReport.objects.get(year=2017, quarter=1, unit__code="ksln-reg")
    assert report.is_locked
    with pytest.raises(PermissionDenied):
        services.quarter_reopen(actor=perf_user("kabag.bilateral"), report=report, reason="x")
    with pytest.raises(ValidationError) as caught:
        services.quarter_reopen(actor=perf_user("kepala.biro"), report=report, reason="  ")
    assert "reason" in caught.value.message_dict
    report = services.quarter_reopen(actor=perf_user("kepala.biro"), report=report, reason="Koreksi realisasi.")
    assert report.status == ReportStatus.DRAFT
    entry = AuditEntry.objects.filter(action=AuditAction.STATE_CHANGE, record_id=str(report.pk)).order_by("-id")[0]
    assert entry.reason == "Koreksi realisasi." and entry.actor_username == "kepala.biro"


def test_staff_of_another_unit_cannot_enter(perf_user):
    with pytest.raises(PermissionDenied):
        services.realisation_record(
            actor=perf_user("staf.regional"),
            year=2017,
            sub_activity=sub(4),
            quarter=4,
            data={"output_realised": Decimal(1)},
        )
    with pytest.raises(PermissionDenied):
        services.realisation_record(
            actor=perf_user("pembaca"), year=2017, sub_activity=sub(4), quarter=4, data={"output_realised": Decimal(1)}
        )


@pytest.mark.parametrize(
    "data,field",
    [
        ({"budget_realised": -1}, "budget_realised"),
        ({"output_realised": Decimal("-2")}, "output_realised"),
    ],
)
def test_negative_figures_are_refused_at_the_field(perf_user, data, field):
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        services.realisation_record(
            actor=perf_user("staf.bilateral"), year=2017, sub_activity=sub(4), quarter=4, data=data
        )
    assert field in caught.value.message_dict
    assert snapshot() == before


def test_realisation_for_a_sub_activity_of_another_year_is_refused(perf_user):
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        services.realisation_record(
            actor=perf_user("staf.bilateral"),
            year=2018,
            sub_activity=sub(4),
            quarter=1,
            data={"output_realised": Decimal(1)},
        )
    assert "sub_activity" in caught.value.message_dict
    assert snapshot() == before


def test_budget_above_the_ceiling_needs_a_reason(perf_user):
    staff = perf_user("staf.bilateral")
    s = sub(4)
    entry = QuarterEntry.objects.get(sub_activity=s, quarter=4)
    others = sum(q.budget_realised for q in QuarterEntry.objects.filter(sub_activity=s).exclude(quarter=4))
    too_much = s.ceiling - others + 1
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        services.realisation_record(
            actor=staff, year=2017, sub_activity=s, quarter=4, data={"budget_realised": too_much}
        )
    assert "budget_realised" in caught.value.message_dict
    assert snapshot() == before
    saved = services.realisation_record(
        actor=staff,
        year=2017,
        sub_activity=s,
        quarter=4,
        data={"budget_realised": too_much, "over_ceiling_reason": "Kenaikan harga tiket yang tidak terduga."},
        expected_version=entry.version,
    )
    assert saved.budget_realised == too_much


def test_budget_revision_changes_the_ceiling_in_force_from_its_date(perf_user):
    admin = perf_user("admin")
    s = sub(12)
    services.budget_revision_create(
        actor=admin, sub_activity=s, effective_on=date(2017, 7, 1), ceiling=30_000_000, reason="Pemotongan anggaran."
    )
    assert selectors.ceiling_in_force(s, date(2017, 6, 30)) == 37_085_000
    assert selectors.ceiling_in_force(s, date(2017, 7, 1)) == 30_000_000
    with pytest.raises(ValidationError) as caught:
        services.budget_revision_create(
            actor=admin, sub_activity=s, effective_on=date(2018, 1, 1), ceiling=1, reason="x"
        )
    assert "effective_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.budget_revision_create(
            actor=admin, sub_activity=s, effective_on=date(2017, 8, 1), ceiling=1, reason=""
        )
    assert "reason" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.budget_revision_create(
            actor=perf_user("staf.oi"), sub_activity=s, effective_on=date(2017, 8, 1), ceiling=1, reason="x"
        )


def test_target_outside_the_plan_period_is_refused(perf_user):
    iku = Indicator.objects.get(code="iku")
    with pytest.raises(ValidationError) as caught:
        services.indicator_target_set(actor=perf_user("admin"), indicator=iku, year=2020, data={"target": Decimal(40)})
    assert "year" in caught.value.message_dict
    assert not IndicatorTarget.objects.filter(indicator=iku, year=2020).exists()


def test_submitting_needs_every_figure(perf_user):
    staff = perf_user("staf.bilateral")
    report = open_report()
    services.realisation_record(actor=staff, year=2017, sub_activity=sub(1), quarter=4, data={"output_realised": None})
    with pytest.raises(ValidationError):
        services.quarter_submit(actor=staff, report=report)
    assert open_report().status == ReportStatus.DRAFT


def test_signed_pk_correction_keeps_the_original(perf_user):
    from mitra.performance.models import PerformanceDocument

    pk = PerformanceDocument.objects.get(kind="pk", year=2017)
    with pytest.raises(ValidationError):
        services.document_correct(actor=perf_user("admin"), document=pk, data={"budget": 1}, lines=None, reason="")
    correction = services.document_correct(
        actor=perf_user("admin"), document=pk, data={"budget": 6_251_665_000}, lines=None, reason="Anggaran Tabel 2."
    )
    pk.refresh_from_db()
    assert pk.budget == 5_239_601_000 and correction.revision == 2 and correction.supersedes == pk
    assert correction.lines.count() == pk.lines.count() == 2


def test_computed_indicator_uses_a_registered_source_and_shows_unavailable_otherwise(perf):
    iku = Indicator.objects.get(code="iku")
    target = IndicatorTarget.objects.get(indicator=iku, year=2017)
    services.plan_record_update(
        actor=None, instance=iku, data={"source_key": "test.cooperations"}, expected_version=None, system=True
    )
    iku.refresh_from_db()
    result = selectors.indicator_result(iku, target, 2017, [])
    assert not result.source_available and result.realised is None and result.achievement_pct is None

    unit = OrganisationUnit.objects.get(code="ksln")

    def cooperations(year: int) -> sources.SourceResult:
        records = [
            sources.SourceRecord(f"Kerjasama {i}", f"/x/{i}/", "core.organisationunit", unit.pk) for i in range(31)
        ]
        return sources.SourceResult(Decimal(len(records)), records)

    sources.register("test.cooperations", "Test", cooperations, reads={"cooperation.cooperation": ""})
    try:
        result = selectors.indicator_result(iku, target, 2017, [])
        assert result.realised == 31 and result.achievement_pct == 100 and len(result.records) == 31
    finally:
        sources.unregister("test.cooperations")


def test_output_of_another_year_cannot_be_attached(perf_user):
    s = sub(1)
    other = Output(activity=s.output.activity, code="x", name="x")
    other.activity.program.year = 2018
    with pytest.raises(ValidationError):
        services.sub_activity_update(
            actor=perf_user("admin"), sub_activity=s, data={"output": other}, expected_version=None
        )
