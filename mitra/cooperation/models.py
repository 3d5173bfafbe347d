"""The registry of BPOM's international cooperation: cooperations and their agreements, position papers, studies
and explorations, meetings with their delegations, follow-up actions, outreach events and publications.

Every record belongs to a responsible unit (`owner_unit`), which decides who may edit it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.core import formatting
from mitra.core.lookups import InLiteral
from mitra.core.models import DerivesFields, OrganisationUnit, SoftDeleteModel, StaffMember
from mitra.partners.models import Country, Forum, Institution


class Scope(models.TextChoices):
    BILATERAL = "bilateral", _("Bilateral")
    REGIONAL = "regional", _("Regional")
    MULTILATERAL = "multilateral", _("Multilateral / international organisation")


class Stage(models.TextChoices):
    EXPLORATION = "exploration", _("Exploration")
    NEGOTIATION = "negotiation", _("Negotiation / drafting")
    SIGNED = "signed", _("Signed")
    IMPLEMENTATION = "implementation", _("In force / implementation")
    EVALUATION = "evaluation", _("Evaluation")
    ENDED = "ended", _("Ended")
    RENEWED = "renewed", _("Renewed")
    CANCELLED = "cancelled", _("Cancelled")


# The lifecycle: which stage may follow which. Ending, renewing and cancelling close the cycle; a renewed
# cooperation goes back into implementation.
STAGE_TRANSITIONS: dict[str, set[str]] = {
    Stage.EXPLORATION: {Stage.NEGOTIATION, Stage.CANCELLED, Stage.IMPLEMENTATION},
    Stage.NEGOTIATION: {Stage.SIGNED, Stage.EXPLORATION, Stage.CANCELLED},
    Stage.SIGNED: {Stage.IMPLEMENTATION, Stage.CANCELLED},
    Stage.IMPLEMENTATION: {Stage.EVALUATION, Stage.ENDED, Stage.RENEWED, Stage.CANCELLED},
    Stage.EVALUATION: {Stage.IMPLEMENTATION, Stage.RENEWED, Stage.ENDED},
    Stage.RENEWED: {Stage.IMPLEMENTATION, Stage.EVALUATION, Stage.ENDED},
    Stage.ENDED: {Stage.RENEWED},
    Stage.CANCELLED: {Stage.EXPLORATION},
}


class DevelopmentCooperation(models.TextChoices):
    """Whether a cooperation is development cooperation (technical assistance), and which way it flows; the IATI
    export (exchange/iati.py) publishes the cooperations marked so."""

    RECEIVED = "received", _("Technical assistance received by Badan POM")
    GIVEN = "given", _("Technical assistance given by Badan POM")


class Sector(models.Model):
    """Product sectors a cooperation covers (fixed list, loaded by a migration)."""

    code = models.SlugField(primary_key=True, max_length=30)
    name_id = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "id").startswith("en") else self.name_id


class UnitOwned(SoftDeleteModel):
    """A registry record: a responsible unit, notes, and whether its details are illustrative."""

    responsible_unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Some details are plausible, not from an official source.")
    )

    class Meta:
        abstract = True

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.responsible_unit


class Cooperation(UnitOwned):
    title = models.CharField(_("title (Indonesian)"), max_length=400)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    partners = models.ManyToManyField(
        Institution, verbose_name=_("partner institutions"), blank=True, related_name="cooperations"
    )
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), null=True, blank=True, on_delete=models.PROTECT, related_name="cooperations"
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True, related_name="cooperations")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.EXPLORATION)
    stage_since = models.DateField(_("in this stage since"), default=timezone.localdate)
    is_binding = models.BooleanField(_("legally binding"), default=False)
    development_cooperation = models.CharField(
        _("development cooperation"),
        max_length=10,
        choices=DevelopmentCooperation.choices,
        blank=True,
        help_text=_(
            "Technical assistance received or given; published in the IATI export. Empty: not development cooperation."
        ),
    )
    # One-way on purpose: linking A to B is an edit of A only, so it needs no permission on B and B's history
    # stays B's own; B's page lists A under "referred to by".
    related = models.ManyToManyField(
        "self", verbose_name=_("related cooperations"), blank=True, symmetrical=False, related_name="referred_by"
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("cooperation")
        verbose_name_plural = _("cooperations")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:cooperation-detail", args=[self.pk])

    def clean(self) -> None:
        if self.scope != Scope.BILATERAL and not self.forum_id:
            raise ValidationError({"forum": _("A regional or multilateral cooperation takes place in a forum.")})


class StageChange(models.Model):
    """One dated transition of a cooperation's stage (append-only, written by the stage service)."""

    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.cooperation_id}: {self.from_stage} → {self.to_stage} ({self.date})"


