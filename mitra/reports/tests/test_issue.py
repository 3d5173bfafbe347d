"""Issuing a report (issue 14): review → issue, files frozen with their SHA-256, revisions, late changes."""

from __future__ import annotations

import datetime
import hashlib
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from mitra.api import services as api_services
from mitra.cooperation import indicators as coop_indicators
from mitra.cooperation.models import Cooperation
from mitra.core.models import AuditEntry
from mitra.performance import selectors as perf
from mitra.reports import services
from mitra.reports.models import IssuedFile, IssuedReport, ReportReview

pytestmark = pytest.mark.django_db


@pytest.fixture
def quick(monkeypatch):
    """Issue only the HTML files in the tests that are not about the formats (the PDFs take seconds each)."""
    monkeypatch.setattr(services, "ISSUE_FORMATS", ("html",))


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def measurement(year: int = 2017) -> dict:
    out = StringIO()
    call_command("measurement", "--year", str(year), stdout=out)
    return json.loads(out.getvalue())


def indicator(data: dict, code: str) -> dict:
    return next(i for i in data["indicators"] if i["code"] == code)


def test_issue_freezes_every_file_and_download_returns_exactly_it(demo, client_for, user_of):
    # The bilateral division's fourth quarter is a draft: a script that must not issue with it says so ...
    with pytest.raises(CommandError, match=r"Bagian Bilateral, (quarter|triwulan) 4 2017"):
        call_command("lakip", "issue", "--year", "2017", "--user", "kepala.biro", "--require-approved")
    assert not IssuedReport.objects.exists()
    # ... and the command as written, with no terminal to ask, names the quarter and issues (the report names it).
    out, err = StringIO(), StringIO()
    call_command("lakip", "issue", "--year", "2017", "--user", "kepala.biro", stdout=out, stderr=err)
    assert "Bagian Bilateral" in err.getvalue()
    issued = IssuedReport.objects.get(kind="lakip", year=2017, revision=1)
    assert issued.issued_by == user_of("kepala.biro")
    assert issued.review.reviewer == "Inspektorat Utama Badan POM"
    files = {(f.language, f.fmt): f for f in issued.files.all()}
    assert set(files) == {(lang, fmt) for lang in ("id", "en") for fmt in ("html", "pdf", "docx", "xlsx")} | {
        ("", "json")
    }
    assert json.loads(default_storage.open(str(files[("", "json")].file.name)).read()) == issued.figures
    assert issued.figures["indicator.iku.realized"]["value"] == "28"
    client = client_for("pembaca")
    downloads = {}
    for (language, fmt), f in files.items():
        with default_storage.open(str(f.file.name), "rb") as handle:
            assert sha(handle.read()) == f.sha256
        assert f.sha256 in out.getvalue()
        response = client.get(f"/laporan/2017/terbit/1/{language or 'angka'}.{fmt}")
        assert response.status_code == 200, (language, fmt)
        assert sha(response.content) == f.sha256
        downloads[(language, fmt)] = response.content
    # A later change of the records (a narrative, a realisation) changes the report made now, not the issued one.
    services.narrative_save(
        actor=user_of("admin"), year=2017, key="foreword", text="Teks baru {{ year }}.", expected_version=None
    )
    assert b"Teks baru" not in downloads[("id", "html")]
    for (language, fmt), content in downloads.items():
        response = client.get(f"/laporan/2017/terbit/1/{language or 'angka'}.{fmt}")
        assert response.content == content
    # Every issue and review action is audited.
    assert AuditEntry.objects.filter(record_type="reports.issuedreport", record_id=str(issued.pk)).exists()
    assert AuditEntry.objects.filter(record_type="reports.issuedfile").count() == 9
    assert AuditEntry.objects.filter(record_type="reports.reportreview").exists()


def test_an_altered_stored_file_is_refused(demo, quick, client_for, user_of):
    issued = services.report_issue(actor=user_of("kepala.biro"), year=2017, confirm_unapproved=True)
    f = issued.files.get(fmt="html", language="id")
    with open(default_storage.path(str(f.file.name)), "ab") as handle:
        handle.write(b"<!-- changed -->")
    response = client_for("pembaca").get("/laporan/2017/terbit/1/id.html")
    assert response.status_code == 409


