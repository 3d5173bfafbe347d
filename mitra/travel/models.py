"""Official foreign travel (perjalanan dinas luar negeri): requests, their travellers and their document steps.

The bureau processes the travel documents of all of Badan POM. A request belongs to the unit that asks for the
trip (`requesting_unit`, its owner); its document steps are worked by the bureau (`service_unit`), which therefore
owns the steps and their attached documents. The kinds of step are data an administrator keeps.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mitra.core import formatting
from mitra.core.lookups import InLiteral
from mitra.core.models import OrganisationUnit, SoftDeleteModel, StaffMember, TrackedModel

PASSPORT_MONTHS_AFTER_RETURN = 6
NOT_NEGATIVE = MinValueValidator(0, message=_("Enter an amount of zero or more."))


class StepTiming(models.TextChoices):
    BEFORE_DEPARTURE = "before", _("Before departure")
    AFTER_RETURN = "after", _("After return")


class StepKind(TrackedModel):
    """A kind of document step (surat tugas, SetNeg approval, political clearance, passport, visa, report)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    timing = models.CharField(_("when"), max_length=10, choices=StepTiming.choices, default=StepTiming.BEFORE_DEPARTURE)
    sla_working_days = models.PositiveSmallIntegerField(
        _("service level (working days)"),
        help_text=_(
            "Working days the step may take from its request; for a step after return, counted from the return."
        ),
    )
    applies_by_default = models.BooleanField(_("applies to every trip"), default=True)
    only_with_visa = models.BooleanField(
        _("only when a visa is needed"), default=False, help_text=_("Left out for visa-free destinations.")
    )
    checks_passport = models.BooleanField(
        _("checks passports"),
        default=False,
        help_text=_("Completing the step needs every traveller's passport valid six months after the return."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("document step kind")
        verbose_name_plural = _("document step kinds")

    def __str__(self) -> str:
        return self.name


class FundingSource(models.TextChoices):
    BUREAU = "bureau", _("Bureau budget (sub-activity)")
    REQUESTING_UNIT = "unit", _("Requesting unit's budget")
    PARTNER = "partner", _("Partner")


class DelegationKind(models.TextChoices):
    """The kinds of trip whose delegation size the State Secretariat limits (SE Mensesneg B-32/M/S/LN.00/12/2024)."""

    DIALOGUE = "dialogue", _("Dialogue")
    EXPLORATION = "exploration", _("Exploration")


class TravelStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Documents in process")
    DOCUMENTS_READY = "ready", _("Documents complete")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (TravelStatus.SUBMITTED, TravelStatus.DOCUMENTS_READY)
# Not yet completed nor cancelled: a draft or an open request (the home page's "my work").
UNFINISHED_STATUSES = (TravelStatus.DRAFT, *OPEN_STATUSES)
COUNTED_STATUSES = (TravelStatus.SUBMITTED, TravelStatus.DOCUMENTS_READY, TravelStatus.COMPLETED)


class TravelRequest(SoftDeleteModel):
    requesting_unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("requesting unit"), on_delete=models.PROTECT, related_name="travel_requests"
    )
    service_unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("processed by"),
        on_delete=models.PROTECT,
        related_name="travel_requests_served",
        editable=False,
    )
    meeting = models.ForeignKey(
        "cooperation.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="travel_requests",
        help_text=_("The registry's meeting the trip is for, if any."),
    )
    purpose = models.CharField(
        _("purpose"), max_length=400, blank=True, help_text=_("Another activity, when the trip is not for a meeting.")
    )
    destination_city = models.CharField(_("destination city"), max_length=120)
    destination_country = models.ForeignKey(
        "partners.Country", verbose_name=_("destination country"), on_delete=models.PROTECT, related_name="+"
    )
    departure_date = models.DateField(_("departure"), db_index=True)
    return_date = models.DateField(_("return"))
    needs_visa = models.BooleanField(_("visa needed"), default=True)
    funding_source = models.CharField(_("funding"), max_length=10, choices=FundingSource.choices)
    sub_activity = models.ForeignKey(
        "performance.SubActivity",
        verbose_name=_("sub-activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="travel_requests",
    )
    partner = models.ForeignKey(
        "partners.Institution",
        verbose_name=_("paying partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delegation_kind = models.CharField(
        _("kind of delegation"),
        max_length=12,
        choices=DelegationKind.choices,
        blank=True,
        help_text=_("A dialogue or exploration delegation has a size the State Secretariat allows."),
    )
    # The terms of reference of the application to the State Secretariat (SE Mensesneg B-32/M/S/LN.00/12/2024).
    urgency = models.TextField(_("urgency"), blank=True, help_text=_("Why Badan POM must attend, and why now."))
    cost_benefit = models.TextField(_("costs and benefits"), blank=True)
    follow_up_plan = models.TextField(_("follow-up plan"), blank=True)
    invitation = models.TextField(
        _("organiser's invitation and agenda"),
        blank=True,
        help_text=_("The invitation's sender, reference and date, and the agenda; attach the letters below."),
    )
    mission_correspondence = models.TextField(
        _("correspondence with the Indonesian mission"),
        blank=True,
        help_text=_("Letters with the embassy or permanent mission (KBRI / PTRI): reference, date, subject."),
    )
    sponsors = models.TextField(
        _("sponsors"), blank=True, help_text=_("Others who pay part of the trip (the organiser, a sponsor) and what.")
    )
    estimated_cost = formatting.money(
        models.BigIntegerField(_("estimated cost (Rp)"), default=0, validators=[NOT_NEGATIVE])
    )
    realised_cost = formatting.money(
        models.BigIntegerField(_("realised cost (Rp)"), null=True, blank=True, validators=[NOT_NEGATIVE])
    )
    realised_visa_cost = formatting.money(
        models.BigIntegerField(_("visa cost (Rp)"), null=True, blank=True, validators=[NOT_NEGATIVE])
    )
    realised_cancellation_cost = formatting.money(
        models.BigIntegerField(
            _("cancellation cost (Rp)"),
            null=True,
            blank=True,
            validators=[NOT_NEGATIVE],
            help_text=_("Fees for changed or cancelled tickets and bookings."),
        )
    )
    trip_report_sent_on = models.DateField(
        _("trip report sent to the State Secretariat on"),
        null=True,
        blank=True,
        help_text=_("The report on the trip and the meeting's outcome, due within a set number of days of return."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TravelStatus.choices, default=TravelStatus.DRAFT, editable=False
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True, editable=False)
    # The day the last pre-departure step was completed; kept by the services from the steps.
    documents_completed_on = models.DateField(_("documents complete on"), null=True, blank=True, editable=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Not taken from an official source.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-departure_date", "pk"]
        indexes = [
            # "My work" on the home page (travel/work.py): a unit's requests still open and not yet back, and the
            # trips back whose report is not sent, each ten rows, found by status and return date instead of
            # scanning every request. Partial (the unfinished requests only), and used only by queries that state
            # its condition with its list written in (`status__in_literal=UNFINISHED_STATUSES`): on every status,
            # SQLite without statistics took it for the calendar's month (counted requests returning after the
            # month's start: most of them).
            models.Index(
                fields=["status", "return_date"],
                condition=models.Q(status__in=UNFINISHED_STATUSES),
                name="travel_status_return",
            ),
            # The queue's open requests (a partial index: only the open ones, ~300 of 16,000 at ten years of data),
            # for queries stating `status__in_literal=OPEN_STATUSES`.
            # Not on every status: SQLite, without statistics, would then take it for every read of counted
            # requests (93 % of them completed) instead of the departure dates, as the on-time page does.
            models.Index(fields=["status"], condition=models.Q(status__in=OPEN_STATUSES), name="travelrequest_open"),
            # The calendar's trips away some day of a month: departure before its end, return after its start;
            # the return is tested in the index, so only the month's trips are read from the table.
            models.Index(fields=["departure_date", "return_date"], name="travelrequest_dates"),
            # The queue's counts by status (selectors.queue), read from this index instead of the table (16,000
            # requests at ten years of data, issue 17). On `lower(status)` (the codes are lower case: the same
            # groups) so that no filter on `status` is ever served by it: on the plain column SQLite, without
            # statistics, would take it for every read of counted requests (see travelrequest_open).
            models.Index(Lower("status"), F("deleted_at"), name="travelrequest_status_count"),
        ]
        verbose_name = _("travel request")
        verbose_name_plural = _("travel requests")

    def __str__(self) -> str:
        return f"{self.purpose_text} — {self.destination_city} ({formatting.date(self.departure_date)})"

    @property
    def purpose_text(self) -> str:
        return str(self.meeting) if self.meeting_id and self.meeting else self.purpose

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.requesting_unit

    @property
    def is_draft(self) -> bool:
        return self.status == TravelStatus.DRAFT

    def get_absolute_url(self) -> str:
        return reverse("travel:request-detail", args=[self.pk])

    @property
    def realised_total(self) -> int | None:
        """The realised cost with its components (visa, cancellation); None while none is recorded."""
        parts = [self.realised_cost, self.realised_visa_cost, self.realised_cancellation_cost]
        if all(p is None for p in parts):
            return None
        return sum(p or 0 for p in parts)

    def passport_needed_until(self) -> dt.date | None:
        return self.return_date + relativedelta(months=PASSPORT_MONTHS_AFTER_RETURN) if self.return_date else None

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.departure_date and self.return_date and self.return_date < self.departure_date:
            errors["return_date"] = _("The return cannot come before the departure.")
        if not self.meeting_id and not (self.purpose or "").strip():
            errors["purpose"] = _("Choose the meeting or describe the activity the trip is for.")
        if self.funding_source == FundingSource.BUREAU:
            if self.sub_activity is None:
                errors["sub_activity"] = _("Choose the sub-activity of the bureau's budget that pays.")
            elif self.departure_date and self.sub_activity.year != self.departure_date.year:
                errors["sub_activity"] = _("The sub-activity is of %(other)s; the trip departs in %(year)s.") % {
                    "other": self.sub_activity.year,
                    "year": self.departure_date.year,
                }
        elif self.sub_activity_id:
            errors["sub_activity"] = _("Only a trip paid by the bureau's budget names a sub-activity.")
        if self.funding_source == FundingSource.PARTNER and not self.partner_id:
            errors["partner"] = _("Choose the partner that pays.")
        if self.funding_source != FundingSource.PARTNER and self.partner_id:
            errors["partner"] = _("Only a trip paid by a partner names the partner.")
        if self.trip_report_sent_on and self.return_date and self.trip_report_sent_on < self.return_date:
            errors["trip_report_sent_on"] = _("The trip report is sent after the return.")
        if errors:
            raise ValidationError(errors)


def check_passport(request: TravelRequest, expires_on: dt.date | None) -> None:
    needed = request.passport_needed_until()
    if expires_on is not None and needed is not None and expires_on < needed:
        raise ValidationError(
            {
                "passport_expires_on": _(
                    "The passport expires on %(date)s, within six months of the return; it must be valid until "
                    "at least %(needed)s."
                )
                % {"date": formatting.date(expires_on), "needed": formatting.date(needed)}
            }
        )


# `status__in_literal=OPEN_STATUSES` / `UNFINISHED_STATUSES`: the partial indexes above are used by SQLite only for a
# query that writes their condition's list of statuses literally (core/lookups.py); `status__in` binds them.
TravelRequest._meta.get_field("status").register_lookup(InLiteral)


class Traveller(TrackedModel):
    request = models.ForeignKey(
        TravelRequest, verbose_name=_("travel request"), on_delete=models.CASCADE, related_name="travellers"
    )
    staff_member = models.ForeignKey(
        StaffMember, verbose_name=_("traveller"), on_delete=models.PROTECT, related_name="travels"
    )
    role = models.CharField(
        _("role in the delegation"),
        max_length=200,
        blank=True,
        help_text=_("E.g. head of delegation, speaker on agenda item 4, technical expert on GMP."),
    )
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    passport_expires_on = models.DateField(
        _("passport valid until"), null=True, blank=True, help_text=_("Empty while a new passport is applied for.")
    )

    class Meta:
        ordering = ["request", "staff_member__full_name"]
        verbose_name = _("traveller")
        verbose_name_plural = _("travellers")
        constraints = [models.UniqueConstraint(fields=["request", "staff_member"], name="traveller_once")]

    def __str__(self) -> str:
        return str(self.staff_member)

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.request.requesting_unit

    def clean(self) -> None:
        if self.request_id:
            check_passport(self.request, self.passport_expires_on)


class TravelStep(TrackedModel):
    """One document step of a request; the bureau works it, so the bureau owns it and its attachments."""

    request = models.ForeignKey(
        TravelRequest, verbose_name=_("travel request"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.ForeignKey(StepKind, verbose_name=_("step"), on_delete=models.PROTECT, related_name="steps")
    requested_on = models.DateField(_("requested on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reference = models.CharField(_("reference number"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # When the step is due (selectors.step_due), kept by the services whenever the step or its request changes
    # (services.refresh_due_dates), so that the queue orders and bounds open steps in SQL.
    due_on = models.DateField(_("due on"), null=True, blank=True, editable=False)

    AUDIT_EXCLUDE: ClassVar[set[str]] = TrackedModel.AUDIT_EXCLUDE | {"due_on"}  # derived, not entered

    class Meta:
        ordering = ["request", "kind__order", "kind__code"]
        verbose_name = _("document step")
        verbose_name_plural = _("document steps")
        constraints = [models.UniqueConstraint(fields=["request", "kind"], name="step_once_per_request")]
        # The queue: open steps (not completed) by due date.
        indexes = [models.Index(fields=["completed_on", "due_on"], name="travelstep_open_due")]

    def __str__(self) -> str:
        return f"{self.kind} · {self.request.destination_city} {self.request.departure_date:%Y-%m-%d}"

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.request.service_unit

    def get_absolute_url(self) -> str:
        return reverse("travel:step", args=[self.pk])

    def clean(self) -> None:
        if self.completed_on and not self.requested_on:
            raise ValidationError({"requested_on": _("Give the date the step was requested before completing it.")})
        if self.completed_on and self.requested_on and self.completed_on < self.requested_on:
            raise ValidationError({"completed_on": _("A step cannot be completed before it was requested.")})