def agreement_expiry(end_date: dt.date | None, start: dt.date | None, duration_months: int | None) -> dt.date | None:
    """The stated end date, or the start (entry into force, else signing) plus the duration in months."""
    if end_date:
        return end_date
    if start and duration_months:
        months = start.month - 1 + duration_months
        year, month = start.year + months // 12, months % 12 + 1
        return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    return None


class AgreementKind(models.TextChoices):
    MOU = "mou", _("MoU / Nota Kesepahaman")
    LOA = "loa", _("Letter of Agreement")
    ARRANGEMENT = "arrangement", _("Arrangement")
    MSP = "msp", _("Memorandum Saling Pengertian")
    ROD = "rod", _("Record of Discussion")
    PKS = "pks", _("Perjanjian Kerja Sama (PKS)")
    IA = "ia", _("Implementing Arrangement")
    OTHER = "other", _("Other")


class StepKind(models.TextChoices):
    """The steps of an agreement's life (UU 24/2000 on international agreements), in their usual order."""

    INITIATIVE = "initiative", _("Initiative")
    EXPLORATION = "exploration", _("Exploration")
    CONSULTATION = "consultation", _("Consultation with the Ministry of Foreign Affairs")
    NEGOTIATION = "negotiation", _("Negotiation round")
    LEGAL_REVIEW = "legal_review", _("Legal review")
    FULL_POWERS = "full_powers", _("Full Powers (Surat Kuasa Penuh)")
    SIGNING = "signing", _("Signing")
    DEPOSIT = "deposit", _("Original deposited with the treaty room")
    RATIFICATION = "ratification", _("Ratification")
    IN_FORCE = "in_force", _("In force")
    IMPLEMENTATION = "implementation", _("Implementation")
    RENEWAL = "renewal", _("Renewal")
    AMENDMENT = "amendment", _("Amendment")
    TERMINATION = "termination", _("Termination")


_AFTER_FORCE = (StepKind.IMPLEMENTATION, StepKind.AMENDMENT, StepKind.RENEWAL, StepKind.TERMINATION)

