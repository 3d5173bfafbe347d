"""Report files made in the background: a job per request that missed the cache, run in a thread of the process
that took the request, its progress stored on the job for the job page.

A thread (`threading.Thread(daemon=True)`) and no task queue: a report takes seconds (the 2017 LAKIP about 4 s
as PDF), so a worker process of gunicorn can carry it while it answers other requests, and nothing else has to
be installed or run. The limit: a job lives only as long as the process that runs it. When the process ends
(a restart, a deployment, gunicorn replacing a worker, a crash) the job is left "running"; it is shown as
failed once it has been unfinished for longer than STALE_AFTER, and the person can start it again.

Jobs are not audited: asking for a report writes no record of the registry (the files are made from the
records, like any page that shows them) — job creation and its outcome are logged instead. An audit entry of a
`reports.` record type would also change the reports' data version and so empty their cache.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

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


def launch(job: ReportJob, wait: float = 0.0) -> ReportJob:
    """Start the job's thread once the job is committed, and wait up to `wait` seconds for it to finish, so a
    report that is quick to make is served at once. Returns the job as it then stands."""
    threads: list[threading.Thread] = []
    # Runs now outside a transaction; inside one, after it commits (the thread must see the job's row).
    transaction.on_commit(lambda: threads.append(start(job.pk)))
    if threads and wait > 0:
        threads[0].join(wait)
        job.refresh_from_db()
    return job


def start(job_id: int) -> threading.Thread:
    thread = threading.Thread(target=_thread_main, args=(job_id,), name=f"report-job-{job_id}", daemon=True)
    thread.start()
    return thread


def _thread_main(job_id: int) -> None:
    try:
        run(job_id)
    finally:
        connection.close()  # the thread's own connection; Django closes request connections, not this one


def run(job_id: int) -> None:
    """Make the job's file and record how it went. Called in the job's thread (or directly, in tests)."""
    claimed = ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(
        status=ReportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:  # already run, or expired as stale
        return
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
        logger.exception("report job %s failed", job_id)
        running.update(
            status=ReportJob.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        return
    assert result.path is not None
    running.update(
        status=ReportJob.Status.DONE,
        stage=ReportJob.Stage.DONE,
        percent=100,
        result_path=result.path.relative_to(Path(settings.MEDIA_ROOT)).as_posix(),
        finished_at=timezone.now(),
    )
    seconds = time.perf_counter() - start_time
    logger.info("report job %s done in %.1f s (%s bytes)", job_id, seconds, len(result.content))


def expire_if_stale(job: ReportJob) -> ReportJob:
    """Mark the job failed if it has been unfinished for longer than STALE_AFTER (its process is gone)."""
    if job.finished:
        return job
    since = job.started_at or job.created_at
    if timezone.now() - since <= STALE_AFTER:
        return job
    expired = ReportJob.objects.filter(pk=job.pk, status__in=ReportJob.UNFINISHED).update(
        status=ReportJob.Status.FAILED, error=STALE_MESSAGE, finished_at=timezone.now()
    )
    if expired:
        logger.warning("report job %s unfinished since %s: marked failed", job.pk, since.isoformat())
    job.refresh_from_db()
    return job


def result_file(job: ReportJob) -> Path | None:
    """The finished job's file, if it is still there."""
    if job.status != ReportJob.Status.DONE or not job.result_path:
        return None
    cache = generate.cache_dir().resolve()
    path = (Path(settings.MEDIA_ROOT) / job.result_path).resolve()
    if not path.is_relative_to(cache) or not path.is_file():
        return None
    return path
