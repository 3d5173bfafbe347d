"""Pages of the performance area: who sees what, forms that refuse bad input at the field, pinned query counts.

Built on factories: `page_year` is a year of its own (a new plan's first) with a division's two sub-activities
(see `budget_year`), its indicator computed by a registered source, cascaded to the division with action plans,
the division's PK and the bureau's PK document; quarters 1–3 approved, quarter 4 open."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core.models import User
from mitra.core.tests.factories import ReaderFactory, SubdivisionFactory, Team, UnitFactory, bureau, logged_in
from mitra.demo.pdf import minimal_pdf
from mitra.documents import services as documents
from mitra.performance import services
from mitra.performance.models import QuarterEntry, ReportStatus, UnitAgreement, UnitIndicator
from mitra.performance.tests.factories import (
    ActivityTargetFactory,
    BudgetYear,
    GoalFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    PerformanceDocumentFactory,
    PerformanceYearFactory,
    StrategicTargetFactory,
    SubActivityFactory,
    UnitIndicatorFactory,
    UnitIndicatorTargetFactory,
    action_plan_year,
    approve,
    budget_year,
    quarter_plans,
    realise,
)

AGREEMENT_DATA = {
    "first_party_name": "A",
    "first_party_position": "B",
    "second_party_name": "C",
    "second_party_position": "D",
}


@dataclass
class PageYear:
    by: BudgetYear
    unit_indicator: UnitIndicator
    agreement: UnitAgreement

    @property
    def year(self) -> int:
        return self.by.year


def page_year(team: Team) -> PageYear:
    by = budget_year(team, realised_quarters=4, source_key="cooperation.effective")
    ui = UnitIndicatorFactory.create(indicator=by.indicator, unit=team.unit)
    UnitIndicatorTargetFactory.create(unit_indicator=ui, year=by.year, target=Decimal(4))
    for plan in action_plan_year(ui, [1, 1, 1, 1], year=by.year)[:3]:
        services.action_plan_realise(
            actor=None, action_plan=plan, realised=Decimal(1), realisation_note="Selesai.", system=True
        )
    for quarter in (1, 2, 3):
        approve(by.report(quarter))
    PerformanceDocumentFactory.create(plan=by.plan, year=by.year, lines=[(by.indicator, 10, 52_000_000)])
    # An activity target of the year with its own indicator (the plan page lists those apart).
    activity_target = ActivityTargetFactory.create(plan=by.plan, year=by.year)
    IndicatorFactory.create(plan=by.plan, strategic_target=None, activity_target=activity_target, is_key=False)
    agreement = services.unit_agreement_create(
        actor=None, unit=team.unit, year=by.year, data=AGREEMENT_DATA, system=True
    )
    documents.attach(  # its signed scan
        actor=team.head,
        record=agreement,
        uploaded_file=SimpleUploadedFile("pk-ditandatangani.pdf", minimal_pdf("PK"), content_type="application/pdf"),
        category="signed_copy",
        title="Pindaian PK",
    )
    agreement = services.unit_agreement_approve(actor=team.leader, agreement=agreement)
    return PageYear(by=by, unit_indicator=ui, agreement=agreement)


def urls(p: PageYear) -> dict[str, str]:
    year, unit = p.year, p.by.unit.code
    return {
        "home": reverse("performance:home"),
        "year": reverse("performance:year", args=[year]),
        "measurement": reverse("performance:measurement", args=[year]),
        "monitoring": reverse("performance:monitoring", args=[year]) + "?triwulan=2",
        "quarter-reports": reverse("performance:quarter-reports", args=[year]),
        "quarter-report": reverse("performance:quarter-report", args=[year, 4, unit]),
        "documents": reverse("performance:documents", args=[year]),
        "plans": reverse("performance:plans"),
        "plan": reverse("performance:plan", args=[p.by.plan.pk]),
        "indicator": reverse("performance:indicator", args=[year, p.by.indicator.pk]),
        "sub-activity": reverse("performance:sub-activity", args=[p.by.subs[0].pk]),
        "cascade": reverse("performance:cascade", args=[year]) + "?triwulan=3",
        "agreement": reverse("performance:agreement", args=[p.agreement.pk]),
    }


def bureau_reader() -> User:
    """A reader in the bureau (the performance pages are the bureau's; a reader outside it sees none of them)."""
    return ReaderFactory.create(unit=bureau())


def entry(by: BudgetYear, index: int, quarter: int) -> QuarterEntry:
    return by.entry(by.subs[index], quarter)


def test_every_page_opens_for_a_reader(team: Team):
    p = page_year(team)
    client = logged_in(bureau_reader())
    for name, url in urls(p).items():
        response = client.get(url, follow=name == "home")
        assert response.status_code == 200, name


def test_reader_gets_no_edit_forms(team: Team):
    p = page_year(team)
    by = p.by
    client = logged_in(bureau_reader())
    page = client.get(urls(p)["quarter-report"]).content.decode()
    assert 'data-testid="submit-quarter"' not in page and f'data-testid="edit-entry-{by.subs[0].number}"' not in page
    # The staff of the division do get them (the page offers them; the reader's lack of them is the permission).
    own = logged_in(team.staff).get(urls(p)["quarter-report"]).content.decode()
    assert f'data-testid="edit-entry-{by.subs[0].number}"' in own
    assert client.get(reverse("performance:entry-update", args=[entry(by, 0, 4).pk])).status_code == 403
    transition = reverse("performance:quarter-transition", args=[by.year, 4, by.unit.code, "ajukan"])
    assert client.post(transition).status_code == 403
    assert by.report(4).status == ReportStatus.DRAFT


def test_measurement_page_shows_the_totals(team: Team):
    by = budget_year(team, realised_quarters=4)
    page = logged_in(bureau_reader()).get(reverse("performance:measurement", args=[by.year])).content.decode()
    # Ceilings 40,000,000 + 12,000,000; realised 37,500,000 + 10,500,000; 48/52 = 92.307… %.
    # A number keeps to its unit: the filters join them with a no-break space.
    assert "Rp\u00a052.000.000" in page and "Rp\u00a048.000.000" in page and "92,31\u00a0%" in page
    assert f'data-testid="sub-{by.subs[0].number}"' in page and f'data-testid="sub-{by.subs[1].number}"' in page


def test_monitoring_marks_the_units_behind(team: Team):
    by = budget_year(team, realised_quarters=3)
    realise(by.subs[0], 4, 1, 9_000_000)
    realise(by.subs[1], 4, 0, 3_000_000)  # 1 of the 2 outputs planned by Q4: behind
    on_plan = SubActivityFactory.create(output=by.output, owner_unit=UnitFactory.create())
    quarter_plans(on_plan, [1, 1, 1, 1], [10_000_000] * 4)
    for quarter in (1, 2, 3, 4):
        realise(on_plan, quarter, 1, 10_000_000)
    url = reverse("performance:monitoring", args=[by.year]) + "?triwulan=4"
    page = logged_in(bureau_reader()).get(url).content.decode()
    assert f'data-testid="behind-unit-{by.unit.code}"' in page
    assert f'data-testid="behind-sub-{by.subs[1].number}"' in page
    assert f'data-testid="behind-sub-{by.subs[0].number}"' not in page  # 4 of 4 outputs, 37.5 of 40 million
    assert f'data-testid="behind-unit-{on_plan.owner_unit.code}"' not in page
    assert f'data-testid="behind-sub-{on_plan.number}"' not in page
    assert 'id="monitoring-data"' in page and "<script>" not in page


def form_data(e: QuarterEntry, **changes) -> dict:
    data = {
        "output_realised": e.output_realised,
        "budget_realised": e.budget_realised,
        "obstacles": e.obstacles,
        "follow_up": e.follow_up,
        "evidence": e.evidence,
        "over_ceiling_reason": e.over_ceiling_reason,
        "expected_version": e.version,
    }
    return {**data, **changes}


def test_staff_enters_their_quarter_and_errors_land_at_the_field(team: Team):
    by = budget_year(team, realised_quarters=4)
    client = logged_in(team.staff)
    e = entry(by, 0, 4)
    url = reverse("performance:entry-update", args=[e.pk])
    response = client.post(url, form_data(e, budget_realised=-5))
    assert response.status_code == 200 and response.context["form"].errors["budget_realised"]
    too_much = e.budget_realised + 10**10
    response = client.post(url, form_data(e, budget_realised=too_much))
    assert response.status_code == 200 and "budget_realised" in response.context["form"].errors
    assert entry(by, 0, 4).budget_realised == e.budget_realised
    response = client.post(url, form_data(e, output_realised=Decimal(2), obstacles="Undangan bersamaan."))
    assert response.status_code == 302
    saved = entry(by, 0, 4)
    assert saved.obstacles == "Undangan bersamaan." and saved.output_realised == 2


def test_entry_into_a_locked_quarter_is_refused_with_a_message(team: Team):
    by = budget_year(team, realised_quarters=1, approved=[1])
    client = logged_in(team.staff)
    e = entry(by, 0, 1)
    response = client.post(reverse("performance:entry-update", args=[e.pk]), form_data(e, output_realised=99))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert entry(by, 0, 1).output_realised == e.output_realised


def test_workflow_through_the_pages(team: Team):
    by = budget_year(team, realised_quarters=4)
    report_url = reverse("performance:quarter-report", args=[by.year, 4, by.unit.code])

    def step(name: str) -> str:
        return reverse("performance:quarter-transition", args=[by.year, 4, by.unit.code, name])

    staff, head, leader = logged_in(team.staff), logged_in(team.head), logged_in(team.leader)
    assert staff.post(step("ajukan")).status_code == 302
    assert staff.post(step("verifikasi")).status_code == 403
    assert head.post(step("verifikasi")).status_code == 302
    assert leader.post(step("setujui"), {"confirm": "yes"}).status_code == 302
    page = leader.get(report_url).content.decode()
    assert 'data-testid="report-locked"' in page and 'data-testid="reopen-quarter"' in page
    response = leader.post(step("buka"), {"reason": ""}, follow=True)
    assert by.report(4).is_locked
    assert response.status_code == 200
    leader.post(step("buka"), {"reason": "Koreksi."})
    assert by.report(4).status == ReportStatus.DRAFT


def test_unknown_years_and_units_are_404(team: Team):
    by = budget_year(team)
    client = logged_in(bureau_reader())
    report = "performance:quarter-report"
    assert client.get(reverse(report, args=[by.year, 4, by.unit.code])).status_code == 200
    # A unit with nothing in the year (another division), an unknown unit, a quarter 7, a year with no data.
    assert client.get(reverse(report, args=[by.year, 4, UnitFactory.create().code])).status_code == 404
    assert client.get(reverse(report, args=[by.year, 4, "no-such-unit"])).status_code == 404
    assert client.get(reverse(report, args=[by.year, 7, by.unit.code])).status_code == 404
    assert client.get(reverse(report, args=[by.year + 1, 4, by.unit.code])).status_code == 404
    assert client.get(reverse("performance:measurement-json", args=[by.year])).status_code == 200
    assert client.get(reverse("performance:measurement-json", args=[1999])).status_code == 404


# Queries per page for a signed-in reader (session, user, then the page's own) on `page_year`; pinned, and equal
# after the data grows. Computed indicators add what their registered sources read (the cooperation app's selectors).
PAGE_QUERIES = {
    "year": None,
    "measurement": None,
    "monitoring": 22,
    "quarter-reports": 12,
    "quarter-report": 18,
    "documents": 14,
    "plans": 10,
    "plan": 18,
    "sub-activity": 16,
    "cascade": 19,  # with a bureau indicator not yet cascaded (the activity target's)
    "agreement": 23,  # with the PK's attachments (its signed scan)
}


def grow(p: PageYear) -> None:
    """Add sub-activities, entries and reports to the year, a sub-division's cascade and its amended PK."""
    year, unit = p.year, SubdivisionFactory.create(parent=p.by.unit)
    for n in range(15):
        sub = SubActivityFactory.create(
            output=p.by.output, owner_unit=unit if n % 2 else p.by.unit, ceiling=1_000_000, output_target=Decimal(2)
        )
        quarter_plans(sub, [1, 1, 1, 1], [1, 1, 1, 1])
        services.quarter_report_for(year=year, quarter=2, unit=unit)
    for _n in range(3):
        ui = UnitIndicatorFactory.create(parent=p.unit_indicator, unit=unit)
        UnitIndicatorTargetFactory.create(unit_indicator=ui, year=year, target=Decimal(4))
        action_plan_year(ui, [1, 1, 1, 1], year=year)
    # More bureau indicators of the plan (under a goal of their own), with targets, cascaded to the division.
    goal = GoalFactory.create(plan=p.by.plan, order=2)
    for order in (2, 3):
        target = StrategicTargetFactory.create(goal=goal, order=order)
        indicator = IndicatorFactory.create(strategic_target=target)
        IndicatorTargetFactory.create(indicator=indicator, year=year, target=Decimal(5))
        ui = UnitIndicatorFactory.create(indicator=indicator, unit=p.by.unit)
        UnitIndicatorTargetFactory.create(unit_indicator=ui, year=year, target=Decimal(2))
    agreement = services.unit_agreement_create(actor=None, unit=unit, year=year, data=AGREEMENT_DATA, system=True)
    services.unit_agreement_amend(actor=None, agreement=agreement, data={}, reason="Ubah.", system=True)


@pytest.mark.parametrize("name", list(PAGE_QUERIES))
def test_page_query_counts_are_pinned_and_do_not_grow(team: Team, name):
    p = page_year(team)
    client = logged_in(bureau_reader())
    url = urls(p)[name]
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(p)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    if PAGE_QUERIES[name] is not None:
        assert len(small.captured_queries) == PAGE_QUERIES[name], "\n".join(q["sql"] for q in small.captured_queries)
    assert len(large.captured_queries) == len(small.captured_queries), name


def test_the_year_page_compares_with_the_calendar_year_before_only(team: Team):
    from mitra.performance.models import PerformanceYear

    by = budget_year(team)
    for year, score in ((by.year - 2, "60.00"), (by.year - 1, "70.25"), (by.year, "75.50")):
        PerformanceYearFactory.create(year=year, sakip_score=Decimal(score))
    client = logged_in(bureau_reader())
    page = client.get(reverse("performance:year", args=[by.year])).content.decode()
    assert f"5,25 poin dibanding {by.year - 1}" in page  # 75.50 − 70.25
    PerformanceYear.objects.filter(year=by.year - 1).delete()
    page = client.get(reverse("performance:year", args=[by.year])).content.decode()
    # The year before that is recorded, but it is not the previous year: no comparison rather than one with it.
    assert "poin dibanding" not in page