# Which step may follow which ("" = no step yet). Full Powers, the deposit and ratification are optional: signing
# follows the legal review directly, entry into force follows signing directly. Another negotiation round may
# follow a round or the legal review; an agreement may be abandoned (terminated) at any step before the last.
STEP_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "": (StepKind.INITIATIVE, StepKind.EXPLORATION),
    StepKind.INITIATIVE: (StepKind.EXPLORATION, StepKind.CONSULTATION, StepKind.NEGOTIATION, StepKind.TERMINATION),
    StepKind.EXPLORATION: (StepKind.CONSULTATION, StepKind.NEGOTIATION, StepKind.TERMINATION),
    StepKind.CONSULTATION: (StepKind.NEGOTIATION, StepKind.TERMINATION),
    StepKind.NEGOTIATION: (StepKind.NEGOTIATION, StepKind.LEGAL_REVIEW, StepKind.TERMINATION),
    StepKind.LEGAL_REVIEW: (StepKind.NEGOTIATION, StepKind.FULL_POWERS, StepKind.SIGNING, StepKind.TERMINATION),
    StepKind.FULL_POWERS: (StepKind.SIGNING, StepKind.TERMINATION),
    StepKind.SIGNING: (StepKind.DEPOSIT, StepKind.RATIFICATION, StepKind.IN_FORCE, StepKind.TERMINATION),
    StepKind.DEPOSIT: (StepKind.RATIFICATION, StepKind.IN_FORCE, StepKind.TERMINATION),
    StepKind.RATIFICATION: (StepKind.IN_FORCE, StepKind.TERMINATION),
    StepKind.IN_FORCE: _AFTER_FORCE,
    StepKind.IMPLEMENTATION: _AFTER_FORCE,
    StepKind.RENEWAL: _AFTER_FORCE,
    StepKind.AMENDMENT: _AFTER_FORCE,
    StepKind.TERMINATION: (),
}
# An agreement signed before its history was kept in Mitra may start its history at signing or later.
SIGNED_FIRST_STEPS = (
    StepKind.SIGNING,
    StepKind.DEPOSIT,
    StepKind.RATIFICATION,
    StepKind.IN_FORCE,
    StepKind.IMPLEMENTATION,
)


class RatificationInstrument(models.TextChoices):
    LAW = "law", _("Law (undang-undang)")
    PRESIDENTIAL_REGULATION = "perpres", _("Presidential regulation (peraturan presiden)")


