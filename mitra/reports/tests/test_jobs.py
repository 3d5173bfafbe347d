"""Report files made in the background: the download button, the job page and its status, who may see a job,
failures, stale jobs, and the job's task (the queue and its worker: mitra/tasks/tests)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from mitra.core.models import User
from mitra.core.tests.factories import (
    AdminFactory,
    LeadershipFactory,
    ReaderFactory,
    UnitFactory,
    UserFactory,
    bureau,
    logged_in,
)
from mitra.reports import generate, jobs, views
from mitra.reports.models import ReportJob
from mitra.reports.tests.factories import YEAR, ReportYear, report_year

LAKIP = f"/laporan/{YEAR}/lakip"  # the LAKIP's URL, less the format
LAKIP_FILE = f"LAKIP-{YEAR}-Biro-KSLN"

# No module-wide django_db mark: the last test uses `transactional_db` after a fixture of its own.


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """An empty reports cache for every test."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _job_of(response) -> ReportJob:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.status_code
    match = re.fullmatch(r"/laporan/tugas/(\d+)/", response["Location"])
    assert match, response["Location"]
    return ReportJob.objects.get(pk=int(match[1]))


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def year(db: None) -> ReportYear:
    """A year of the factories' own with a plan, an indicator and a division's sub-activity."""
    return report_year()


@pytest.fixture
def reader(year: ReportYear) -> User:
    """A reader of the bureau (reads its reports)."""
    return ReaderFactory.create(unit=bureau())


