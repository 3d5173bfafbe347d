"""The narrative texts of a year's LAKIP, written in the app; everything else in a report is computed."""

from __future__ import annotations

from django.db import models
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
