"""The narrative texts of a year's LAKIP, written in the app (everything else in a report is computed), and the
background jobs that make report files."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
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


class ReportKind(models.TextChoices):
    LAKIP = "lakip", _("Performance report (LAKIP)")
    MONITORING = "monitoring", _("Quarterly monitoring report")


class AppendOnlyMixin:
    """Rows that are only ever added: an issued revision is corrected by a newer one, never changed or removed."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:  # type: ignore[attr-defined]
            raise ValidationError(_("An issued report and its review are never changed; issue a new revision."))
        super().save(*args, **kwargs)  # type: ignore[misc]

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(_("An issued report and its review are never deleted."))


class ReportReview(AppendOnlyMixin, TrackedModel):
    """The internal auditor's (APIP, Inspektorat) statement that a report has been reviewed ("telah direviu"),
    recorded for the revision it clears for issue."""

    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices, default=ReportKind.LAKIP)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0, help_text=_("0 for the LAKIP."))
    unit = models.CharField(_("unit"), max_length=50, blank=True, help_text=_("Unit code; empty for the bureau."))
    revision = models.PositiveIntegerField(_("revision"))
    reviewer = models.CharField(_("reviewer"), max_length=200, help_text=_("The internal auditor who reviewed it."))
    reviewed_on = models.DateField(_("date of review"))
    statement = models.TextField(_("review statement"))

    class Meta:
        verbose_name = _("report review")
        verbose_name_plural = _("report reviews")
        ordering = ["kind", "year", "quarter", "unit", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "quarter", "unit", "revision"], name="reports_review_one_per_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} r{self.revision}: {self.reviewer} {self.reviewed_on}"


class IssuedReport(AppendOnlyMixin, TrackedModel):
    """One issued revision of a report: signed by the head of bureau, its figures and files frozen with their
    SHA-256. Revision 1 is the first issue; a later revision is a correction and says why."""

    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices, default=ReportKind.LAKIP)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0, help_text=_("0 for the LAKIP."))
    unit = models.CharField(_("unit"), max_length=50, blank=True, help_text=_("Unit code; empty for the bureau."))
    revision = models.PositiveIntegerField(_("revision"))
    review = models.ForeignKey(ReportReview, verbose_name=_("review"), on_delete=models.PROTECT, related_name="issued")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    reason = models.TextField(_("reason for the revision"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, help_text=_("The named figures as issued."))
    measurement = models.JSONField(
        _("measurement"), default=dict, blank=True, help_text=_("The year's measurement as issued (LAKIP only).")
    )
    figures_sha256 = models.CharField(_("SHA-256 of the figures"), max_length=64)
    data_version = models.PositiveBigIntegerField(_("data version"))

    class Meta:
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        ordering = ["kind", "year", "quarter", "unit", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "quarter", "unit", "revision"], name="reports_issued_one_per_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} r{self.revision}"

    def get_absolute_url(self) -> str:
        return reverse("reports:year", args=[self.year]) + f"#terbit-{self.revision}"


class IssuedFile(AppendOnlyMixin, TrackedModel):
    """One file of an issued revision, as it was made at the issue (kept in Django's storage)."""

    issued = models.ForeignKey(
        IssuedReport, verbose_name=_("issued report"), on_delete=models.PROTECT, related_name="files"
    )
    fmt = models.CharField(_("format"), max_length=10, help_text=_("html, pdf, docx, xlsx, or json (the figures)."))
    language = models.CharField(_("language"), max_length=5, blank=True, help_text=_("Empty for the figures."))
    file = models.FileField(_("file"), upload_to="issued-reports/", max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("issued report file")
        verbose_name_plural = _("issued report files")
        ordering = ["issued", "language", "fmt"]
        constraints = [
            models.UniqueConstraint(fields=["issued", "fmt", "language"], name="reports_issued_file_one_per_format")
        ]

    def __str__(self) -> str:
        return f"{self.issued} {self.language}.{self.fmt}"
