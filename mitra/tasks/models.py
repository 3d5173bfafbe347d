"""The runs of the daily schedule (schedule.py): one row per task and day, so that several workers on several
machines enqueue each daily task once."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    name = models.CharField(_("task"), max_length=60)
    day = models.DateField(_("day"))
    enqueued_at = models.DateTimeField(_("enqueued at"), default=timezone.now)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-day", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="tasks_scheduledrun_name_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.day.isoformat()}"
