"""Background work on the database queue: a report job survives the web process and is run by `mitra worker`,
failures are retried or shown failed, the daily schedule enqueues each task once a day, and the cache is shared."""

from __future__ import annotations

import io
import os
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from asgiref.local import Local
from django.apps import apps
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.db.models.signals import post_migrate
from django.test import RequestFactory
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook
from rest_framework.request import Request

from mitra.api.throttling import TokenRateThrottle
from mitra.cooperation import tasks as cooperation_tasks
from mitra.cooperation.tests.factories import CooperationFactory
from mitra.core.models import User
from mitra.core.tests.factories import ReaderFactory, bureau, logged_in
from mitra.reports import generate, jobs
from mitra.reports.models import ReportJob
from mitra.reports.tests.factories import YEAR, report_year
from mitra.tasks import schedule
from mitra.tasks.models import ScheduledRun
from mitra.travel import tasks as travel_tasks

JAKARTA = ZoneInfo("Asia/Jakarta")
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def queue(db, settings, monkeypatch):  # type: ignore[no-untyped-def]
    """The database queue of production, inside the test's transaction. The worker's connection housekeeping
    (close_old_connections) would end the test's transaction, so it is left out here."""
    settings.TASKS = DATABASE_QUEUE
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


@pytest.fixture
def reader(db: None) -> User:
    """A reader of the bureau, in a year with a plan, an indicator and a division's sub-activity (`report_year`)."""
    report_year()
    return ReaderFactory.create(unit=bureau())


def _job_of(response) -> ReportJob:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.status_code
    match = re.fullmatch(r"/laporan/tugas/(\d+)/", response["Location"])
    assert match, response["Location"]
    return ReportJob.objects.get(pk=int(match[1]))


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content)


def _worker_once() -> str:
    out = io.StringIO()
    call_command("worker", "--once", "--no-schedule", stdout=out)
    return out.getvalue()


def test_a_job_enqueued_with_no_worker_survives_and_a_worker_completes_it(
    queue, reader, django_capture_on_commit_callbacks
):
    browser = logged_in(reader)
    # The web process takes the request and enqueues the task once the job is committed; no worker runs.
    with django_capture_on_commit_callbacks(execute=True):
        job = _job_of(browser.get(f"/laporan/{YEAR}/lakip.xlsx"))
    job.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert job.status == "queued" and job.task_id == str(task.id)
    assert task.status == "READY" and task.task_path == "mitra.reports.tasks.make_report"
    assert task.args_kwargs == {"args": [], "kwargs": {"job_id": job.pk, "attempt": 1}}
    assert browser.get(f"/laporan/tugas/{job.pk}/status/").json()["status"] == "queued"

    # The web process "stops": nothing of the job is kept in its memory. Much later a worker starts.
    task_backends._connections = Local()  # type: ignore[attr-defined]
    ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert browser.get(f"/laporan/tugas/{job.pk}/status/").json()["status"] == "queued"  # waits, not expired
    assert "1 task(s) run." in _worker_once()

    job.refresh_from_db()
    assert (job.status, job.percent, job.error) == ("done", 100, "")
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value == "done"
    status = browser.get(f"/laporan/tugas/{job.pk}/status/").json()
    assert status["finished"] and status["download_url"] == f"/laporan/tugas/{job.pk}/unduh/"
    download = browser.get(f"/laporan/tugas/{job.pk}/unduh/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="LAKIP-{YEAR}-Biro-KSLN.xlsx"'
    assert load_workbook(io.BytesIO(_body(download))).sheetnames
    # Run once: a second worker finds nothing to do.
    assert "0 task(s) run." in _worker_once()


def test_a_database_error_is_retried_later_and_then_succeeds(queue, reader, monkeypatch):
    real_render = generate.render
    calls = []

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(generate, "render", flaky)
    job, _created = jobs.find_or_create(actor=reader, kind="lakip", year=YEAR, fmt="xlsx", language="id")
    first = jobs.enqueue(job.pk)
    _worker_once()
    job.refresh_from_db()
    assert job.status == "queued" and job.error == "OperationalError: database is locked"
    second = DBTaskResult.objects.exclude(pk=first).get()
    assert job.task_id == str(second.id) and second.args_kwargs["kwargs"]["attempt"] == 2
    assert second.status == "READY" and second.run_after > timezone.now() + timedelta(seconds=20)
    assert "0 task(s) run." in _worker_once()  # not yet: it waits for its time
    assert jobs.expire_if_stale(job).status == "queued"

    DBTaskResult.objects.filter(pk=second.pk).update(run_after=timezone.now())
    _worker_once()
    job.refresh_from_db()
    assert (job.status, job.error) == ("done", "") and len(calls) == 2


def test_a_failing_report_is_failed_with_its_reason_in_the_job_and_the_queue(queue, reader, monkeypatch):
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(generate, "render", broken)
    job, _created = jobs.find_or_create(actor=reader, kind="lakip", year=YEAR, fmt="docx", language="id")
    jobs.enqueue(job.pk)
    _worker_once()
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "RuntimeError: the renderer broke"
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED" and task.exception_class_path.endswith("ReportJobFailed")
    assert "the renderer broke" in task.traceback
    assert DBTaskResult.objects.count() == 1  # not a database error: not tried again


def test_a_queued_job_without_a_waiting_task_still_expires(queue, reader):
    job, _created = jobs.find_or_create(actor=reader, kind="lakip", year=YEAR, fmt="xlsx", language="id")
    task_id = jobs.enqueue(job.pk)
    old = timezone.now() - timedelta(minutes=11)
    ReportJob.objects.filter(pk=job.pk).update(created_at=old)
    job.refresh_from_db()
    assert jobs.expire_if_stale(job).status == "queued"
    DBTaskResult.objects.filter(pk=task_id).delete()  # the queue lost it
    assert jobs.expire_if_stale(job).status == "failed"


def test_the_worker_needs_the_database_queue():
    with pytest.raises(CommandError, match="ImmediateBackend"):
        call_command("worker", "--once")


def _at(hour: int, day: int = 4) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=JAKARTA)