class Agreement(DerivesFields, UnitOwned):
    cooperation = models.ForeignKey(
        Cooperation, verbose_name=_("cooperation"), on_delete=models.PROTECT, related_name="agreements"
    )
    kind = models.CharField(_("type"), max_length=20, choices=AgreementKind.choices)
    number = models.CharField(_("number"), max_length=120, blank=True, db_index=True)
    title = models.CharField(_("title (Indonesian)"), max_length=400)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    counterpart = models.ForeignKey(
        Institution,
        verbose_name=_("counterpart"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text=_("The partner institution that is party to the agreement; empty: the cooperation's partners."),
    )
    signatory_bpom = models.CharField(_("signatory for BPOM"), max_length=200, blank=True)
    signatory_partner = models.CharField(_("signatory for the partner"), max_length=300, blank=True)
    place_signed = models.CharField(_("place of signing"), max_length=120, blank=True)
    date_signed = models.DateField(_("date of signing"), null=True, blank=True)
    entry_into_force = models.DateField(_("entry into force"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
        help_text=_("When the agreement states a duration instead."),
    )
    notice_period_days = models.PositiveSmallIntegerField(
        _("notice period (days)"),
        null=True,
        blank=True,
        help_text=_("Days before the end by which a party must notify termination or renewal."),
    )
    automatic_renewal = models.BooleanField(_("renews automatically"), default=False)
    amends = models.ForeignKey(
        "self", verbose_name=_("amends"), null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("implements"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implementing_arrangements",
        help_text=_("For an implementing arrangement (PKS / IA): the MoU it implements."),
    )
    # The latest recorded step of its lifecycle and its date, kept by services.record_step (pipeline queries).
    current_step = models.CharField(
        _("current step"), max_length=20, choices=StepKind.choices, blank=True, editable=False, db_index=True
    )
    current_step_on = models.DateField(_("current step since"), null=True, blank=True, editable=False)
    # Derived from the end date or the duration on every save, and stored so that "ending soon" is a query.
    expires_on = models.DateField(_("ends on"), null=True, blank=True, editable=False, db_index=True)

    AUDIT_EXCLUDE: ClassVar[set[str]] = UnitOwned.AUDIT_EXCLUDE | {"expires_on"}

    class Meta:
        ordering = ["-date_signed", "title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:agreement-detail", args=[self.pk])

    def derive_fields(self) -> None:
        self.expires_on = self.compute_expiry()

    def compute_expiry(self) -> dt.date | None:
        return agreement_expiry(self.end_date, self.entry_into_force or self.date_signed, self.duration_months)

    @property
    @admin.display(description=_("notice date"))
    def notice_date(self) -> dt.date | None:
        end = self.expires_on
        return end - dt.timedelta(days=self.notice_period_days) if end and self.notice_period_days else None

    def in_force_on(self, day: dt.date) -> bool:
        start = self.entry_into_force or self.date_signed
        end = self.expires_on
        return bool(start and start <= day and (end is None or day <= end))

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.date_signed and self.end_date and self.end_date < self.date_signed:
            errors["end_date"] = _("The end date cannot be before the date of signing.")
        if self.date_signed and self.entry_into_force and self.entry_into_force < self.date_signed:
            errors["entry_into_force"] = _("Entry into force cannot be before the date of signing.")
        if self.end_date and self.duration_months:
            errors["duration_months"] = _("Give either an end date or a duration, not both.")
        if self.amends_id and self.amends_id == self.pk:
            errors["amends"] = _("An agreement cannot amend itself.")
        if self.amends_id and self.amends and self.amends.cooperation_id != self.cooperation_id:
            errors["amends"] = _("An amendment belongs to the same cooperation as the agreement it amends.")
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = _("An agreement cannot implement itself.")
        elif self.parent_id and self.parent and self.parent.parent_id:
            errors["parent"] = _("Choose the MoU itself: an implementing arrangement has no arrangements under it.")
        elif self.parent_id and self.pk and self.implementing_arrangements.exists():
            errors["parent"] = _(
                "This agreement has implementing arrangements of its own, so it cannot implement another."
            )
        if errors:
            raise ValidationError(errors)


class AgreementStep(models.Model):
    """One dated step of an agreement's lifecycle (append-only, written by services.record_step)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    date = models.DateField(_("date"))
    decided_by = models.CharField(
        _("decided by"), max_length=200, blank=True, help_text=_("The official who decided or signed.")
    )
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("Letter or document number: the Ministry's letter, the treaty room's register, the law …"),
    )
    note = models.TextField(_("note"), blank=True)
    # Negotiation rounds: the draft discussed and each side's comments on it.
    round = models.PositiveSmallIntegerField(_("round"), null=True, blank=True, editable=False)
    draft_version = models.CharField(_("draft version"), max_length=60, blank=True)
    comments_bpom = models.TextField(_("BPOM's comments"), blank=True)
    comments_partner = models.TextField(_("the partner's comments"), blank=True)
    instrument = models.CharField(_("ratified by"), max_length=10, choices=RatificationInstrument.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("agreement step")
        verbose_name_plural = _("agreement steps")

    def __str__(self) -> str:
        label = str(self.get_kind_display())
        if self.round:
            label = f"{label} {self.round}"
        return f"{label} ({self.date.isoformat()})" if self.date else label

    def get_absolute_url(self) -> str:
        return reverse("cooperation:agreement-step", args=[self.pk])

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.agreement.owner_unit


class DeliverableStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Deliverable(UnitOwned):
    """What an agreement (or an implementing arrangement) commits BPOM to deliver, with its owner and due date."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="deliverables"
    )
    title = models.CharField(_("deliverable"), max_length=400)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliverables",
        help_text=_("The person who delivers it; it appears in their “my work” as it comes due."),
    )
    due_date = models.DateField(_("due date"), db_index=True)
    status = models.CharField(
        _("status"), max_length=15, choices=DeliverableStatus.choices, default=DeliverableStatus.PLANNED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:deliverable-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (DeliverableStatus.PLANNED, DeliverableStatus.IN_PROGRESS)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.status == DeliverableStatus.DONE and not self.completed_on:
            errors["completed_on"] = _("Give the date the deliverable was completed.")
        if self.status != DeliverableStatus.DONE and self.completed_on:
            errors["completed_on"] = _("Only a deliverable that is done has a completion date.")
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = _("The completion date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class PaperStatus(models.TextChoices):
    """The delegation's position paper or brief (Pedoman Delegasi RI): drafted by the unit, reviewed by the head of
    the unit, approved by the head of bureau. Moved only by the workflow services (cooperation/services.py)."""

    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")


# The position paper workflow: from each status, the statuses it may move to.
PAPER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    PaperStatus.DRAFT: (PaperStatus.REVIEWED,),
    PaperStatus.REVIEWED: (PaperStatus.APPROVED, PaperStatus.DRAFT),
    PaperStatus.APPROVED: (PaperStatus.DRAFT,),
}


class PositionPaper(UnitOwned):
    title = models.CharField(_("title"), max_length=400)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    cooperation = models.ForeignKey(
        Cooperation,
        verbose_name=_("cooperation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="position_papers",
    )
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), null=True, blank=True, on_delete=models.PROTECT, related_name="position_papers"
    )
    meeting = models.ForeignKey(
        "Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="position_papers_for",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PaperStatus.choices, default=PaperStatus.DRAFT, editable=False
    )
    summary = models.TextField(_("summary of the position"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("position paper")
        verbose_name_plural = _("position papers")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:positionpaper-detail", args=[self.pk])

    @property
    @admin.display(description=_("workflow status"))
    def workflow_status(self) -> str:
        return str(self.get_status_display())

    def clean(self) -> None:
        if not (self.cooperation_id or self.forum_id or self.meeting_id):
            raise ValidationError({"cooperation": _("Link the position paper to a cooperation, forum or meeting.")})


class StudyKind(models.TextChoices):
    STUDY = "study", _("Study (kajian)")
    EXPLORATION = "exploration", _("Exploration report (penjajakan)")


class Study(UnitOwned):
    kind = models.CharField(_("kind"), max_length=20, choices=StudyKind.choices, default=StudyKind.STUDY)
    title = models.CharField(_("title"), max_length=400)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    cooperation = models.ForeignKey(
        Cooperation,
        verbose_name=_("cooperation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="studies",
    )
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), null=True, blank=True, on_delete=models.PROTECT, related_name="studies"
    )
    partner = models.ForeignKey(
        Institution,
        verbose_name=_("prospective partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="studies",
    )
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("study or exploration")
        verbose_name_plural = _("studies and explorations")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:study-detail", args=[self.pk])


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    HYBRID = "hybrid", _("Hybrid")


HOME_COUNTRY = "ID"


class Meeting(UnitOwned):
    title = models.CharField(_("title"), max_length=400)
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    cooperation = models.ForeignKey(
        Cooperation,
        verbose_name=_("cooperation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    start_date = models.DateField(_("start date"), db_index=True)
    end_date = models.DateField(_("end date"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="meetings")
    mode = models.CharField(_("format"), max_length=10, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON)
    active_participation = models.BooleanField(
        _("BPOM took an active part"),
        default=False,
        help_text=_("A statement, intervention, presentation or the chair — counts for the key indicator."),
    )
    participation_note = models.CharField(_("how BPOM took part"), max_length=300, blank=True)
    position_paper = models.ForeignKey(
        PositionPaper,
        verbose_name=_("position paper used"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings_used",
    )
    outcome = models.TextField(_("outcome"), blank=True)
    talking_points = models.TextField(
        _("talking points"), blank=True, help_text=_("What the delegation will say; goes into the briefing book.")
    )
    report_submitted_on = models.DateField(
        _("meeting report submitted on"),
        null=True,
        blank=True,
        help_text=_("Due within MITRA_MEETING_REPORT_DAYS days after the meeting ends."),
    )

    class Meta:
        ordering = ["-start_date", "title"]
        indexes = [
            # A country's profile reads the latest live meetings held there without a cooperation: one seek, then
            # newest first until its LIMIT (without start_date, SQLite walked meeting_country_latest and read
            # every one of the country's meetings to test its cooperation: ~20,000 rows for Indonesia at N=100).
            models.Index(fields=["country", "cooperation", "deleted_at", "start_date"], name="meeting_country_live"),
            # A country's profile lists the latest meetings held there: read newest first, 20 rows.
            models.Index(fields=["country", "deleted_at", "start_date"], name="meeting_country_latest"),
            # The registry's figures (cooperation.indicators) count the year's meetings with active participation
            # and their cooperations from this index alone, without reading ten thousand meeting rows.
            models.Index(
                fields=["start_date", "active_participation", "deleted_at", "cooperation"],
                name="meeting_year_participation",
            ),
            # The key indicator's page marks the cooperations it lists (a hundred at a time) that had active
            # participation in the year: their meetings of the year, found by cooperation and date from this index
            # alone, instead of reading every meeting each cooperation ever had.
            models.Index(
                fields=["cooperation", "start_date", "active_participation", "deleted_at"],
                name="meeting_cooperation_year",
            ),
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:meeting-detail", args=[self.pk])

    @property
    def is_abroad(self) -> bool:
        return self.country_id != HOME_COUNTRY

    @property
    def report_due(self) -> dt.date:
        """The meeting report is due a set number of days (MITRA_MEETING_REPORT_DAYS) after the meeting ends."""
        return self.end_date + dt.timedelta(days=int(getattr(settings, "MITRA_MEETING_REPORT_DAYS", 14)))

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The meeting cannot end before it starts.")})
        if not (self.forum_id or self.cooperation_id):
            raise ValidationError({"forum": _("Link the meeting to a forum or a cooperation.")})
        if self.report_submitted_on and self.end_date and self.report_submitted_on < self.end_date:
            raise ValidationError(
                {"report_submitted_on": _("The meeting report cannot be submitted before the meeting ends.")}
            )


class DelegationRole(models.TextChoices):
    HEAD = "head", _("Head of delegation")
    ALTERNATE = "alternate", _("Alternate head")
    MEMBER = "member", _("Member")
    EXPERT = "expert", _("Technical expert")


class DelegationMember(models.Model):
    """A BPOM official in a meeting's delegation; staff of any unit of BPOM, not only the bureau."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="delegation")
    name = models.CharField(_("name"), max_length=200)
    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegations",
    )
    unit_name = models.CharField(_("unit"), max_length=200, blank=True, help_text=_("The person's unit in BPOM."))
    role = models.CharField(_("role"), max_length=20, choices=DelegationRole.choices, default=DelegationRole.MEMBER)

    class Meta:
        ordering = ["role", "name"]
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.meeting.owner_unit


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


def cooperation_elsewhere(meeting_cooperation_id: int | None, own_cooperation_id: int | None) -> int | None:
    """A follow-up's `other_cooperation`: the cooperation of its meeting when that is not its own, else None. The
    one statement of the rule, used by FollowUp.derive_fields(), by the meeting update that moves its follow-ups
    (services.update) and by services.store_other_cooperations()."""
    return meeting_cooperation_id if meeting_cooperation_id != own_cooperation_id else None


class FollowUp(DerivesFields, UnitOwned):
    description = models.TextField(_("action"))
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    cooperation = models.ForeignKey(
        Cooperation,
        verbose_name=_("cooperation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    owner_person = models.CharField(_("person responsible"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), db_index=True)
    status = models.CharField(_("status"), max_length=15, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    # Derived (cooperation_elsewhere): the meeting's cooperation when the follow-up is filed under another one or
    # none. A profile shows the follow-ups of its cooperations and of their meetings; with this stored, "of their
    # meetings" is one index lookup per cooperation (almost always empty) instead of one per meeting (21,600 for
    # ASEAN's subtree at N=100).
    other_cooperation = models.ForeignKey(
        Cooperation,
        null=True,
        blank=True,
        editable=False,
        db_index=False,  # followup_other_open starts with it
        on_delete=models.PROTECT,
        related_name="+",
    )

    AUDIT_EXCLUDE: ClassVar[set[str]] = UnitOwned.AUDIT_EXCLUDE | {"other_cooperation"}

    class Meta:
        ordering = ["due_date", "id"]
        # "Open and overdue" is counted on every dashboard: an index that answers it without the table.
        indexes = [
            models.Index(fields=["status", "due_date", "deleted_at"], name="followup_open_due"),
            # A profile's open follow-ups (selectors._open_follow_ups), counted and ordered from these alone.
            models.Index(fields=["cooperation", "status", "deleted_at", "due_date"], name="followup_coop_open"),
            # Their count alone, for many cooperations (ASEAN's 661 at N=100: 12,968 open of 32,540): PostgreSQL
            # reads the first index by cooperation and tests each entry's status, this one holds only the live open
            # ones (4.5 -> 2 ms). SQLite seeks the statuses in the first one unless told to take this one
            # (selectors._open_count_sql: 1.35 -> 0.63 ms), which it can only for a query that writes the statuses
            # into its SQL (core/lookups.py in_literal).
            models.Index(
                fields=["cooperation"],
                condition=models.Q(
                    status__in=[FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS], deleted_at__isnull=True
                ),
                name="followup_coop_live_open",
            ),
            # Those filed under another cooperation than their meeting's; with the cooperation, so that the part
            # of the profile's meetings leaves out those of its own cooperations (counted by the first index)
            # from the index alone.
            models.Index(
                fields=["other_cooperation", "status", "deleted_at", "cooperation", "due_date"],
                name="followup_other_open",
            ),
        ]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return reverse("cooperation:followup-detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in (FollowUpStatus.DONE, FollowUpStatus.CANCELLED)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return not self.is_closed and self.due_date < (today or timezone.localdate())

    def derive_fields(self) -> None:
        meeting_cooperation = self.meeting.cooperation_id if self.meeting_id and self.meeting else None
        self.other_cooperation_id = cooperation_elsewhere(meeting_cooperation, self.cooperation_id)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not (self.meeting_id or self.cooperation_id):
            errors["meeting"] = _("Link the follow-up to a meeting or a cooperation.")
        if self.meeting_id and self.due_date and self.meeting and self.due_date < self.meeting.start_date:
            errors["due_date"] = _("A follow-up cannot be due before the meeting it follows (%(date)s).") % {
                "date": formatting.date(self.meeting.start_date)
            }
        if self.status == FollowUpStatus.DONE and not self.completed_on:
            errors["completed_on"] = _("Give the date the action was completed.")
        if errors:
            raise ValidationError(errors)


# `status__in_literal=[open, in_progress]`: followup_coop_live_open is used by SQLite only for a query that writes
# its condition's list of statuses literally (core/lookups.py); `status__in` binds them.
FollowUp._meta.get_field("status").register_lookup(InLiteral)


class RequestKind(models.TextChoices):
    AGENDA = "agenda", _("Agenda item of a meeting")
    EXTERNAL = "external", _("Request from a partner")


class AgendaItem(UnitOwned):
    """Something BPOM's units must answer before a deadline: an agenda item of a meeting, or a request from a
    partner with an external deadline (a Codex circular letter, a WHO questionnaire). The responsible unit (in the
    bureau) coordinates; the units that must answer are its assignments."""

    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices, default=RequestKind.AGENDA)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    number = models.CharField(_("agenda number"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=400)
    description = models.TextField(_("what is asked"), blank=True)
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("Who asks, e.g. Codex Secretariat, WHO.")
    )
    reference = models.CharField(
        _("reference"), max_length=120, blank=True, help_text=_("e.g. the circular letter's number, CL 2017/45-FH.")
    )
    external_deadline = models.DateField(_("partner's deadline"), null=True, blank=True)
    response_deadline = models.DateField(_("units answer by"), db_index=True)

    class Meta:
        ordering = ["response_deadline", "number", "id"]
        verbose_name = _("agenda item or request")
        verbose_name_plural = _("agenda items and requests")

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("cooperation:agendaitem-detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind == RequestKind.AGENDA and not self.meeting_id:
            errors["meeting"] = _("An agenda item belongs to a meeting.")
        if self.kind == RequestKind.EXTERNAL:
            if not self.source.strip():
                errors["source"] = _("Say who sent the request.")
            if not self.external_deadline:
                errors["external_deadline"] = _("Give the partner's deadline.")
        if self.external_deadline and self.response_deadline and self.response_deadline > self.external_deadline:
            errors["response_deadline"] = _("The units must answer before the partner's deadline (%(date)s).") % {
                "date": formatting.date(self.external_deadline)
            }
        if (
            self.meeting_id
            and self.response_deadline
            and self.meeting
            and self.response_deadline > self.meeting.start_date
        ):
            errors["response_deadline"] = _("The units must answer before the meeting starts (%(date)s).") % {
                "date": formatting.date(self.meeting.start_date)
            }
        if errors:
            raise ValidationError(errors)


class Assignment(models.Model):
    """A unit of BPOM (any unit, not only the bureau) asked to answer an agenda item or request, and its answer."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="agenda_assignments"
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["unit__path"]
        constraints = [models.UniqueConstraint(fields=["item", "unit"], name="assignment_unique_unit")]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.item} — {self.unit}"

    @property
    def owner_unit(self) -> OrganisationUnit:
        """The unit that answers: its people may answer (rules: cooperation.answer_assignment)."""
        return self.unit

    @property
    def is_answered(self) -> bool:
        return bool(self.answer.strip())


class OutreachKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    SEMINAR = "seminar", _("Seminar")
    SOCIALISATION = "socialisation", _("Socialisation (sosialisasi)")


class OutreachEvent(UnitOwned):
    kind = models.CharField(_("kind"), max_length=20, choices=OutreachKind.choices)
    title = models.CharField(_("title"), max_length=400)
    date = models.DateField(_("date"), db_index=True)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    cooperation = models.ForeignKey(
        Cooperation,
        verbose_name=_("cooperation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outreach_events",
    )
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), null=True, blank=True, on_delete=models.PROTECT, related_name="outreach_events"
    )

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:outreachevent-detail", args=[self.pk])


class Publication(UnitOwned):
    series = models.CharField(_("publication"), max_length=200, default="Drug and Food Control Newsletter")
    edition = models.CharField(_("edition"), max_length=60)
    date = models.DateField(_("date of issue"), db_index=True)
    copies = models.PositiveIntegerField(_("copies printed"), default=0)
    distribution = models.TextField(_("distribution list"), blank=True)

    class Meta:
        ordering = ["-date", "series"]
        verbose_name = _("publication edition")
        verbose_name_plural = _("publication editions")
        constraints = [models.UniqueConstraint(fields=["series", "edition"], name="unique_publication_edition")]

    def __str__(self) -> str:
        return f"{self.series} {self.edition}"

    def get_absolute_url(self) -> str:
        return reverse("cooperation:publication-detail", args=[self.pk])


class EffectivenessRule(models.Model):
    """How "effective cooperation" is counted in a year (Table 2/5 indicator); editable by administrators.

    A cooperation is effective in the year when (if required) an agreement of it is in force at some time in the
    year, and it has at least one of the activities ticked here, dated in the year.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    requires_agreement_in_force = models.BooleanField(_("requires an agreement in force"), default=True)
    counts_meetings = models.BooleanField(_("meetings with active participation count"), default=True)
    counts_position_papers = models.BooleanField(_("position papers count"), default=True)
    counts_follow_ups = models.BooleanField(_("completed follow-up actions count"), default=True)
    counts_outreach = models.BooleanField(_("outreach events count"), default=True)
    counts_studies = models.BooleanField(_("studies count"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("effective-cooperation rule")
        verbose_name_plural = _("effective-cooperation rules")

    def __str__(self) -> str:
        return str(self.year)
