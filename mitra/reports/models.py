"""The narrative texts of a year's LAKIP, written in the app (everything else in a report is computed), and the
background jobs that make report files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.core.models import TrackedModel


class NarrativeKey(models.TextChoices):
    FOREWORD = "foreword", _("Foreword")
    SUMMARY = "summary", _("Executive summary")
    INTRODUCTION = "introduction", _("Introduction")
    PURPOSE = "purpose", _("Purpose and objectives")
    DUTIES = "duties", _("Duties and functions")
    STAFF = "staff", _("Staff profile")
    POTENTIAL = "potential", _("Potential and problems")
    PLANNING = "planning", _("Strategic plan")
    AGREEMENT = "agreement", _("Performance agreement")
    ACHIEVEMENT = "achievement", _("Performance achievement")
    ANALYSIS = "analysis", _("Analysis of the key indicator")
    ACTIVITIES = "activities", _("Activities")
    EFFICIENCY = "efficiency", _("Efficiency")
    BUDGET = "budget", _("Budget realisation")
    COMPARISON = "comparison", _("Comparison with earlier years")
    CONCLUSIONS = "conclusions", _("Conclusions")
    NEXT_STEPS = "next_steps", _("Next steps")


class Narrative(TrackedModel):
    year = models.PositiveSmallIntegerField(_("year"))
    key = models.CharField(_("section"), max_length=20, choices=NarrativeKey.choices)
    text = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "Paragraphs separated by a blank line; '- ' starts a bullet, '1. ' a numbered item; **bold**, *italic*; "
            "a figure by name in double braces, e.g. {{ budget.absorption_pct }}; a footnote as [^text]."
        ),
    )

    class Meta:
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")
        constraints = [models.UniqueConstraint(fields=["year", "key"], name="reports_narrative_year_key")]
        ordering = ["year", "key"]

    def __str__(self) -> str:
        return f"{self.get_key_display()} {self.year}"


class ReportJob(models.Model):
    """One request for a report file that was not in the cache: made by a task of the queue (jobs.py, tasks.py).

    Not a record of the registry: it is not audited and not versioned; it only says how far the file is and
    where it lies once made (a file of the reports cache, see generate.py)."""

    class Kind(models.TextChoices):
        LAKIP = "lakip", _("Performance report (LAKIP)")
        MONITORING = "monitoring", _("Quarterly monitoring report")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        # The values are generate.py's stage names.
        QUEUED = "queued", _("Waiting to start")
        READING = "reading", _("Reading the records")
        BUILDING = "building", _("Building the report")
        CHARTS = "charts", _("Drawing the charts")
        RENDERING = "rendering", _("Writing the file")
        DONE = "done", _("Done")

    UNFINISHED = (Status.QUEUED, Status.RUNNING)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("report"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=50, blank=True, help_text=_("Unit code; empty for the bureau."))
    fmt = models.CharField(_("format"), max_length=10)
    language = models.CharField(_("language"), max_length=5)
    data_version = models.PositiveBigIntegerField(_("data version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.QUEUED)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    result_path = models.CharField(_("file"), max_length=300, blank=True, help_text=_("Relative to MEDIA_ROOT."))
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True, help_text=_("The id of its task in the queue."))

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "status"], name="reports_job_user_status")]

    def __str__(self) -> str:
        what = f"{self.kind} {self.year}" + (f" TW{self.quarter} {self.unit or 'biro'}" if self.quarter else "")
        return f"#{self.pk} {what} {self.fmt} {self.language} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def get_absolute_url(self) -> str:
        return reverse("reports:job", args=[self.pk])

    def source_url(self) -> str:
        """The download link that asked for this report: following it again starts a new job if needed."""
        if self.kind == self.Kind.LAKIP:
            url = reverse("reports:lakip", args=[self.year, self.fmt])
        else:
            url = reverse("reports:monitoring", args=[self.year, self.quarter or 4, self.unit or "biro", self.fmt])
        return f"{url}?bahasa={self.language}"