@pytest.fixture
def daily_calls(monkeypatch):  # type: ignore[no-untyped-def]
    calls: list[str] = []

    def recorder(name: str):  # type: ignore[no-untyped-def]
        def send(day):  # type: ignore[no-untyped-def]
            calls.append(name)
            return []

        return send

    monkeypatch.setattr(cooperation_tasks, "send_due_reminders", recorder("reminders"))
    monkeypatch.setattr(travel_tasks, "send_due_reminders", recorder("travel"))
    return calls


def test_the_daily_tasks_run_once_a_day_from_the_hour(db, settings, daily_calls):
    settings.MITRA_DAILY_TASKS_HOUR = 6
    assert schedule.enqueue_due(_at(5)) == []
    assert sorted(schedule.enqueue_due(_at(6))) == [
        "prune-queue",
        "prune-reports",
        "prune-uploads",
        "reminders",
        "travel-reminders",
    ]
    assert daily_calls == ["reminders", "travel"]  # run at once by the tests' ImmediateBackend
    assert schedule.enqueue_due(_at(7)) == [] and schedule.enqueue_due(_at(23)) == []
    assert daily_calls == ["reminders", "travel"]
    assert len(schedule.enqueue_due(_at(9, day=5))) == 5  # the next day
    assert daily_calls == ["reminders", "travel"] * 2
    assert ScheduledRun.objects.filter(name="reminders").count() == 2


def test_several_workers_enqueue_a_daily_task_once(queue, daily_calls, monkeypatch):
    assert len(schedule.enqueue_due(_at(8))) == 5
    # A second worker that read the schedule before the first wrote it still cannot enqueue it again.
    with monkeypatch.context() as patch:
        patch.setattr(ScheduledRun.objects, "filter", lambda **kw: ScheduledRun.objects.none())
        assert schedule.enqueue_due(_at(8)) == []
    assert DBTaskResult.objects.filter(task_path="mitra.cooperation.tasks.send_reminders").count() == 1
    assert DBTaskResult.objects.count() == 5
    run = ScheduledRun.objects.get(name="reminders")
    assert run.task_id == str(DBTaskResult.objects.get(task_path="mitra.cooperation.tasks.send_reminders").id)
    _worker_once()
    assert sorted(daily_calls) == ["reminders", "travel"]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_the_worker_enqueues_the_days_tasks_itself(queue, settings, daily_calls):
    settings.MITRA_DAILY_TASKS_HOUR = 0
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "Daily task enqueued: reminders" in out.getvalue() and "5 task(s) run." in out.getvalue()
    assert sorted(daily_calls) == ["reminders", "travel"]


def test_failed_reminders_are_tried_again_later(queue, monkeypatch):
    def broken(day):  # type: ignore[no-untyped-def]
        raise RuntimeError("mail server down")

    monkeypatch.setattr(cooperation_tasks, "send_due_reminders", broken)
    cooperation_tasks.send_reminders.enqueue()
    _worker_once()
    first, second = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "FAILED" and "mail server down" in first.traceback
    assert second.status == "READY" and second.args_kwargs["kwargs"] == {"day": None, "attempt": 2}
    assert second.run_after > timezone.now()


