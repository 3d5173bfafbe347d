from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app reminder for a unit; `key` makes each reminder be sent once, whatever how often the job runs."""

    key = models.CharField(max_length=200, unique=True)
    unit = models.ForeignKey("core.OrganisationUnit", on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(max_length=300, blank=True)
    due_date = models.DateField(_("date concerned"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    emailed_to = models.TextField(blank=True)
    read_by = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="read_notifications")

    class Meta:
        app_label = "core"
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message
