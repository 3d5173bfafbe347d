"""The exchange app's task: the daily pruning of uploaded workbooks never imported (`mitra exchange prune-uploads`)."""

from __future__ import annotations

from django_tasks import task

from mitra.exchange.services import prune_uploads as prune
from mitra.tasks import retry


@task()
def prune_uploads(attempt: int = 1) -> int:
    """Delete uploads never committed older than MITRA_IMPORT_UPLOAD_KEEP_DAYS; returns how many."""
    try:
        return prune()
    except Exception:
        retry.again(prune_uploads, attempt)
        raise
