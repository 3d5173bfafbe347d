"""Report files made in the background: a job per request that missed the cache, made by a task of the queue
(reports/tasks.py `make_report`, run by `mitra worker`), its progress stored on the job for the job page.

The job (ReportJob) is what the person sees; the task is how it is carried out. The task is a row of the
database queue (django-tasks-db), so a job survives a restart of the web process, is run by whichever worker
takes it (on this machine or another), and no more reports are made at once than there are workers.

What can still go wrong, and what the person then sees:
- the generation raises: the job is failed with the error's text (a database error is tried again first, see
  `run`); the queue keeps the traceback.
- the worker that runs it dies (killed, machine restarted): the task stays "running" in the queue and nothing
  takes it up again; the job is shown failed once it has been running for longer than STALE_AFTER, and the
  person can start it again.
- the web process ends between saving the job and enqueueing its task: the job has no task; it is shown failed
  after STALE_AFTER. A job whose task waits in the queue is never expired: it waits for a worker.

Jobs are not audited: asking for a report writes no record of the registry (the files are made from the
records, like any page that shows them) — job creation and its outcome are logged instead. An audit entry of a
`reports.` record type would also change the reports' data version and so empty their cache.
"""

from __future__ import annotations

import contextlib
import logging
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from mitra.core.models import User
from mitra.core.services import require

from . import generate
from .models import ReportJob

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=10)
# Stored in English, shown translated: gettext() of a stored message finds it in the catalogue.
STALE_MESSAGE = gettext_noop(
    "The report was not finished within 10 minutes: the server was probably restarted while making it. Start it again."
)
MISSING_FILE_MESSAGE = gettext_noop("The file of this report is no longer kept. Start it again.")


def find_or_create(
    *,
    actor: User,
    kind: str,
    year: int,
    fmt: str,
    language: str,
    quarter: int | None = None,
    unit: str | None = None,
    version: int | None = None,
) -> tuple[ReportJob, bool]:
    """The person's unfinished job for the same report at the same data version, or a new queued one.

    Returns (job, created); a created job still has to be started (`launch`)."""
    require(actor, "reports.view")
    if kind not in ReportJob.Kind.values or fmt not in generate.FORMATS:
        raise ValueError(f"Unknown report {kind!r} or format {fmt!r}")
    version = generate.data_version() if version is None else version
    params = {
        "kind": kind,
        "year": year,
        "quarter": quarter if kind == ReportJob.Kind.MONITORING else None,
        "unit": (unit or "") if kind == ReportJob.Kind.MONITORING else "",
        "fmt": fmt,
        "language": language,
        "data_version": version,
    }
    with transaction.atomic():
        for job in ReportJob.objects.filter(requested_by=actor, status__in=ReportJob.UNFINISHED, **params):
            if not expire_if_stale(job).finished:
                return job, False
        job = ReportJob.objects.create(requested_by=actor, **params)
    logger.info("report job %s queued for %s: %s", job.pk, actor.get_username(), job)
    return job, True


# The task that makes a job's file (tasks.make_report), set by ReportsConfig.ready(): the task module imports this
# one, so this one does not import it back.
_REPORT_TASK: Any = None


def use_task(task: Any) -> None:
    global _REPORT_TASK
    _REPORT_TASK = task


def report_task() -> Any:
    if _REPORT_TASK is None:
        raise RuntimeError("The reports app is not ready: its report task is not set.")
    return _REPORT_TASK


# How often a request that waits for its job (`launch(wait=...)`) looks at the job's row.
POLL_SECONDS = 0.2


def launch(job: ReportJob, wait: float = 0.0) -> ReportJob:
    """Enqueue the job's task once the job is committed, and wait up to `wait` seconds for it to finish, so a
    report that is quick to make is served at once. Returns the job as it then stands."""
    in_transaction = connection.in_atomic_block
    # Runs now outside a transaction; inside one, after it commits (the worker must see the job's row).
    transaction.on_commit(lambda: enqueue(job.pk))
    if in_transaction or wait <= 0:
        return job
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        with contextlib.suppress(DatabaseError):  # busy with the job's writes: look again, or show the job page
            job.refresh_from_db()
        if job.finished:
            break
    return job


def enqueue(job_id: int, attempt: int = 1, run_after: datetime | None = None) -> str:
    """Put the job's task in the queue (with the ImmediateBackend of the tests: run it now); returns its id."""
    make_report = report_task()

    task = make_report if run_after is None else make_report.using(run_after=run_after)
    result = task.enqueue(job_id=job_id, attempt=attempt)
    if task.get_backend().supports_get_result:  # kept for `expire_if_stale`, which can then look the task up
        ReportJob.objects.filter(pk=job_id).update(task_id=str(result.id))
    return str(result.id)


# A database error while making a report (the database busy, a connection dropped) is tried again this often, this
# many seconds later; any other error fails the job at once (a report that cannot be made cannot be made twice).
RETRY_DELAYS = (30, 120)


