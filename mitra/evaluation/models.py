"""The SAKIP evaluation worksheet (LKE): its structure per year and version, the answers and the evidence.

The structure (components, sub-components, criteria, weights, answer scales) is data an administrator loads from
an XLSX worksheet (`workbook.py`), never code: the official worksheet changes between years. Loading a year again
makes a new version; answers and evidence belong to the criteria of their version, so an older version keeps its
answers. The scores are computed (`performance.metrics`), never stored."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.core.models import TrackedModel


class SubComponentKind(models.TextChoices):
    FULFILMENT = "pemenuhan", _("Fulfilment")
    QUALITY = "kualitas", _("Quality")
    USE = "pemanfaatan", _("Use")


class Scale(models.TextChoices):
    YES_NO = "YT", _("Y/T (yes or no)")
    A_TO_E = "AE", _("A–E")


class EvidenceYear(models.IntegerChoices):
    CURRENT = 0, _("year n")
    PREVIOUS = 1, _("year n−1")


class Worksheet(TrackedModel):
    year = models.PositiveSmallIntegerField(_("evaluation year"))
    number = models.PositiveSmallIntegerField(_("worksheet version"))
    source_name = models.CharField(_("loaded from"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="evaluation_worksheet_year_number")]
        verbose_name = _("evaluation worksheet (LKE)")
        verbose_name_plural = _("evaluation worksheets (LKE)")

    def __str__(self) -> str:
        return f"LKE {self.year} v{self.number}"


class Component(TrackedModel):
    worksheet = models.ForeignKey(
        Worksheet, verbose_name=_("worksheet"), on_delete=models.CASCADE, related_name="components"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("component"), max_length=300)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["worksheet", "order"]
        constraints = [models.UniqueConstraint(fields=["worksheet", "code"], name="evaluation_component_code")]
        verbose_name = _("component")
        verbose_name_plural = _("components")

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class SubComponent(TrackedModel):
    component = models.ForeignKey(
        Component, verbose_name=_("component"), on_delete=models.CASCADE, related_name="sub_components"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=20)
    kind = models.CharField(_("kind"), max_length=12, choices=SubComponentKind.choices)
    name = models.CharField(_("sub-component"), max_length=300)
    share_pct = models.DecimalField(_("share of the component's weight (%)"), max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["component", "order"]
        verbose_name = _("sub-component")
        verbose_name_plural = _("sub-components")

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Criterion(TrackedModel):
    worksheet = models.ForeignKey(
        Worksheet, verbose_name=_("worksheet"), on_delete=models.CASCADE, related_name="criteria"
    )
    sub_component = models.ForeignKey(
        SubComponent, verbose_name=_("sub-component"), on_delete=models.CASCADE, related_name="criteria"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=20)
    text = models.TextField(_("criterion"))
    scale = models.CharField(_("answer scale"), max_length=2, choices=Scale.choices)
    depends_on = models.ForeignKey(
        "self",
        verbose_name=_("rests on"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dependents",
        help_text=_("The criterion whose answer this one may not exceed."),
    )
    evidence_kinds = models.CharField(_("evidence Mitra looks for"), max_length=200, blank=True)
    evidence_year = models.PositiveSmallIntegerField(
        _("evidence of"), choices=EvidenceYear.choices, default=EvidenceYear.CURRENT
    )

    class Meta:
        ordering = ["worksheet", "order"]
        constraints = [models.UniqueConstraint(fields=["worksheet", "code"], name="evaluation_criterion_code")]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return f"{self.code} {self.text[:80]}"


class Answer(TrackedModel):
    """The unit's own answer to one criterion and, beside it, the evaluator's."""

    criterion = models.OneToOneField(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="answer"
    )
    own_answer = models.CharField(_("unit's answer"), max_length=1, blank=True)
    own_note = models.TextField(_("unit's note"), blank=True)
    evaluator_answer = models.CharField(_("evaluator's answer"), max_length=1, blank=True)
    evaluator_note = models.TextField(_("evaluator's note"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.own_answer or '-'} / {self.evaluator_answer or '-'}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .scales import choices_of

        allowed = [c for c, _label in choices_of(self.criterion.scale)]
        errors = {}
        for name in ("own_answer", "evaluator_answer"):
            value = getattr(self, name)
            if value and value not in allowed:
                errors[name] = _("Choose one of %(choices)s.") % {"choices": ", ".join(allowed)}
        if errors:
            raise ValidationError(errors)


class Evidence(TrackedModel):
    """A link from a criterion to a Mitra record (or document) that shows it is met."""

    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("kind of evidence"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("record"))
    year = models.PositiveSmallIntegerField(_("year"))
    label = models.CharField(_("evidence"), max_length=300)
    url = models.CharField(_("link"), max_length=300)
    suggested = models.BooleanField(_("suggested by Mitra"), default=False)

    class Meta:
        ordering = ["criterion", "kind", "year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "kind", "object_id"], name="evaluation_evidence_once")
        ]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.label


class GivenGrade(models.TextChoices):
    AA = "AA", "AA"
    A = "A", "A"
    BB = "BB", "BB"
    B = "B", "B"
    CC = "CC", "CC"
    C = "C", "C"
    D = "D", "D"


class EvaluationReport(TrackedModel):
    """The evaluator's report (LHE, laporan hasil evaluasi) of a year: the official grade and its recommendations.
    One per evaluation year; its file is attached through the documents app."""

    year = models.PositiveSmallIntegerField(_("evaluation year"), unique=True)
    number = models.CharField(_("report number"), max_length=100)
    issued_on = models.DateField(_("report date"))
    evaluator = models.CharField(_("evaluator"), max_length=200)
    score = models.DecimalField(_("value given"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("grade given"), max_length=2, choices=GivenGrade.choices)
    notes = models.TextField(_("notes"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Some details are plausible, not from an official source.")
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("evaluation report (LHE)")
        verbose_name_plural = _("evaluation reports (LHE)")

    def __str__(self) -> str:
        return f"LHE {self.year} ({self.number})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("evaluation:report", args=[self.year])

    def clean(self) -> None:
        from decimal import Decimal

        from django.core.exceptions import ValidationError

        errors = {}
        if self.score is not None and not Decimal(0) <= self.score <= Decimal(100):
            errors["score"] = _("Enter a value between 0 and 100.")
        if self.year and self.issued_on and self.issued_on.year < self.year:
            errors["issued_on"] = _("The report cannot be dated before the year it evaluates.")
        if errors:
            raise ValidationError(errors)


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_RECOMMENDATION = (RecommendationStatus.OPEN, RecommendationStatus.IN_PROGRESS)


class Recommendation(TrackedModel):
    """One recommendation of an evaluation report, followed up as work: its owner (a unit, and a person in it),
    the action plan, the due date, the status and what was done."""

    report = models.ForeignKey(
        EvaluationReport, verbose_name=_("evaluation report"), on_delete=models.CASCADE, related_name="recommendations"
    )
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    text = models.TextField(_("recommendation"))
    owner_unit = models.ForeignKey(
        "core.OrganisationUnit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        "core.User",
        verbose_name=_("person responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluation_recommendations",
    )
    action_plan = models.TextField(_("action plan"), blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=15, choices=RecommendationStatus.choices, default=RecommendationStatus.OPEN
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    result = models.TextField(_("what was done"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Some details are plausible, not from an official source.")
    )

    class Meta:
        ordering = ["report", "order", "id"]
        verbose_name = _("evaluation recommendation")
        verbose_name_plural = _("evaluation recommendations")

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:80]}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("evaluation:recommendation", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in (RecommendationStatus.DONE, RecommendationStatus.CANCELLED)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.status == RecommendationStatus.DONE and not self.completed_on:
            errors["completed_on"] = _("Give the date the action was completed.")
        if self.owner is not None and self.owner_unit_id and not self.owner_unit.contains(self.owner.unit):
            errors["owner"] = _("Choose a person of the responsible unit.")
        if errors:
            raise ValidationError(errors)


class Scorecard(TrackedModel):
    """A unit's scorecard of a year: its indicators grouped by perspective, with the cap on the achievement index,
    the bands that turn an index into a score, and the weights. Configuration data (`services.configure_scorecard`,
    `mitra scorecard load`, the configuration page); the scores are computed (`performance.metrics`), never stored.

    Versioned: a change of the configuration is a new revision (with its reason); the revisions before it stay as
    they were, so the score a period had under an earlier configuration can still be shown beside the new one."""

    unit = models.ForeignKey(
        "core.OrganisationUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    reason = models.TextField(_("reason for the change"), blank=True)
    cap_pct = models.DecimalField(
        _("achievement index cap (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("An achievement above it counts as the cap; empty: not capped."),
    )
    notes = models.TextField(_("notes"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Some details are plausible, not from an official source.")
    )

    class Meta:
        ordering = ["-year", "unit__path", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "revision"], name="evaluation_scorecard_revision")
        ]
        verbose_name = _("unit scorecard")
        verbose_name_plural = _("unit scorecards")

    def __str__(self) -> str:
        return f"{self.unit} {self.year}" + (f" (rev. {self.revision})" if self.revision > 1 else "")


class ScorecardBand(TrackedModel):
    """An achievement index at or above `min_index` earns `score` on the scorecard's scale, named `label`."""

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="bands"
    )
    min_index = models.DecimalField(_("from index (%)"), max_digits=6, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    label = models.CharField(_("label"), max_length=60)

    class Meta:
        ordering = ["scorecard", "-min_index"]
        verbose_name = _("scorecard band")
        verbose_name_plural = _("scorecard bands")

    def __str__(self) -> str:
        return f"≥ {self.min_index}: {self.score} {self.label}"


class ScorecardPerspective(TrackedModel):
    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="perspectives"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("perspective"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Some details are plausible, not from an official source.")
    )

    class Meta:
        ordering = ["scorecard", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "code"], name="evaluation_scorecard_perspective_code")
        ]
        verbose_name = _("perspective")
        verbose_name_plural = _("perspectives")

    def __str__(self) -> str:
        return self.name


class ScorecardItem(TrackedModel):
    """An indicator of the unit in a perspective, with its weight within the perspective."""

    perspective = models.ForeignKey(
        ScorecardPerspective, verbose_name=_("perspective"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    indicator = models.ForeignKey(
        "performance.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)

    class Meta:
        ordering = ["perspective", "order"]
        verbose_name = _("scorecard indicator")
        verbose_name_plural = _("scorecard indicators")

    def __str__(self) -> str:
        return f"{self.perspective}: {self.indicator}"
