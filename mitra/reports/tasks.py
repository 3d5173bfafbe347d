"""The reports' tasks: making a job's file (jobs.py), and the daily pruning of old jobs and cached files."""

from __future__ import annotations

from django_tasks import task

from . import generate, jobs


class ReportJobFailed(Exception):
    """The job ended failed (its reason is on the job): raised so that the queue records the task failed too."""


@task()
def make_report(job_id: int, attempt: int = 1) -> str:
    status = jobs.run(job_id, attempt=attempt)
    if status == "failed":
        from .models import ReportJob

        raise ReportJobFailed(ReportJob.objects.filter(pk=job_id).values_list("error", flat=True).first() or "")
    return status


@task()
def prune_reports() -> dict[str, int]:
    """Report jobs finished long ago, and cached files of older data or not read for a long time."""
    return {"jobs": jobs.prune(), "files": generate.prune_cache()}


@task()
def issue_report(
    user_id: int,
    year: int,
    kind: str = "lakip",
    quarter: int | None = None,
    unit: str | None = None,
    reason: str = "",
    confirm_unapproved: bool = False,
) -> int:
    """Issue a report asked for from its page (services.report_issue re-checks everything); returns the revision."""
    import logging

    from mitra.core.models import User

    from . import services

    user = User.objects.get(pk=user_id)
    try:
        issued = services.report_issue(
            actor=user,
            year=year,
            kind=kind,
            quarter=quarter,
            unit=unit,
            reason=reason,
            confirm_unapproved=confirm_unapproved,
        )
    except Exception:
        logging.getLogger(__name__).exception("issuing %s %s for %s failed", kind, year, user.get_username())
        raise
    return issued.revision