def test_enqueue_by_name(queue):
    out = io.StringIO()
    call_command("enqueue", "search-rebuild", stdout=out)
    task = DBTaskResult.objects.get()
    assert task.task_path == "mitra.search.tasks.rebuild_index" and str(task.id) in out.getvalue()


def test_the_search_index_is_rebuilt_by_its_task(db):
    from mitra.search.models import SearchEntry
    from mitra.search.tasks import rebuild_index

    cooperation = CooperationFactory.create()
    entries = SearchEntry.objects.filter(record_type="cooperation.cooperation", record_id=str(cooperation.pk))
    assert entries.exists()  # indexed when written
    SearchEntry.objects.all().delete()
    result = rebuild_index.enqueue()
    counts = result.return_value
    assert result.status == "SUCCESSFUL" and counts and sum(counts.values()) == SearchEntry.objects.count() > 0
    assert entries.exists()  # and indexed again by the task


def test_pruning_old_jobs_and_cached_files(reader, settings, media):
    settings.MITRA_KEEP_FINISHED_JOBS_DAYS = 30
    settings.MITRA_REPORT_CACHE_DAYS = 30
    old, _ = jobs.find_or_create(actor=reader, kind="lakip", year=YEAR, fmt="xlsx", language="id")
    recent, _ = jobs.find_or_create(actor=reader, kind="lakip", year=YEAR, fmt="xlsx", language="en")
    waiting, _ = jobs.find_or_create(actor=reader, kind="lakip", year=YEAR, fmt="pdf", language="id")
    ReportJob.objects.filter(pk=old.pk).update(status="done", finished_at=timezone.now() - timedelta(days=31))
    ReportJob.objects.filter(pk=recent.pk).update(status="failed", finished_at=timezone.now() - timedelta(days=29))
    ReportJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=90))
    assert jobs.prune() == 1
    assert set(ReportJob.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}

    version = generate.data_version()
    current = generate.generate("lakip", YEAR, "xlsx").path
    unread = generate.cache_path("lakip", YEAR, "html")
    older = generate.cache_path("lakip", YEAR, "xlsx", version=version - 1)
    older_recent = generate.cache_path("lakip", YEAR, "pdf", version=version - 1)
    leftover = generate.cache_dir() / "abc.1.2.tmp"
    assert current is not None and current.name.startswith(f"v{version}-")
    for path in (unread, older, older_recent, leftover):
        path.write_bytes(b"x")
    now = timezone.now().timestamp()
    day = 24 * 60 * 60
    os.utime(current, (now - 40 * day, now - 40 * day))
    generate.cached("lakip", YEAR, "xlsx")  # read now: kept
    os.utime(unread, (now - 31 * day, now - 31 * day))
    os.utime(older, (now - 2 * day, now - 2 * day))
    os.utime(leftover, (now - 2 * day, now - 2 * day))
    assert generate.prune_cache() == 3
    assert sorted(p.name for p in generate.cache_dir().iterdir()) == sorted([current.name, older_recent.name])


def test_the_cache_table_is_made_by_migrate(db):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE mitra_cache")
    assert "mitra_cache" not in connection.introspection.table_names()
    config = apps.get_app_config("tasks")
    post_migrate.send(
        sender=config, app_config=config, verbosity=0, interactive=False, using="default", apps=apps, plan=[]
    )
    assert "mitra_cache" in connection.introspection.table_names()


def test_two_processes_share_one_throttle_budget(db, settings):
    """Two cache connections (as two gunicorn workers or two servers have) count the same requests."""
    from django.conf import settings as live

    assert live.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    settings.MITRA_API_THROTTLE_RATE = "3/min"
    first, second = caches.create_connection("default"), caches.create_connection("default")
    assert first is not second
    reader = ReaderFactory.create()

    def allowed(cache) -> bool:  # type: ignore[no-untyped-def]
        throttle = TokenRateThrottle()
        throttle.cache = cache
        request = Request(RequestFactory().get("/api/v1/countries/"))
        request.auth = None
        request.user = reader
        return throttle.allow_request(request, None)

    assert [allowed(first), allowed(second), allowed(first), allowed(second), allowed(first)] == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_the_cache_url_setting():
    import environ

    env = environ.Env()
    assert env.cache_url_config("dbcache://mitra_cache") == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "mitra_cache",
    }
    assert env.cache_url_config("redis://127.0.0.1:6379/1")["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