def test_a_report_not_in_the_cache_becomes_a_job_that_runs_to_done(reader: User) -> None:
    browser = logged_in(reader)
    # In a test's transaction the task is not enqueued (that happens when the job's row is committed).
    job = _job_of(browser.get(f"{LAKIP}.pdf"))
    assert job.requested_by == reader
    assert (job.kind, job.year, job.fmt, job.language, job.status) == ("lakip", YEAR, "pdf", "id", "queued")
    assert job.data_version == generate.data_version()

    page = browser.get(job.get_absolute_url())
    assert page.status_code == 200
    assert b'data-testid="job-progress"' in page.content and b"job-pct-0" in page.content
    assert b'http-equiv="refresh"' in page.content and b"reports/job.js" in page.content
    status = browser.get(f"/laporan/tugas/{job.pk}/status/").json()
    assert status["status"] == "queued" and not status["finished"] and status["download_url"] == ""
    # Clicking again while it is unfinished follows the same job.
    assert _job_of(browser.get(f"{LAKIP}.pdf")) == job
    # Someone else asking for the same report gets a job of their own.
    assert _job_of(logged_in(UserFactory.create()).get(f"{LAKIP}.pdf")) != job

    jobs.run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.stage, job.percent, job.error) == ("done", "done", 100, "")
    assert job.started_at and job.finished_at and job.started_at <= job.finished_at
    status = browser.get(f"/laporan/tugas/{job.pk}/status/").json()
    assert status["finished"] and status["download_url"] == f"/laporan/tugas/{job.pk}/unduh/"
    page = browser.get(job.get_absolute_url())
    assert b'http-equiv="refresh"' not in page.content
    assert f'href="/laporan/tugas/{job.pk}/unduh/"'.encode() in page.content

    download = browser.get(f"/laporan/tugas/{job.pk}/unduh/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{LAKIP_FILE}.pdf"'
    pdf = _body(download)
    assert pdf.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 10

    # The file is now in the cache: the button downloads it at once, without a new job.
    count = ReportJob.objects.count()
    again = browser.get(f"{LAKIP}.pdf")
    assert again.status_code == 200 and again["X-Report-Cached"] == "1" and again.content == pdf
    assert ReportJob.objects.count() == count


def test_a_cached_report_downloads_directly_without_a_job(reader: User) -> None:
    generate.generate("lakip", YEAR, "xlsx")
    response = logged_in(reader).get(f"{LAKIP}.xlsx")
    assert response.status_code == 200 and response["X-Report-Cached"] == "1"
    assert response["Content-Disposition"] == f'attachment; filename="{LAKIP_FILE}.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).sheetnames
    assert not ReportJob.objects.exists()


def test_the_cache_is_per_language_and_the_job_keeps_the_language(reader: User) -> None:
    generate.generate("lakip", YEAR, "xlsx", "id")
    job = _job_of(logged_in(reader).get(f"{LAKIP}.xlsx?bahasa=en"))
    assert job.language == "en" and job.source_url() == f"{LAKIP}.xlsx?bahasa=en"


def test_monitoring_reports_go_through_jobs_too(year: ReportYear, reader: User) -> None:
    code = year.unit.code
    client = logged_in(reader)
    job = _job_of(client.get(f"/laporan/{YEAR}/monitoring/4/{code}.docx"))
    assert (job.kind, job.quarter, job.unit, job.fmt) == ("monitoring", 4, code, "docx")
    assert client.get(f"/laporan/{YEAR}/monitoring/4/no-such-unit.docx").status_code == 404
    # A unit with no sub-activity in the year has no monitoring report.
    assert client.get(f"/laporan/{YEAR}/monitoring/4/{UnitFactory.create().code}.docx").status_code == 404
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "done"
    download = client.get(f"/laporan/tugas/{job.pk}/unduh/")
    assert download["Content-Disposition"] == f'attachment; filename="Monitoring-{YEAR}-TW4-{code}.docx"'
    assert _body(download).startswith(b"PK")
    bureau = _job_of(client.get(f"/laporan/{YEAR}/monitoring/2/biro.xlsx"))
    assert bureau.unit == "" and bureau.source_url() == f"/laporan/{YEAR}/monitoring/2/biro.xlsx?bahasa=id"


def test_only_the_person_who_asked_and_administrators_see_a_job(reader: User, client) -> None:  # type: ignore[no-untyped-def]
    job = _job_of(logged_in(reader).get(f"{LAKIP}.xlsx"))
    jobs.run(job.pk)
    urls = [f"/laporan/tugas/{job.pk}/", f"/laporan/tugas/{job.pk}/status/", f"/laporan/tugas/{job.pk}/unduh/"]
    for user in (UserFactory.create(), LeadershipFactory.create()):
        other = logged_in(user)
        for url in urls:
            assert other.get(url).status_code == 403, (user.role, url)
    admin = logged_in(AdminFactory.create())
    for url in urls:
        assert admin.get(url).status_code == 200, url
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")
    assert logged_in(reader).get(f"/laporan/tugas/{job.pk + 1000}/").status_code == 404


def test_a_failing_generation_marks_the_job_failed_with_its_message(reader: User, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(generate, "render", broken)
    browser = logged_in(reader)
    job = _job_of(browser.get(f"{LAKIP}.docx"))
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None
    assert job.error == "RuntimeError: the renderer broke"
    assert job.stage == "building" and job.percent == generate.STAGE_PERCENT["building"]  # how far it came
    status = browser.get(f"/laporan/tugas/{job.pk}/status/").json()
    assert status["finished"] and status["status"] == "failed" and "the renderer broke" in status["error"]
    assert status["download_url"] == "" and status["retry_url"] == f"{LAKIP}.docx?bahasa=id"
    page = browser.get(job.get_absolute_url())
    failed = page.content.split(b'data-testid="job-failed"')[1].split(b"</div>")[0]
    assert b"hidden" not in failed.split(b">")[0]
    assert b"the renderer broke" in failed and f'href="{LAKIP}.docx?bahasa=id"'.encode() in failed
    # The download of a failed job leads back to its page; trying again makes a new job.
    assert browser.get(f"/laporan/tugas/{job.pk}/unduh/")["Location"] == job.get_absolute_url()
    assert _job_of(browser.get(f"{LAKIP}.docx?bahasa=id")) != job


def test_a_stale_job_is_shown_failed_and_not_reused(year: ReportYear) -> None:
    pembaca = ReaderFactory.create(unit=bureau())
    pembaca.language = "en"
    pembaca.save(update_fields=["language"])
    browser = logged_in(pembaca)
    job = _job_of(browser.get(f"{LAKIP}.html"))
    recent = timezone.now() - timedelta(minutes=5)
    ReportJob.objects.filter(pk=job.pk).update(status="running", stage="rendering", started_at=recent)
    assert browser.get(f"/laporan/tugas/{job.pk}/status/").json()["status"] == "running"
    assert _job_of(browser.get(f"{LAKIP}.html")) == job  # still believed to be running

    ReportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(minutes=11))
    status = browser.get(f"/laporan/tugas/{job.pk}/status/").json()
    assert status["status"] == "failed" and status["finished"]
    assert status["error"] == jobs.STALE_MESSAGE  # shown in the reader's language, English here
    job.refresh_from_db()
    assert job.status == "failed" and job.error == jobs.STALE_MESSAGE and job.finished_at
    assert b"Try again" in browser.get(job.get_absolute_url()).content
    # A queued job whose task never reached the queue is stale the same way.
    fresh = _job_of(browser.get(f"{LAKIP}.html"))
    assert fresh != job and fresh.status == "queued"
    ReportJob.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    assert _job_of(browser.get(f"{LAKIP}.html")) not in (job, fresh)
    fresh.refresh_from_db()
    assert fresh.status == "failed"
    # The task of an expired job does not run it any more.
    jobs.run(fresh.pk)
    fresh.refresh_from_db()
    assert fresh.status == "failed"


def test_a_job_whose_file_is_gone_starts_again(reader: User, media) -> None:  # type: ignore[no-untyped-def]
    browser = logged_in(reader)
    job = _job_of(browser.get(f"{LAKIP}.xlsx"))
    jobs.run(job.pk)
    job.refresh_from_db()
    (media / job.result_path).unlink()
    response = browser.get(f"/laporan/tugas/{job.pk}/unduh/")
    assert response.status_code == 302 and response["Location"] == job.source_url()


def test_generation_reports_its_stages_in_order(year: ReportYear) -> None:
    seen: list[tuple[str, int]] = []
    result = generate.generate(
        "lakip", YEAR, "pdf", use_cache=False, progress=lambda stage, percent: seen.append((stage, percent))
    )
    assert result.content.startswith(b"%PDF")
    stages = [stage for stage, _percent in seen]
    assert [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s] == [
        "reading",
        "building",
        "charts",
        "rendering",
        "done",
    ]
    percents = [percent for _stage, percent in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    assert set(stages) <= set(ReportJob.Stage.values)
    # XLSX has no charts; the monitoring report has the same stages.
    seen.clear()
    generate.generate("monitoring", YEAR, "xlsx", quarter=4, use_cache=False, progress=lambda s, p: seen.append((s, p)))
    assert [s for s, _p in seen] == ["reading", "building", "rendering", "done"]


def test_the_command_stays_synchronous(year: ReportYear, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "lakip.xlsx"
    call_command("lakip", "--year", str(YEAR), "--format", "xlsx", "-o", str(out), stderr=io.StringIO())
    assert out.stat().st_size > 1000 and not ReportJob.objects.exists()


def test_the_job_is_enqueued_once_committed(demo_back_afterwards, transactional_db, monkeypatch):  # type: ignore[no-untyped-def]
    """One test (a transactional test empties the database, and the demo is put back afterwards): outside a
    transaction the task is enqueued at once (and run at once by the tests' ImmediateBackend), then a quick report
    served by the request that asked for it."""
    report_year()
    pembaca = ReaderFactory.create(unit=bureau())
    browser = logged_in(pembaca)
    job, created = jobs.find_or_create(actor=pembaca, kind="lakip", year=YEAR, fmt="xlsx", language="id")
    assert created
    job = jobs.launch(job, wait=120)  # committed (no transaction here): enqueued at once
    assert job.status == "done", job.error
    path = jobs.result_file(job)
    assert path is not None and load_workbook(path).sheetnames
    assert browser.get(f"{LAKIP}.xlsx")["X-Report-Cached"] == "1"

    monkeypatch.setattr(views, "INLINE_WAIT_SECONDS", 120.0)
    response = browser.get(f"/laporan/{YEAR}/monitoring/4/biro.xlsx")
    assert response.status_code == 200 and response["X-Report-Cached"] == "0"
    assert load_workbook(io.BytesIO(response.content)).sheetnames
    assert ReportJob.objects.filter(kind="monitoring").get().status == "done"


@pytest.mark.parametrize("cached", [False, True])
@pytest.mark.parametrize("name", ["LAKIP-2017-Biro-KSLN.pdf", "LAKIP-2017-Biro-KSLN.html", "LAKIP-2017-Biro-KSLN.docx"])
def test_every_report_file_is_a_download_made_or_cached(name: str, cached: bool) -> None:
    # A PDF shown inline would replace the application in its tab.
    response = views._download(generate.Generated(b"%PDF-", name, "application/pdf", 0.0, cached))
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Report-Cached"] == ("1" if cached else "0")
