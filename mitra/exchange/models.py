"""A user's calendar feed (secret URL token, stored hashed, revocable) and uploaded import workbooks awaiting
their commit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


class ImportUpload(models.Model):
    """An uploaded workbook between its preview and its commit (kept so the commit reads exactly what was
    previewed)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    committed_at = models.DateTimeField(null=True, blank=True)
    # Written (and committed) before a preview runs and after it ends: a preview that started and never ended
    # took its worker down, and is not run again.
    preview_started_at = models.DateTimeField(null=True, blank=True)
    preview_finished_at = models.DateTimeField(null=True, blank=True)
    # Why the workbook cannot be imported at all (too large, not a workbook …): shown instead of a new preview.
    failure = models.TextField(blank=True)

    class Meta:
        verbose_name = _("import upload")
        verbose_name_plural = _("import uploads")

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"
