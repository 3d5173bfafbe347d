"""Pages of the performance area: who sees what, forms that refuse bad input at the field, pinned query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.performance import services
from mitra.performance.models import (
    Indicator,
    QuarterEntry,
    QuarterReport,
    ReportStatus,
    StrategicPlan,
    SubActivity,
    UnitAgreement,
    UnitIndicator,
)


def entry(number: int, quarter: int) -> QuarterEntry:
    return QuarterEntry.objects.get(sub_activity__year=2017, sub_activity__number=number, quarter=quarter)


def urls() -> dict[str, str]:
    plan = StrategicPlan.objects.get()
    sub = SubActivity.objects.get(year=2017, number=4)
    return {
        "home": reverse("performance:home"),
        "year": reverse("performance:year", args=[2017]),
        "measurement": reverse("performance:measurement", args=[2017]),
        "monitoring": reverse("performance:monitoring", args=[2017]) + "?triwulan=2",
        "quarter-reports": reverse("performance:quarter-reports", args=[2017]),
        "quarter-report": reverse("performance:quarter-report", args=[2017, 4, "ksln-bm"]),
        "documents": reverse("performance:documents", args=[2017]),
        "plans": reverse("performance:plans"),
        "plan": reverse("performance:plan", args=[plan.pk]),
        "indicator": reverse("performance:indicator", args=[2017, Indicator.objects.get(code="sakip").pk]),
        "sub-activity": reverse("performance:sub-activity", args=[sub.pk]),
        "cascade": reverse("performance:cascade", args=[2017]) + "?triwulan=3",
        "agreement": reverse(
            "performance:agreement", args=[UnitAgreement.objects.filter(unit__code="ksln-reg").latest("revision").pk]
        ),
    }


def test_every_page_opens_for_a_reader(perf_client):
    client = perf_client("pembaca")
    for name, url in urls().items():
        response = client.get(url, follow=name == "home")
        assert response.status_code == 200, name


def test_reader_gets_no_edit_forms(perf_client):
    client = perf_client("pembaca")
    page = client.get(urls()["quarter-report"]).content.decode()
    assert 'data-testid="submit-quarter"' not in page and 'data-testid="edit-entry-4"' not in page
    assert client.get(reverse("performance:entry-update", args=[entry(4, 4).pk])).status_code == 403
    assert (
        client.post(reverse("performance:quarter-transition", args=[2017, 4, "ksln-bm", "ajukan"])).status_code == 403
    )
    assert QuarterReport.objects.get(year=2017, quarter=4, unit__code="ksln-bm").status == ReportStatus.DRAFT


def test_measurement_page_shows_the_totals(perf_client):
    page = perf_client("pembaca").get(urls()["measurement"]).content.decode()
    # A number keeps to its unit: the filters join them with a no-break space.
    assert "Rp\u00a05.239.601.000" in page and "Rp\u00a04.917.869.245" in page and "93,86\u00a0%" in page
    assert 'data-testid="sub-22"' in page


def test_monitoring_marks_the_units_behind(perf_client):
    page = perf_client("pembaca").get(reverse("performance:monitoring", args=[2017]) + "?triwulan=4").content.decode()
    assert 'data-testid="behind-unit-ksln-bm"' in page  # sub-activities 4 and 5 missed their output
    assert 'data-testid="behind-sub-5"' in page
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


def test_staff_enters_their_quarter_and_errors_land_at_the_field(perf_client):
    client = perf_client("staf.bilateral")
    e = entry(4, 4)
    url = reverse("performance:entry-update", args=[e.pk])
    response = client.post(url, form_data(e, budget_realised=-5))
    assert response.status_code == 200 and response.context["form"].errors["budget_realised"]
    too_much = e.budget_realised + 10**10
    response = client.post(url, form_data(e, budget_realised=too_much))
    assert response.status_code == 200 and "budget_realised" in response.context["form"].errors
    assert entry(4, 4).budget_realised == e.budget_realised
    response = client.post(url, form_data(e, output_realised=Decimal(56), obstacles="Undangan bersamaan."))
    assert response.status_code == 302
    assert entry(4, 4).obstacles == "Undangan bersamaan."


def test_entry_into_a_locked_quarter_is_refused_with_a_message(perf_client):
    client = perf_client("staf.bilateral")
    e = entry(4, 1)
    response = client.post(reverse("performance:entry-update", args=[e.pk]), form_data(e, output_realised=99))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert entry(4, 1).output_realised == e.output_realised


def test_workflow_through_the_pages(perf_client):
    report_url = urls()["quarter-report"]
    step = lambda name: reverse("performance:quarter-transition", args=[2017, 4, "ksln-bm", name])  # noqa: E731
    assert perf_client("staf.bilateral").post(step("ajukan")).status_code == 302
    assert perf_client("staf.bilateral").post(step("verifikasi")).status_code == 403
    assert perf_client("kabag.bilateral").post(step("verifikasi")).status_code == 302
    assert perf_client("kepala.biro").post(step("setujui"), {"confirm": "yes"}).status_code == 302
    page = perf_client("kepala.biro").get(report_url).content.decode()
    assert 'data-testid="report-locked"' in page and 'data-testid="reopen-quarter"' in page
    response = perf_client("kepala.biro").post(step("buka"), {"reason": ""}, follow=True)
    assert QuarterReport.objects.get(year=2017, quarter=4, unit__code="ksln-bm").is_locked
    assert response.status_code == 200
    perf_client("kepala.biro").post(step("buka"), {"reason": "Koreksi."})
    assert QuarterReport.objects.get(year=2017, quarter=4, unit__code="ksln-bm").status == ReportStatus.DRAFT


def test_unknown_years_and_units_are_404(perf_client):
    client = perf_client("pembaca")
    assert client.get(reverse("performance:quarter-report", args=[2017, 4, "bpom"])).status_code == 404
    assert client.get(reverse("performance:quarter-report", args=[2017, 7, "ksln-bm"])).status_code == 404
    assert client.get(reverse("performance:measurement-json", args=[1999])).status_code == 404


# Queries per page for a signed-in reader (session, user, then the page's own); pinned, and equal after the
# data grows. Computed indicators add what their registered sources read (the cooperation app's selectors).
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
    "cascade": 23,  # with the bureau indicators not yet cascaded
    "agreement": 23,  # with the PK's attachments (its signed scan)
}


def grow(year: int = 2017) -> None:
    """Add sub-activities, entries and reports to the year."""
    from mitra.core.models import OrganisationUnit

    first = SubActivity.objects.get(year=year, number=1)
    unit = OrganisationUnit.objects.get(code="ksln-reg-asean")
    for n in range(30, 45):
        sub = services.sub_activity_create(
            actor=None,
            data={
                "output": first.output,
                "number": n,
                "name": f"Extra {n}",
                "owner_unit": unit if n % 2 else first.owner_unit,
                "ceiling": 1_000_000,
                "output_target": Decimal(2),
                "output_unit": "report",
            },
            system=True,
        )
        for q in (1, 2, 3, 4):
            services.quarter_plan_set(
                actor=None, sub_activity=sub, quarter=q, planned_output=Decimal(1), planned_budget=1, system=True
            )
        services.quarter_report_for(year=year, quarter=2, unit=unit)
    # More of the cascade: a sub-division's indicators with targets and action plans, and its PK with a revision.
    parent = UnitIndicator.objects.get(code="dok-reg")
    for n in range(3):
        ui = services.unit_indicator_create(
            actor=None,
            data={"parent": parent, "unit": unit, "code": f"extra-{n}", "name": f"Extra {n}", "unit_of_measure": "x"},
            system=True,
        )
        services.unit_target_set(actor=None, unit_indicator=ui, year=year, target=Decimal(4), system=True)
        for q in (1, 2, 3, 4):
            services.action_plan_set(
                actor=None, unit_indicator=ui, year=year, quarter=q, target=Decimal(1), actions="Rapat", system=True
            )
    agreement = services.unit_agreement_create(
        actor=None,
        unit=unit,
        year=year,
        data={
            "first_party_name": "A",
            "first_party_position": "B",
            "second_party_name": "C",
            "second_party_position": "D",
        },
        system=True,
    )
    services.unit_agreement_amend(actor=None, agreement=agreement, data={}, reason="Ubah.", system=True)


@pytest.mark.parametrize("name", list(PAGE_QUERIES))
def test_page_query_counts_are_pinned_and_do_not_grow(perf_client, name):
    client = perf_client("pembaca")
    url = urls()[name]
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow()
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    if PAGE_QUERIES[name] is not None:
        assert len(small.captured_queries) == PAGE_QUERIES[name], "\n".join(q["sql"] for q in small.captured_queries)
    assert len(large.captured_queries) == len(small.captured_queries), name


def test_the_year_page_compares_with_the_calendar_year_before_only(perf_client):
    from mitra.performance.models import PerformanceYear

    page = perf_client("pembaca").get(urls()["year"]).content.decode()
    assert "poin dibanding 2016" in page  # 71,74 − 69,84
    PerformanceYear.objects.filter(year=2016).delete()
    page = perf_client("pembaca").get(urls()["year"]).content.decode()
    # 2015 is recorded, but it is not the previous year: no comparison rather than one with an earlier year.
    assert "poin dibanding" not in page
