"""Separation of duties in the quarter workflow: whoever submitted a quarter does not verify it, and whoever
verified it does not approve it, even when their role would allow the step."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mitra.core.models import AuditEntry, Role
from mitra.performance import services
from mitra.performance.models import QuarterReport, ReportStatus, SubActivity


def open_report() -> QuarterReport:
    return QuarterReport.objects.get(year=2017, quarter=4, unit__code="ksln-bm")


def fill_and_submit(actor) -> QuarterReport:
    services.realisation_record(
        actor=actor,
        year=2017,
        sub_activity=SubActivity.objects.get(year=2017, number=4),
        quarter=4,
        data={"obstacles": "Undangan bersamaan."},
    )
    return services.quarter_submit(actor=actor, report=open_report())


@pytest.mark.parametrize("username", ["kabag.bilateral", "admin"])
def test_whoever_submitted_cannot_verify(perf_user, username):
    submitter = perf_user(username)  # a head of unit and an administrator may both submit and verify
    report = fill_and_submit(submitter)
    entries = AuditEntry.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.quarter_verify(actor=submitter, report=report)
    assert "separation of duties" in str(caught.value)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.verified_by is None
    assert AuditEntry.objects.count() == entries
    # Someone else verifies it.
    other = perf_user("admin" if username != "admin" else "kabag.bilateral")
    assert services.quarter_verify(actor=other, report=report).status == ReportStatus.VERIFIED


def test_whoever_verified_cannot_approve(perf_user):
    staff, head = perf_user("staf.bilateral"), perf_user("kabag.bilateral")
    report = services.quarter_verify(actor=head, report=fill_and_submit(staff))
    head.role = Role.LEADERSHIP  # promoted while the quarter waits: the role now allows approving
    head.save(update_fields=["role"])
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.quarter_approve(actor=head, report=report)
    assert "separation of duties" in str(caught.value)
    assert services.quarter_approve(actor=perf_user("kepala.biro"), report=report).status == ReportStatus.APPROVED


def test_the_quarter_page_says_why(perf_user, perf_client):
    fill_and_submit(perf_user("kabag.bilateral"))
    client = perf_client("kabag.bilateral")
    response = client.post("/kinerja/2017/triwulan/4/ksln-bm/verifikasi/", follow=True)
    assert response.status_code == 200
    assert "pemisahan tugas" in response.content.decode()
    assert open_report().status == ReportStatus.SUBMITTED