@pytest.mark.parametrize("username", ["staf.bilateral", "kabag.bilateral", "admin", "pembaca", "kepala.registrasi"])
def test_only_the_head_of_bureau_may_issue(demo, quick, username):
    with pytest.raises(CommandError, match="may not issue"):
        call_command("lakip", "issue", "--year", "2017", "--user", username)
    assert not IssuedReport.objects.exists()


def test_review_is_recorded_by_leadership_only(demo, user_of):
    for username in ("staf.bilateral", "kabag.bilateral", "admin"):
        with pytest.raises(PermissionDenied):
            services.report_review(
                actor=user_of(username), year=2017, reviewer="X", reviewed_on=datetime.date(2018, 2, 1)
            )
    with pytest.raises(ValidationError) as error:
        services.report_review(actor=user_of("kepala.biro"), year=2017, reviewer=" ", reviewed_on=None)  # type: ignore[arg-type]
    assert set(error.value.message_dict) == {"reviewer", "reviewed_on"}


def test_revisions_need_a_review_and_a_reason_and_stay_available(demo, quick, client_for, user_of):
    head = user_of("kepala.biro")
    first = services.report_issue(actor=head, year=2017, confirm_unapproved=True)
    first_html = client_for("pembaca").get("/laporan/2017/terbit/1/id.html").content
    # The issued revision cannot be issued again: a correction is a new revision, reviewed first.
    with pytest.raises(ValidationError, match=r"not been reviewed|belum direviu"):
        services.report_issue(actor=head, year=2017, reason="Koreksi", confirm_unapproved=True)
    services.report_review(actor=head, year=2017, reviewer="Inspektorat", reviewed_on=datetime.date(2018, 3, 1))
    with pytest.raises(ValidationError) as error:
        services.report_issue(actor=head, year=2017, confirm_unapproved=True)
    assert "reason" in error.value.message_dict
    services.narrative_save(
        actor=user_of("admin"), year=2017, key="foreword", text="Kata pengantar koreksi.", expected_version=None
    )
    second = services.report_issue(actor=head, year=2017, reason="Koreksi kata pengantar", confirm_unapproved=True)
    assert second.revision == 2 and second.reason == "Koreksi kata pengantar"
    client = client_for("pembaca")
    assert client.get("/laporan/2017/terbit/1/id.html").content == first_html
    assert b"Kata pengantar koreksi" in client.get("/laporan/2017/terbit/2/id.html").content
    # Append-only: no update, no delete.
    first.reason = "changed"
    with pytest.raises(ValidationError):
        first.save()
    with pytest.raises(ValidationError):
        first.delete()
    with pytest.raises(ValidationError):
        IssuedFile.objects.filter(issued=first).first().delete()  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        ReportReview.objects.first().delete()  # type: ignore[union-attr]


def test_issuing_is_refused_while_the_consistency_check_finds_an_error(demo, quick, user_of):
    # A narrative naming an unknown figure is an error of the check (saved here without the editor's validation).
    services.narrative_save(
        actor=user_of("admin"), year=2017, key="foreword", text="{{ no.such.figure }}", expected_version=None
    )
    with pytest.raises(CommandError, match=r"consistency check|Pemeriksaan konsistensi"):
        call_command("lakip", "issue", "--year", "2017", "--user", "kepala.biro", "--confirm-unapproved")
    assert not IssuedReport.objects.exists()


