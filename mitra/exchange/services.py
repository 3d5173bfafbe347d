"""The exchange app's writers: staging an uploaded workbook, committing it, the preview's bookkeeping marks, the
pruning of uploads never committed, and the calendar feed tokens.

An upload is a staging row (the workbook's bytes and options), not a domain record: the records an import makes
are written by their own services (through `imports.run`), each audited. Staging and committing check the
permission and are audited too; the preview's marks are written outside the request's transaction on purpose so
that they survive a worker killed mid-preview (see `imports.preview_upload`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core import audit
from mitra.core.models import AuditAction, User

from .models import CalendarFeed, ImportUpload

KEEP_DAYS = 7  # default of settings.MITRA_IMPORT_UPLOAD_KEEP_DAYS


def _require_import(actor: User) -> None:
    if not (actor.is_authenticated and actor.has_perm("exchange.import")):
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def stage_upload(*, actor: User, kind: str, filename: str, content: bytes, options: dict[str, Any]) -> ImportUpload:
    """Keep an uploaded workbook for its preview and commit (the bounds were checked by the caller)."""
    _require_import(actor)
    upload = ImportUpload.objects.create(
        user=actor, kind=kind, filename=filename[:255], content=content, options=options
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=upload,
        record_repr=f"{kind}: {upload.filename}"[:300],
        changes={"import_upload": [None, {"kind": kind, "filename": upload.filename, "bytes": len(content)}]},
    )
    return upload


@transaction.atomic
def commit_upload(*, actor: User, upload: ImportUpload) -> Any:
    """Import a staged workbook, all or nothing; the upload is marked committed in the same transaction, so a
    workbook is never imported twice. Returns the import's result (`result.committed` says whether it went in)."""
    from . import imports  # imports reads the workbook; it calls the record services for each row

    _require_import(actor)
    locked = ImportUpload.objects.select_for_update().get(pk=upload.pk)
    if locked.user_id != actor.pk or locked.committed_at is not None:
        raise PermissionDenied(_("This workbook was already imported."))
    result = imports.run(locked.kind, bytes(locked.content), actor=actor, options=locked.options, commit=True)
    if result.committed:
        locked.committed_at = upload.committed_at = timezone.now()
        locked.save(update_fields=["committed_at"])
        audit.record(
            actor=actor,
            action=AuditAction.STATE_CHANGE,
            instance=locked,
            record_repr=f"{locked.kind}: {locked.filename}"[:300],
            changes={"committed_at": [None, locked.committed_at], "rows": [None, len(result.rows)]},
        )
    return result


def mark_preview(upload: ImportUpload, **marks: Any) -> None:
    """Bookkeeping of a preview (`preview_started_at`, `preview_finished_at`, `failure`), written at once: a mark
    must survive the worker being killed during the preview, so it is not part of any larger transaction."""
    allowed = {"preview_started_at", "preview_finished_at", "failure"}
    if not marks or set(marks) - allowed:
        raise ValueError(f"marks must be among {sorted(allowed)}")
    for name, value in marks.items():
        setattr(upload, name, value)
    ImportUpload.objects.filter(pk=upload.pk).update(**marks)


def prune_uploads(*, days: int | None = None) -> int:
    """Delete uploads never committed that are older than `days` (settings.MITRA_IMPORT_UPLOAD_KEEP_DAYS, 7).

    For the `mitra exchange prune-uploads` command and the daily task; returns how many were deleted."""
    if days is None:
        days = int(getattr(settings, "MITRA_IMPORT_UPLOAD_KEEP_DAYS", KEEP_DAYS))
    if days < 0:
        raise ValueError("days must not be negative")
    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _by_model = ImportUpload.objects.filter(committed_at__isnull=True, created_at__lt=cutoff).delete()
    return deleted


# --- calendar feed tokens ------------------------------------------------------------------------------------


def feed_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def feed_create(*, actor: User) -> tuple[CalendarFeed, str]:
    """A new secret URL token for `actor`; any earlier feed of theirs is revoked (one live URL per user)."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("You do not have permission to do this."))
    feed_revoke_all(actor=actor)
    raw = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=actor, digest=feed_digest(raw))
    audit.record(actor=actor, action=AuditAction.CREATE, instance=feed, changes={"calendar_feed": [None, feed.pk]})
    return feed, raw


@transaction.atomic
def feed_revoke_all(*, actor: User) -> int:
    now = timezone.now()
    live = list(CalendarFeed.objects.select_for_update().filter(user=actor, revoked_at__isnull=True))
    for feed in live:
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action=AuditAction.UPDATE, instance=feed, changes={"revoked_at": [None, now]})
    return len(live)
