"""Separation of duties in the quarter workflow: whoever submitted a quarter does not verify it, and whoever
verified it does not approve it, even when their role would allow the step."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from mitra.core.models import AuditEntry, Role, User
from mitra.core.tests.factories import AdminFactory, Team, logged_in
from mitra.performance import services
from mitra.performance.models import QuarterReport, ReportStatus
from mitra.performance.tests.factories import BudgetYear, budget_year


def fill_and_submit(by: BudgetYear, actor: User) -> QuarterReport:
    services.realisation_record(
        actor=actor, year=by.year, sub_activity=by.subs[0], quarter=4, data={"obstacles": "Undangan bersamaan."}
    )
    return services.quarter_submit(actor=actor, report=by.report(4))


@pytest.mark.parametrize("who", ["head", "admin"])
def test_whoever_submitted_cannot_verify(team: Team, who):
    by = budget_year(team, realised_quarters=4)
    admin = AdminFactory.create()
    submitter = team.head if who == "head" else admin  # a head of unit and an administrator may submit and verify
    report = fill_and_submit(by, submitter)
    entries = AuditEntry.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.quarter_verify(actor=submitter, report=report)
    assert "separation of duties" in str(caught.value)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.verified_by is None
    assert AuditEntry.objects.count() == entries
    # Someone else verifies it.
    other = admin if who == "head" else team.head
    assert services.quarter_verify(actor=other, report=report).status == ReportStatus.VERIFIED


def test_whoever_verified_cannot_approve(team: Team):
    by = budget_year(team, realised_quarters=4)
    head = team.head
    report = services.quarter_verify(actor=head, report=fill_and_submit(by, team.staff))
    head.role = Role.LEADERSHIP  # promoted while the quarter waits: the role now allows approving
    head.save(update_fields=["role"])
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.quarter_approve(actor=head, report=report)
    assert "separation of duties" in str(caught.value)
    assert by.report(4).status == ReportStatus.VERIFIED
    assert services.quarter_approve(actor=team.leader, report=report).status == ReportStatus.APPROVED


def test_the_quarter_page_says_why(team: Team):
    by = budget_year(team, realised_quarters=4)
    fill_and_submit(by, team.head)
    url = reverse("performance:quarter-transition", args=[by.year, 4, team.unit.code, "verifikasi"])
    response = logged_in(team.head).post(url, follow=True)
    assert response.status_code == 200
    assert "pemisahan tugas" in response.content.decode()
    assert by.report(4).status == ReportStatus.SUBMITTED