def test_the_page_reviews_and_issues(demo, quick, client_for, django_capture_on_commit_callbacks):
    reader = client_for("pembaca").get("/laporan/2017/").content.decode()
    assert 'data-testid="issue-button"' not in reader and 'data-testid="review-button"' not in reader
    assert client_for("staf.bilateral").get("/laporan/2017/terbitkan/").status_code == 403
    assert client_for("admin").post("/laporan/2017/terbitkan/").status_code == 403
    head = client_for("kepala.biro")
    page = head.get("/laporan/2017/").content.decode()
    assert 'data-testid="issue-button"' in page  # the demo's 2017 LAKIP is reviewed
    with django_capture_on_commit_callbacks(execute=True):
        response = head.post("/laporan/2017/terbitkan/", {"reason": "", "confirm_unapproved": "on"})
    assert response.status_code == 302
    assert IssuedReport.objects.filter(year=2017, revision=1).exists()
    page = head.get("/laporan/2017/").content.decode()
    assert 'data-testid="issued-revisions"' in page and 'data-testid="review-button"' in page
    # Revision 2: the review at its fields, then the issue asks for a reason.
    response = head.post("/laporan/2017/reviu/", {"reviewer": "", "reviewed_on": "2999-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"reviewer", "reviewed_on"}
    head.post("/laporan/2017/reviu/", {"reviewer": "Inspektorat Utama", "reviewed_on": "2018-04-02"})
    response = head.post("/laporan/2017/terbitkan/", {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors


def test_late_changes_are_shown_never_absorbed(demo, quick, user_of):
    """Issue 14's must-hold: issue 2017; a 2017 meeting with active participation recorded afterwards through the
    API by staf.bilateral is stored, the issued figures do not move, and late_changes lists it."""
    call_command("lakip", "issue", "--year", "2017", "--user", "kepala.biro", "--confirm-unapproved", stdout=StringIO())
    before = measurement()
    assert before["issue"]["revision"] == 1 and before["late_changes"] == []
    counted = {row.record.pk for row in coop_indicators.cooperation_developments(2017).rows}
    cooperation = Cooperation.objects.exclude(pk__in=counted).order_by("pk").first()
    assert cooperation is not None
    user = user_of("staf.bilateral")
    _token, raw = api_services.token_create(actor=user, user=user, name="test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def post_meeting(title: str, day: str) -> str:
        payload = {
            "title": title,
            "cooperation": cooperation.pk,
            "start_date": day,
            "end_date": day,
            "country": "JP",
            "active_participation": True,
            "responsible_unit": user.unit_id,
        }
        response = api.post("/api/v1/meetings/", payload, content_type="application/json")
        assert response.status_code == 201, response.content
        return str(response.json()["id"])

    meeting_id = post_meeting("Pertemuan susulan 2017", "2017-11-20")
    post_meeting("Pertemuan 2018", "2018-02-20")  # another year's record moves no 2017 figure
    after = measurement()
    # The issued figures hold still ...
    for code in ("iku", "pertemuan"):
        assert indicator(after, code) == indicator(before, code)
    assert indicator(after, "iku")["realized"] == 28
    # ... what the records say now is beside them ...
    assert indicator(after["current"], "iku")["realized"] == 29
    assert indicator(after["current"], "pertemuan")["realized"] == indicator(before, "pertemuan")["realized"] + 1
    # ... and the late change is listed, with the figures it moves.
    late = [c for c in after["late_changes"] if c["record"] == {**c["record"], "type": "cooperation.meeting"}]
    assert {c["record"]["id"] for c in late} == {meeting_id}
    realized = next(c for c in late if c["figure"] == "indicators.iku.realized")
    assert realized["issued_value"] == 28 and realized["current_value"] == 29
    assert realized["who"] == "staf.bilateral" and realized["record"]["action"] == "create"
    assert {c["figure"] for c in late} >= {"indicators.iku.realized", "indicators.pertemuan.realized"}
    # The API answers the same, and the performance pages show both.
    assert perf.measurement_json(2017) == after
    page = Client()
    page.force_login(user_of("pembaca"))
    html = page.get("/kinerja/2017/").content.decode()
    assert 'data-testid="late-changes"' in html and "Pertemuan susulan 2017" in html


def test_a_quarterly_monitoring_report_is_reviewed_and_issued(demo, quick, user_of):
    head = user_of("kepala.biro")
    with pytest.raises(ValidationError, match=r"not been reviewed|belum direviu"):
        services.report_issue(actor=head, year=2017, kind="monitoring", quarter=4)
    review = services.report_review(
        actor=head,
        year=2017,
        kind="monitoring",
        quarter=4,
        reviewer="Inspektorat",
        reviewed_on=datetime.date(2018, 1, 20),
    )
    assert "triwulan 4" in review.statement.lower() or "quarter 4" in review.statement.lower()
    # The bilateral division's fourth quarter is a draft: the issue names it and waits for a confirmation.
    with pytest.raises(ValidationError, match=r"Bagian Bilateral, (quarter|triwulan) 4 2017"):
        services.report_issue(actor=head, year=2017, kind="monitoring", quarter=4)
    issued = services.report_issue(actor=head, year=2017, kind="monitoring", quarter=4, confirm_unapproved=True)
    assert (issued.kind, issued.quarter, issued.unit, issued.revision) == ("monitoring", 4, "", 1)
    for f in issued.files.all():
        assert services.issued_content(f)  # stored, and its SHA-256 matches
    # The LAKIP's issued figures are not touched by a monitoring report's issue.
    assert perf.measurement_json(2017)["issue"] is None