def run(job_id: int, attempt: int = 1) -> str:
    """Make the job's file and record how it went; returns the job's status. Called by the job's task (or
    directly, in tests)."""
    claimed = ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(
        status=ReportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:  # already run, or expired as stale
        return ReportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or "gone"
    job = ReportJob.objects.get(pk=job_id)
    running = ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING)

    def progress(stage: str, percent: int) -> None:
        try:
            with transaction.atomic():
                running.update(stage=stage, percent=percent)
        except DatabaseError:  # the database busy beyond its timeout: the progress shown lags, the job goes on
            logger.warning("report job %s: progress %s %s%% not saved", job_id, stage, percent, exc_info=True)

    start_time = time.perf_counter()
    try:
        result = generate.generate(
            job.kind,
            job.year,
            job.fmt,
            job.language,
            job.quarter,
            job.unit or None,
            use_cache=True,
            progress=progress,
        )
    except Exception as error:
        message = f"{type(error).__name__}: {error}"[:2000]
        if isinstance(error, DatabaseError) and attempt <= len(RETRY_DELAYS) and _can_wait():
            delay = RETRY_DELAYS[attempt - 1]
            logger.warning("report job %s attempt %s failed (%s): again in %s s", job_id, attempt, message, delay)
            running.update(status=ReportJob.Status.QUEUED, stage=ReportJob.Stage.QUEUED, percent=0, error=message)
            enqueue(job_id, attempt + 1, run_after=timezone.now() + timedelta(seconds=delay))
            return ReportJob.Status.QUEUED
        logger.exception("report job %s failed", job_id)
        _update(running, status=ReportJob.Status.FAILED, error=message, finished_at=timezone.now())
        return ReportJob.Status.FAILED
    assert result.path is not None
    _update(
        running,
        status=ReportJob.Status.DONE,
        stage=ReportJob.Stage.DONE,
        percent=100,
        error="",
        result_path=result.path.relative_to(Path(settings.MEDIA_ROOT)).as_posix(),
        finished_at=timezone.now(),
    )
    seconds = time.perf_counter() - start_time
    logger.info("report job %s done in %.1f s (%s bytes)", job_id, seconds, len(result.content))
    return ReportJob.Status.DONE


def _update(jobs: QuerySet[ReportJob], attempts: int = 10, **fields: object) -> int:
    """Record the job's outcome; a database busy beyond its own timeout (SQLite, e.g. the in-memory database of
    the browser tests, which does not wait at all) is tried again a few times rather than losing the outcome."""
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return jobs.update(**fields)
        except OperationalError:
            if attempt == attempts:
                raise
            time.sleep(0.2)
    return 0


def _can_wait() -> bool:
    make_report = report_task()

    return make_report.get_backend().supports_defer


def expire_if_stale(job: ReportJob) -> ReportJob:
    """Mark the job failed if it has been running for longer than STALE_AFTER (its worker is gone), or queued
    for that long without a task waiting for it in the queue."""
    if job.finished:
        return job
    since = job.started_at or job.created_at
    if timezone.now() - since <= STALE_AFTER:
        return job
    if job.status == ReportJob.Status.QUEUED and _task_waiting(job.task_id):
        return job
    expired = ReportJob.objects.filter(pk=job.pk, status__in=ReportJob.UNFINISHED).update(
        status=ReportJob.Status.FAILED, error=STALE_MESSAGE, finished_at=timezone.now()
    )
    if expired:
        logger.warning("report job %s unfinished since %s: marked failed", job.pk, since.isoformat())
    job.refresh_from_db()
    return job


def _task_waiting(task_id: str) -> bool:
    """Whether the task is still in the queue, waiting for a worker or running."""
    if not task_id:
        return False
    make_report = report_task()

    backend = make_report.get_backend()
    if not backend.supports_get_result:
        return False
    try:
        status = backend.get_result(task_id).status
    except TaskResultDoesNotExist:
        return False
    return status in (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def prune(now: datetime | None = None) -> int:
    """Delete the jobs finished more than MITRA_KEEP_FINISHED_JOBS_DAYS ago (their files are the cache's, pruned
    by generate.prune_cache). Returns how many."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.MITRA_KEEP_FINISHED_JOBS_DAYS)
    deleted, _ = (
        ReportJob.objects.filter(status__in=[ReportJob.Status.DONE, ReportJob.Status.FAILED])
        .filter(finished_at__lt=before)
        .delete()
    )
    return deleted


def result_file(job: ReportJob) -> Path | None:
    """The finished job's file, if it is still there."""
    if job.status != ReportJob.Status.DONE or not job.result_path:
        return None
    cache = generate.cache_dir().resolve()
    path = (Path(settings.MEDIA_ROOT) / job.result_path).resolve()
    if not path.is_relative_to(cache) or not path.is_file():
        return None
    generate.touch(path)
    return path
