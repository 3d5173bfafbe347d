"""The queue's own upkeep: finished task results and schedule rows older than MITRA_KEEP_FINISHED_JOBS_DAYS."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .models import ScheduledRun


@task()
def prune_queue() -> dict[str, int]:
    from django_tasks_db.models import DBTaskResult

    before = timezone.now() - timedelta(days=settings.MITRA_KEEP_FINISHED_JOBS_DAYS)
    results, _ = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()
    runs, _ = ScheduledRun.objects.filter(day__lt=before.date()).delete()
    return {"results": results, "runs": runs}
