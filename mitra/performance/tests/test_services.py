"""Writes of the SAKIP cycle: the approval workflow, locking, and every kind of bad input refused whole.

Built on factories (`budget_year`: a division's two sub-activities in a year of their own); see factories.py for
the figures."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from mitra.core.models import AuditAction, AuditEntry
from mitra.core.tests.factories import AdminFactory, Team, bureau
from mitra.performance import selectors, services, sources
from mitra.performance.models import IndicatorTarget, QuarterEntry, ReportStatus
from mitra.performance.tests.factories import (
    IndicatorFactory,
    IndicatorTargetFactory,
    OutputFactory,
    PerformanceDocumentFactory,
    SubActivityFactory,
    budget_year,
)


def snapshot():
    return (
        AuditEntry.objects.count(),
        list(QuarterEntry.objects.order_by("pk").values_list("output_realised", "budget_realised", "version")),
    )


def test_staff_head_leadership_walk_the_quarter_and_it_locks(team: Team):
    by = budget_year(team, realised_quarters=4)
    staff, head, boss = team.staff, team.head, team.leader
    services.realisation_record(
        actor=staff,
        year=by.year,
        sub_activity=by.subs[0],
        quarter=4,
        data={"output_realised": Decimal(2), "obstacles": "Undangan bersamaan."},
    )
    report = services.quarter_submit(actor=staff, report=by.report(4))
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
            actor=staff, year=by.year, sub_activity=by.subs[0], quarter=4, data={"output_realised": Decimal(3)}
        )
    assert "locked" in str(caught.value)
    assert snapshot() == before


def test_reopening_needs_leadership_and_a_reason(team: Team):
    by = budget_year(team, realised_quarters=1, approved=[1])
    report = by.report(1)
    assert report.is_locked
    with pytest.raises(PermissionDenied):
        services.quarter_reopen(actor=team.head, report=report, reason="x")
    with pytest.raises(ValidationError) as caught:
        services.quarter_reopen(actor=team.leader, report=report, reason="  ")
    assert "reason" in caught.value.message_dict
    assert by.report(1).is_locked
    report = services.quarter_reopen(actor=team.leader, report=report, reason="Koreksi realisasi.")
    assert report.status == ReportStatus.DRAFT
    entry = AuditEntry.objects.filter(action=AuditAction.STATE_CHANGE, record_id=str(report.pk)).order_by("-id")[0]
    assert entry.reason == "Koreksi realisasi." and entry.actor_username == team.leader.username


def test_staff_of_another_unit_cannot_enter(team: Team):
    by = budget_year(team)
    for outsider in (team.other_staff, team.reader):
        with pytest.raises(PermissionDenied):
            services.realisation_record(
                actor=outsider, year=by.year, sub_activity=by.subs[0], quarter=4, data={"output_realised": Decimal(1)}
            )
    assert by.entry(by.subs[0], 4).output_realised is None


@pytest.mark.parametrize(
    "data,field",
    [
        ({"budget_realised": -1}, "budget_realised"),
        ({"output_realised": Decimal("-2")}, "output_realised"),
    ],
)
def test_negative_figures_are_refused_at_the_field(team: Team, data, field):
    by = budget_year(team)
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        services.realisation_record(actor=team.staff, year=by.year, sub_activity=by.subs[0], quarter=4, data=data)
    assert field in caught.value.message_dict
    assert snapshot() == before


def test_realisation_for_a_sub_activity_of_another_year_is_refused(team: Team):
    by = budget_year(team)
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        services.realisation_record(
            actor=team.staff,
            year=by.year + 1,
            sub_activity=by.subs[0],
            quarter=1,
            data={"output_realised": Decimal(1)},
        )
    assert "sub_activity" in caught.value.message_dict
    assert snapshot() == before


def test_budget_above_the_ceiling_needs_a_reason(team: Team):
    by = budget_year(team, realised_quarters=4)
    s = by.subs[0]  # ceiling 40,000,000; Q1–Q3 realised 9,000,000 + 10,000,000 + 9,500,000
    entry = by.entry(s, 4)
    too_much = 40_000_000 - 28_500_000 + 1
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        services.realisation_record(
            actor=team.staff, year=by.year, sub_activity=s, quarter=4, data={"budget_realised": too_much}
        )
    assert "budget_realised" in caught.value.message_dict
    assert snapshot() == before
    # Exactly the ceiling needs no reason.
    services.realisation_record(
        actor=team.staff, year=by.year, sub_activity=s, quarter=4, data={"budget_realised": too_much - 1}
    )
    entry.refresh_from_db()
    saved = services.realisation_record(
        actor=team.staff,
        year=by.year,
        sub_activity=s,
        quarter=4,
        data={"budget_realised": too_much, "over_ceiling_reason": "Kenaikan harga tiket yang tidak terduga."},
        expected_version=entry.version,
    )
    assert saved.budget_realised == too_much


def test_budget_revision_changes_the_ceiling_in_force_from_its_date(team: Team):
    by = budget_year(team)
    admin = AdminFactory.create()
    s = by.subs[1]  # ceiling 12,000,000
    services.budget_revision_create(
        actor=admin, sub_activity=s, effective_on=date(by.year, 7, 1), ceiling=9_000_000, reason="Pemotongan anggaran."
    )
    assert selectors.ceiling_in_force(s, date(by.year, 6, 30)) == 12_000_000
    assert selectors.ceiling_in_force(s, date(by.year, 7, 1)) == 9_000_000
    with pytest.raises(ValidationError) as caught:
        services.budget_revision_create(
            actor=admin, sub_activity=s, effective_on=date(by.year + 1, 1, 1), ceiling=1, reason="x"
        )
    assert "effective_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.budget_revision_create(
            actor=admin, sub_activity=s, effective_on=date(by.year, 8, 1), ceiling=1, reason=""
        )
    assert "reason" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.budget_revision_create(
            actor=team.staff, sub_activity=s, effective_on=date(by.year, 8, 1), ceiling=1, reason="x"
        )
    assert s.revisions.count() == 1


def test_target_outside_the_plan_period_is_refused(db):
    indicator = IndicatorFactory.create()
    after = indicator.plan.end_year + 1
    with pytest.raises(ValidationError) as caught:
        services.indicator_target_set(
            actor=AdminFactory.create(), indicator=indicator, year=after, data={"target": Decimal(40)}
        )
    assert "year" in caught.value.message_dict
    assert not IndicatorTarget.objects.filter(indicator=indicator, year=after).exists()


def test_submitting_needs_every_figure(team: Team):
    by = budget_year(team, realised_quarters=4)
    services.realisation_record(
        actor=team.staff, year=by.year, sub_activity=by.subs[1], quarter=4, data={"output_realised": None}
    )
    with pytest.raises(ValidationError) as caught:
        services.quarter_submit(actor=team.staff, report=by.report(4))
    assert str(by.subs[1]) in str(caught.value) and str(by.subs[0]) not in str(caught.value)
    assert by.report(4).status == ReportStatus.DRAFT


def test_signed_pk_correction_keeps_the_original(db):
    indicators = [IndicatorFactory.create(), IndicatorFactory.create()]
    pk = PerformanceDocumentFactory.create(
        plan=indicators[0].plan, budget=5_000_000, lines=[(indicators[0], 31, None), (indicators[1], 12, 5_000_000)]
    )
    admin = AdminFactory.create()
    with pytest.raises(ValidationError):
        services.document_correct(actor=admin, document=pk, data={"budget": 1}, lines=None, reason="")
    correction = services.document_correct(
        actor=admin, document=pk, data={"budget": 6_000_000}, lines=None, reason="Anggaran Tabel 2."
    )
    pk.refresh_from_db()
    assert pk.budget == 5_000_000 and correction.revision == 2 and correction.supersedes == pk
    assert correction.budget == 6_000_000
    assert correction.lines.count() == pk.lines.count() == 2


def test_computed_indicator_uses_a_registered_source_and_shows_unavailable_otherwise(db):
    indicator = IndicatorFactory.create(source_kind="computed", source_key="test.cooperations")  # not registered
    year = indicator.plan.start_year
    target = IndicatorTargetFactory.create(indicator=indicator, year=year, target=Decimal(31))
    result = selectors.indicator_result(indicator, target, year, [])
    assert not result.source_available and result.realised is None and result.achievement_pct is None

    unit = bureau()

    def cooperations(year: int) -> sources.SourceResult:
        records = [
            sources.SourceRecord(f"Kerjasama {i}", f"/x/{i}/", "core.organisationunit", unit.pk) for i in range(31)
        ]
        return sources.SourceResult(Decimal(len(records)), records)

    sources.register("test.cooperations", "Test", cooperations, reads={"cooperation.cooperation": ""})
    try:
        result = selectors.indicator_result(indicator, target, year, [])
        assert result.realised == 31 and result.achievement_pct == 100 and len(result.records) == 31
    finally:
        sources.unregister("test.cooperations")


def test_output_of_another_year_cannot_be_attached(db):
    s = SubActivityFactory.create()
    other = OutputFactory.create(activity__program__year=s.year + 1)
    with pytest.raises(ValidationError) as caught:
        services.sub_activity_update(
            actor=AdminFactory.create(), sub_activity=s, data={"output": other}, expected_version=None
        )
    assert "output" in caught.value.message_dict
    s.refresh_from_db()
    assert s.output.activity.program.year == s.year
