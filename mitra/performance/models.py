"""The SAKIP cycle: strategic plan (Renstra), indicators and targets, RKT and PK, budget structure, quarterly
realisation with its approval, and the per-year settings (efficiency standard, achievement bands, SAKIP score).

Money is whole rupiah (BigIntegerField); volumes and targets are Decimals. Figures that can be computed
(achievement, absorption, efficiency) are never stored: metrics.py computes them from these rows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.core import formatting
from mitra.core.models import OrganisationUnit, TrackedModel

NOT_NEGATIVE_AMOUNT = MinValueValidator(0, message=_("Enter an amount of zero or more."))
NOT_NEGATIVE_VOLUME = MinValueValidator(Decimal(0), message=_("Enter a volume of zero or more."))


def money_field(verbose_name: Any, **kwargs: Any) -> models.BigIntegerField:
    return formatting.money(models.BigIntegerField(verbose_name, validators=[NOT_NEGATIVE_AMOUNT], **kwargs))


def volume_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2, validators=[NOT_NEGATIVE_VOLUME], **kwargs
    )


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class SourceKind(models.TextChoices):
    ENTERED = "entered", _("Entered")
    COMPUTED = "computed", _("Computed from the registry")


class OutputUnit(models.TextChoices):
    REPORT = "report", _("report")
    DOCUMENT = "document", _("document")
    STUDY = "study", _("study")
    TRIP = "trip", _("trip")
    EDITION = "edition", _("edition")
    EVENT = "event", _("event")
    PERSON = "person", _("person")
    UNIT = "unit", _("unit")
    DISCUSSION = "discussion", _("discussion")


class Quarter(models.IntegerChoices):
    Q1 = 1, _("Quarter I")
    Q2 = 2, _("Quarter II")
    Q3 = 3, _("Quarter III")
    Q4 = 4, _("Quarter IV")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    APPROVED = "approved", _("Approved (locked)")


class DocumentKind(models.TextChoices):
    RKT = "rkt", _("Annual performance plan (RKT)")
    PK = "pk", _("Performance agreement (PK)")


# --- the year ----------------------------------------------------------------------------------------------


class PerformanceYear(TrackedModel):
    """Settings and evaluator results of one fiscal year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    efficiency_standard = models.DecimalField(
        _("efficiency standard (SE)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.001"), message=_("The efficiency standard is positive."))],
        help_text=_("IE is compared with this; 1 = output as planned for the budget planned."),
    )
    budget_tolerance_pct = models.DecimalField(
        _("budget tolerance (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("A unit spending less than its planned budget by more than this is marked behind plan."),
    )
    sakip_score = models.DecimalField(
        _("SAKIP score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    sakip_target_score = models.DecimalField(
        _("SAKIP target score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    reported_absorption_pct = models.DecimalField(
        _("reported budget absorption (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Only for years whose budget is not recorded sub-activity by sub-activity."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("performance year")
        verbose_name_plural = _("performance years")

    def __str__(self) -> str:
        return str(self.year)


class AchievementBand(TrackedModel):
    """A category of achievement (kriteria capaian). Bands without a year are the defaults."""

    year = models.ForeignKey(
        PerformanceYear,
        verbose_name=_("year"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bands",
        help_text=_("Empty: a default band, used for every year that has none of its own."),
    )
    min_pct = models.DecimalField(_("from achievement (%)"), max_digits=7, decimal_places=2)
    label = models.CharField(_("category"), max_length=60)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Not taken from an official source.")
    )

    class Meta:
        ordering = ["year__year", "-min_pct"]
        verbose_name = _("achievement band")
        verbose_name_plural = _("achievement bands")
        constraints = [models.UniqueConstraint(fields=["year", "min_pct"], name="band_unique_floor")]

    def __str__(self) -> str:
        return f"≥ {self.min_pct} %: {self.label}"


# --- the strategic plan ------------------------------------------------------------------------------------


class StrategicPlan(TrackedModel):
    """Renstra: five years of vision, missions, goals, strategic targets, indicators and funding."""

    name = models.CharField(_("name"), max_length=200)
    owner_unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="strategic_plans"
    )
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    vision = models.TextField(_("vision"))
    missions = models.TextField(_("missions"), help_text=_("One mission per line."))
    decree = models.CharField(_("decree"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("strategic plan (Renstra)")
        verbose_name_plural = _("strategic plans (Renstra)")

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    @property
    def mission_list(self) -> list[str]:
        return [line.strip() for line in self.missions.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The last year cannot come before the first.")})


def check_year_in_plan(plan: StrategicPlan | None, year: int | None, field: str = "year") -> None:
    if plan is not None and year is not None and year not in plan.years:
        raise ValidationError(
            {
                field: _("%(year)s is outside the plan period %(start)s–%(end)s.")
                % {"year": year, "start": plan.start_year, "end": plan.end_year}
            }
        )


class Goal(TrackedModel):
    """Tujuan."""

    plan = models.ForeignKey(
        StrategicPlan, verbose_name=_("strategic plan"), on_delete=models.CASCADE, related_name="goals"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("goal"))

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.plan.owner_unit


class StrategicTarget(TrackedModel):
    """Sasaran strategis."""

    plan = models.ForeignKey(
        StrategicPlan, verbose_name=_("strategic plan"), on_delete=models.CASCADE, related_name="strategic_targets"
    )
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), null=True, blank=True, on_delete=models.SET_NULL, related_name="targets"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("strategic target"))

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("strategic target")
        verbose_name_plural = _("strategic targets")

    def __str__(self) -> str:
        return self.text[:80]


class ActivityTarget(TrackedModel):
    """Sasaran kegiatan of one year (Table 3 of the report)."""

    plan = models.ForeignKey(
        StrategicPlan, verbose_name=_("strategic plan"), on_delete=models.CASCADE, related_name="activity_targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("activity target"))
    programme_text = models.TextField(_("programmes and activities"), blank=True, help_text=_("One per line."))

    class Meta:
        ordering = ["year", "order"]
        verbose_name = _("activity target")
        verbose_name_plural = _("activity targets")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def programme_list(self) -> list[str]:
        return [line.strip() for line in self.programme_text.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.plan_id:
            check_year_in_plan(self.plan, self.year)


class FundingFramework(TrackedModel):
    """Kerangka pendanaan: the money the plan foresees for one year."""

    plan = models.ForeignKey(
        StrategicPlan, verbose_name=_("strategic plan"), on_delete=models.CASCADE, related_name="funding"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = money_field(_("amount (Rp)"))

    class Meta:
        ordering = ["plan", "year"]
        verbose_name = _("funding framework")
        verbose_name_plural = _("funding framework")
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="funding_one_per_year")]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}"

    def clean(self) -> None:
        if self.plan_id:
            check_year_in_plan(self.plan, self.year)


class Indicator(TrackedModel):
    """A performance indicator: of a strategic target (IKU) or of an activity target."""

    plan = models.ForeignKey(
        StrategicPlan, verbose_name=_("strategic plan"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.TextField(_("indicator"))
    unit_of_measure = models.CharField(_("unit of measure"), max_length=60)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    strategic_target = models.ForeignKey(
        StrategicTarget,
        verbose_name=_("strategic target"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    activity_target = models.ForeignKey(
        ActivityTarget,
        verbose_name=_("activity target"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    is_key = models.BooleanField(_("key performance indicator (IKU)"), default=False)
    source_kind = models.CharField(
        _("realisation"), max_length=10, choices=SourceKind.choices, default=SourceKind.ENTERED
    )
    source_key = models.CharField(
        _("registry source"),
        max_length=80,
        blank=True,
        help_text=_("For a computed indicator: the registry figure it is computed from."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The indicator's operational definition (Manual IKU), printed in the LAKIP for each key indicator.
    definition = models.TextField(_("operational definition"), blank=True)
    formula = models.TextField(_("formula"), blank=True, help_text=_("How the realisation is computed or counted."))
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    frequency = models.CharField(_("measurement frequency"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_per_plan")]

    def __str__(self) -> str:
        return self.name[:100]

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.plan.owner_unit

    def clean(self) -> None:
        if self.source_kind == SourceKind.COMPUTED and not self.source_key:
            raise ValidationError({"source_key": _("Name the registry source of a computed indicator.")})
        if self.source_kind == SourceKind.ENTERED and self.source_key:
            self.source_key = ""


class IndicatorTarget(TrackedModel):
    """An indicator's target for one year, and its entered realisation (for indicators that are entered)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target = volume_field(_("target"))
    target_label = models.CharField(
        _("target as written"), max_length=60, blank=True, help_text=_('E.g. a grade ("A") when the plan names one.')
    )
    realised = volume_field(_("realisation"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="target_one_per_year")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}"

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.indicator.plan.owner_unit

    def clean(self) -> None:
        if self.indicator_id:
            check_year_in_plan(self.indicator.plan, self.year)


# --- RKT and PK --------------------------------------------------------------------------------------------


class PerformanceDocument(TrackedModel):
    """An RKT or a PK of one year. A correction to a signed one is a new revision; the original stays."""

    kind = models.CharField(_("kind"), max_length=5, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    plan = models.ForeignKey(
        StrategicPlan, verbose_name=_("strategic plan"), on_delete=models.PROTECT, related_name="documents"
    )
    owner_unit = models.ForeignKey(OrganisationUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    first_party_name = models.CharField(_("first party"), max_length=200)
    first_party_position = models.CharField(_("first party's position"), max_length=200)
    second_party_name = models.CharField(_("second party"), max_length=200, blank=True)
    second_party_position = models.CharField(_("second party's position"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    budget = money_field(_("budget (Rp)"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-year", "kind", "-revision"]
        verbose_name = _("performance document")
        verbose_name_plural = _("performance documents")
        constraints = [models.UniqueConstraint(fields=["kind", "year", "revision"], name="document_revision")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}" + (f" (rev. {self.revision})" if self.revision > 1 else "")

    def clean(self) -> None:
        if self.plan_id:
            check_year_in_plan(self.plan, self.year)
        if self.supersedes_id and not self.correction_reason.strip():
            raise ValidationError({"correction_reason": _("Give the reason for correcting a signed document.")})


class PerformanceDocumentLine(TrackedModel):
    document = models.ForeignKey(
        PerformanceDocument, verbose_name=_("document"), on_delete=models.CASCADE, related_name="lines"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    target = volume_field(_("target"))
    target_label = models.CharField(_("target as written"), max_length=60, blank=True)
    budget = money_field(_("budget (Rp)"), null=True, blank=True)

    class Meta:
        ordering = ["document", "indicator__order"]
        verbose_name = _("document line")
        verbose_name_plural = _("document lines")

    def __str__(self) -> str:
        return f"{self.document}: {self.indicator.code}"


# --- budget structure --------------------------------------------------------------------------------------


class Program(TrackedModel):
    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("program"), max_length=300)

    class Meta:
        ordering = ["year", "code"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [models.UniqueConstraint(fields=["year", "code"], name="program_code_per_year")]

    def __str__(self) -> str:
        return self.name


class Activity(TrackedModel):
    """Kegiatan."""

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="activities")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("activity"), max_length=300)

    class Meta:
        ordering = ["program", "code"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.name


class Output(TrackedModel):
    """Keluaran, coded (007, 996, 997)."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="outputs")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("output"), max_length=300)

    class Meta:
        ordering = ["activity", "code"]
        verbose_name = _("output")
        verbose_name_plural = _("outputs")

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class SubActivity(TrackedModel):
    """Sub kegiatan / komponen: the unit of planning and monitoring, owned by its responsible unit."""

    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    output = models.ForeignKey(
        Output, verbose_name=_("output"), on_delete=models.PROTECT, related_name="sub_activities"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("sub-activity"), max_length=300)
    owner_unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="sub_activities"
    )
    ceiling = money_field(_("original ceiling (Rp)"))
    output_target = volume_field(_("output target"))
    output_unit = models.CharField(_("unit of output"), max_length=20, choices=OutputUnit.choices)
    output_description = models.CharField(_("output indicator"), max_length=300, blank=True)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator served"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sub_activities",
    )
    is_illustrative_unit = models.BooleanField(
        _("responsible unit is illustrative"), default=False, help_text=_("Not taken from an official source.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["year", "number"]
        verbose_name = _("sub-activity")
        verbose_name_plural = _("sub-activities")
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="sub_activity_number_per_year")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class BudgetRevision(TrackedModel):
    """A change of a sub-activity's ceiling during the year, effective from a date."""

    sub_activity = models.ForeignKey(
        SubActivity, verbose_name=_("sub-activity"), on_delete=models.CASCADE, related_name="revisions"
    )
    effective_on = models.DateField(_("effective from"))
    ceiling = money_field(_("new ceiling (Rp)"))
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["sub_activity", "effective_on", "id"]
        verbose_name = _("budget revision")
        verbose_name_plural = _("budget revisions")

    def __str__(self) -> str:
        return f"{self.sub_activity} @ {self.effective_on}"

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.sub_activity.owner_unit

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not (self.reason or "").strip():
            errors["reason"] = _("Give the reason for the revision.")
        if self.sub_activity_id and self.effective_on and self.effective_on.year != self.sub_activity.year:
            errors["effective_on"] = _("A revision of %(year)s takes effect in %(year)s.") % {
                "year": self.sub_activity.year
            }
        if errors:
            raise ValidationError(errors)


# --- quarterly realisation ---------------------------------------------------------------------------------


class QuarterReport(TrackedModel):
    """One unit's quarter: its entries move together through submit → verify → approve (locked)."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=Quarter.choices)
    unit = models.ForeignKey(OrganisationUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["year", "quarter", "unit__path"]
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        constraints = [models.UniqueConstraint(fields=["year", "quarter", "unit"], name="one_report_per_unit_quarter")]

    def __str__(self) -> str:
        return f"{self.unit.short_name or self.unit.name} · {self.get_quarter_display()} {self.year}"

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.unit

    @property
    def is_open(self) -> bool:
        return self.status == ReportStatus.DRAFT

    @property
    def is_locked(self) -> bool:
        return self.status == ReportStatus.APPROVED


class QuarterEntry(TrackedModel):
    """A sub-activity in one quarter: the plan, and what was realised, with obstacles and follow-up."""

    sub_activity = models.ForeignKey(
        SubActivity, verbose_name=_("sub-activity"), on_delete=models.PROTECT, related_name="quarters"
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=Quarter.choices)
    planned_output = volume_field(_("planned output"), default=Decimal(0))
    planned_budget = money_field(_("planned budget (Rp)"), default=0)
    output_realised = volume_field(_("output realised"), null=True, blank=True)
    budget_realised = money_field(_("budget realised (Rp)"), null=True, blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    follow_up = models.TextField(_("follow-up plan"), blank=True)
    evidence = models.TextField(
        _("evidence"), blank=True, help_text=_("Links to documents or registry records, one per line.")
    )
    over_ceiling_reason = models.TextField(
        _("reason for spending above the ceiling"),
        blank=True,
        help_text=_("Needed only when the year's realised budget would exceed the ceiling in force."),
    )
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Not taken from an official source.")
    )

    class Meta:
        ordering = ["sub_activity__year", "sub_activity__number", "quarter"]
        verbose_name = _("quarterly entry")
        verbose_name_plural = _("quarterly entries")
        constraints = [models.UniqueConstraint(fields=["sub_activity", "quarter"], name="one_entry_per_quarter")]

    def __str__(self) -> str:
        return f"{self.sub_activity} · {self.get_quarter_display()}"

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.sub_activity.owner_unit

    @property
    def evidence_links(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]


# --- cascading to every unit: unit indicators, unit PKs, action plans ---------------------------------------


# What a unit indicator's form shows and its services write (besides where it sits in the tree and the
# illustrative mark): declared once here.
UNIT_INDICATOR_DESCRIPTION = (
    "unit",
    "code",
    "name",
    "unit_of_measure",
    "order",
    "definition",
    "formula",
    "data_source",
    "frequency",
    "notes",
)


class UnitIndicator(TrackedModel):
    """A unit's own indicator in the performance tree: it cascades a bureau indicator (a division's indicator) or
    another unit indicator (a sub-division's, beneath its division's)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("bureau indicator"), on_delete=models.PROTECT, related_name="unit_indicators"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cascaded from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Empty: cascaded directly from the bureau indicator."),
    )
    unit = models.ForeignKey(OrganisationUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name = models.TextField(_("indicator"))
    unit_of_measure = models.CharField(_("unit of measure"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The unit indicator's manual (operational definition), as the bureau indicator has its own.
    definition = models.TextField(_("operational definition"), blank=True)
    formula = models.TextField(_("formula"), blank=True, help_text=_("How the realisation is computed or counted."))
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    frequency = models.CharField(_("measurement frequency"), max_length=100, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Not taken from an official source.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["indicator__order", "unit__path", "order", "code"]
        verbose_name = _("unit indicator")
        verbose_name_plural = _("unit indicators")
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="unit_indicator_code_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit.short_name or self.unit.name}: {self.name[:80]}"

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.unit

    @property
    def source_unit(self) -> OrganisationUnit:
        """The unit it cascades from: the parent indicator's unit, else the plan's unit (the bureau)."""
        if self.parent is not None:
            return self.parent.unit
        return self.indicator.plan.owner_unit

    def clean(self) -> None:
        if not self.parent_id and self.unit_id and self.indicator_id:
            owner = self.indicator.plan.owner_unit
            if self.unit_id == owner.pk or not owner.contains(self.unit):
                raise ValidationError({"unit": _("An indicator cascades to a unit beneath the plan's unit.")})
        if self.parent_id and self.unit_id:
            parent = self.parent
            assert parent is not None
            if parent.unit_id == self.unit_id or not parent.unit.contains(self.unit):
                raise ValidationError({"parent": _("An indicator cascades to a unit beneath the unit it comes from.")})
            if self.indicator_id and parent.indicator_id != self.indicator_id:
                raise ValidationError({"parent": _("The indicator it cascades from serves another bureau indicator.")})


class UnitIndicatorTarget(TrackedModel):
    """A unit indicator's target for one year."""

    unit_indicator = models.ForeignKey(
        UnitIndicator, verbose_name=_("unit indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target = volume_field(_("target"))
    target_label = models.CharField(_("target as written"), max_length=60, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Not taken from an official source.")
    )

    class Meta:
        ordering = ["unit_indicator", "year"]
        verbose_name = _("unit indicator target")
        verbose_name_plural = _("unit indicator targets")
        constraints = [models.UniqueConstraint(fields=["unit_indicator", "year"], name="unit_target_one_per_year")]

    def __str__(self) -> str:
        return f"{self.unit_indicator.code} {self.year}"

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.unit_indicator.unit

    def clean(self) -> None:
        if self.unit_indicator_id:
            check_year_in_plan(self.unit_indicator.indicator.plan, self.year)


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved by leadership")


DEFAULT_PLEDGE = (
    "Pihak pertama berjanji akan mewujudkan target kinerja yang seharusnya sesuai lampiran perjanjian ini, dalam "
    "rangka mencapai target kinerja jangka menengah seperti yang telah ditetapkan dalam dokumen perencanaan. "
    "Keberhasilan dan kegagalan pencapaian target kinerja tersebut menjadi tanggung jawab kami.\n\n"
    "Pihak kedua akan melakukan supervisi yang diperlukan serta akan melakukan evaluasi terhadap capaian kinerja "
    "dari perjanjian ini dan mengambil tindakan yang diperlukan dalam rangka pemberian penghargaan dan sanksi."
)


class UnitAgreement(TrackedModel):
    """A unit head's performance agreement (PK) of one year. Never edited: an amendment is a new revision that
    names the one it replaces and the reason; every revision stays."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(OrganisationUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("amends"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    first_party_name = models.CharField(_("first party"), max_length=200)
    first_party_position = models.CharField(_("first party's position"), max_length=200)
    second_party_name = models.CharField(_("second party"), max_length=200)
    second_party_position = models.CharField(_("second party's position"), max_length=200)
    pledge = models.TextField(_("pledge"), default=DEFAULT_PLEDGE)
    programme = models.CharField(_("programme"), max_length=300, blank=True)
    activity = models.CharField(_("activity"), max_length=300, blank=True)
    budget = money_field(_("budget (Rp)"), default=0)
    place = models.CharField(_("place of signing"), max_length=100, default="Jakarta")
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT, editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Not taken from an official source.")
    )

    class Meta:
        ordering = ["-year", "unit__path", "-revision"]
        verbose_name = _("unit performance agreement")
        verbose_name_plural = _("unit performance agreements")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "revision"], name="unit_agreement_revision"),
        ]

    def __str__(self) -> str:
        name = self.unit.short_name or self.unit.name
        return f"PK {name} {self.year}" + (f" (rev. {self.revision})" if self.revision > 1 else "")

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.unit

    def clean(self) -> None:
        if self.supersedes_id and not self.amendment_reason.strip():
            raise ValidationError({"amendment_reason": _("Give the reason for amending the agreement.")})


class UnitAgreementLine(TrackedModel):
    """An indicator and its target as the agreement states it (a copy: the agreement keeps what was signed)."""

    agreement = models.ForeignKey(
        UnitAgreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="lines"
    )
    unit_indicator = models.ForeignKey(
        UnitIndicator, verbose_name=_("unit indicator"), on_delete=models.PROTECT, related_name="+"
    )
    target = volume_field(_("target"))
    target_label = models.CharField(_("target as written"), max_length=60, blank=True)

    class Meta:
        ordering = ["agreement", "unit_indicator__indicator__order", "unit_indicator__order"]
        verbose_name = _("agreement line")
        verbose_name_plural = _("agreement lines")

    def __str__(self) -> str:
        return f"{self.agreement}: {self.unit_indicator.code}"

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.agreement.unit


class ActionPlan(TrackedModel):
    """Rencana aksi: what a unit plans to reach for one of its indicators in one quarter, the actions that will get
    it there, and (in the quarterly realisation) what it reached."""

    unit_indicator = models.ForeignKey(
        UnitIndicator, verbose_name=_("unit indicator"), on_delete=models.CASCADE, related_name="action_plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=Quarter.choices)
    target = volume_field(_("quarter target"))
    actions = models.TextField(_("planned actions"), help_text=_("One action per line."))
    realised = volume_field(_("realised in the quarter"), null=True, blank=True)
    realisation_note = models.TextField(_("what was done"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Not taken from an official source.")
    )

    class Meta:
        ordering = ["year", "unit_indicator", "quarter"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(fields=["unit_indicator", "year", "quarter"], name="action_plan_per_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.unit_indicator.code} {self.year} T{self.quarter}"

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.unit_indicator.unit

    @property
    def action_list(self) -> list[str]:
        return [line.strip() for line in self.actions.splitlines() if line.strip()]

    def clean(self) -> None:
        if not (self.actions or "").strip():
            raise ValidationError({"actions": _("Name at least one action planned for the quarter.")})
        if self.unit_indicator_id and self.year:
            check_year_in_plan(self.unit_indicator.indicator.plan, self.year)
