"""List filters of the registry (django-filter); every list offers unit, year and its own facets."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.core.filters import StyledFilterSet, YearFilter
from mitra.core.models import OrganisationUnit
from mitra.core.selectors import within_unit
from mitra.partners.filters import ForumNameFilter
from mitra.partners.models import Country

from .models import (
    AgendaItem,
    Agreement,
    AgreementKind,
    Cooperation,
    Deliverable,
    DeliverableStatus,
    FollowUp,
    FollowUpStatus,
    Meeting,
    OutreachEvent,
    PaperStatus,
    PositionPaper,
    Publication,
    RequestKind,
    Scope,
    Sector,
    Stage,
    StepKind,
    Study,
    StudyKind,
)

NO_STEP = "none"


def units(request: Any = None) -> QuerySet[OrganisationUnit]:
    return OrganisationUnit.objects.exclude(kind="institution")


class RegistryFilter(StyledFilterSet):
    responsible_unit = filters.ModelChoiceFilter(label=_("Unit"), queryset=units, method="within_unit")
    search_fields: tuple[str, ...] = ("title",)
    # How the filtered model reaches a cooperation's partners (partners are typed, not picked from thousands).
    partner_path = "partners"

    def filter_partner(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(**{f"{self.partner_path}__acronym__iexact": value})
            | Q(**{f"{self.partner_path}__name__icontains": value})
        ).distinct()

    def within_unit(self, queryset: QuerySet, name: str, value: OrganisationUnit) -> QuerySet:
        return queryset.filter(within_unit(value, "responsible_unit"))


class CooperationFilter(RegistryFilter):
    search_fields = ("title", "title_en", "partners__acronym", "partners__name", "forum__acronym")
    scope = filters.ChoiceFilter(label=_("Scope"), choices=Scope.choices)
    stage = filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    partner = filters.CharFilter(label=_("Partner"), method="filter_partner")
    forum = ForumNameFilter(label=_("Forum"))
    sector = filters.ModelChoiceFilter(label=_("Sector"), field_name="sectors", queryset=Sector.objects.all())
    country = filters.ModelChoiceFilter(
        label=_("Country"), field_name="partners__country", queryset=Country.objects.all()
    )

    class Meta:
        model = Cooperation
        fields: list[str] = []

    @property
    def qs(self) -> QuerySet:
        return super().qs.distinct()


class AgreementFilter(RegistryFilter):
    search_fields = ("title", "title_en", "number", "cooperation__title")
    partner_path = "cooperation__partners"
    kind = filters.ChoiceFilter(label=_("Type"), choices=AgreementKind.choices)
    scope = filters.ChoiceFilter(label=_("Scope"), field_name="cooperation__scope", choices=Scope.choices)
    year = YearFilter(label=_("Year signed"), field_name="date_signed__year")
    partner = filters.CharFilter(label=_("Partner"), method="filter_partner")
    current_step = filters.ChoiceFilter(
        label=_("Current step"),
        choices=[(NO_STEP, _("No step recorded")), *StepKind.choices, ("expired", _("Term ended"))],
        method="filter_current_step",
    )

    class Meta:
        model = Agreement
        fields: list[str] = []

    dormant = filters.BooleanFilter(label=_("Dormant"), method="filter_dormant")

    def filter_current_step(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """As the pipeline groups them: an agreement whose term has ended is under "Term ended", not its last step."""
        from .selectors import EXPIRED, term_ended

        if value == EXPIRED:
            return queryset.filter(term_ended())
        return queryset.exclude(term_ended()).filter(current_step="" if value == NO_STEP else value)

    def filter_dormant(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        from .selectors import dormant_agreements

        dormant = dormant_agreements().values("pk")
        return queryset.filter(pk__in=dormant) if value else queryset.exclude(pk__in=dormant)


class DeliverableFilter(RegistryFilter):
    search_fields = ("title", "evidence", "agreement__title")
    status = filters.ChoiceFilter(label=_("Status"), choices=DeliverableStatus.choices)
    overdue = filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    year = YearFilter(label=_("Year due"), field_name="due_date__year")

    class Meta:
        model = Deliverable
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        open_statuses = [DeliverableStatus.PLANNED, DeliverableStatus.IN_PROGRESS]
        overdue = Q(status__in=open_statuses, due_date__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class PositionPaperFilter(RegistryFilter):
    year = YearFilter(label=_("Year"))
    status = filters.ChoiceFilter(label=_("Status"), choices=PaperStatus.choices)
    forum = ForumNameFilter(label=_("Forum"))

    class Meta:
        model = PositionPaper
        fields: list[str] = []


class StudyFilter(RegistryFilter):
    search_fields = ("title", "topic")
    kind = filters.ChoiceFilter(label=_("Kind"), choices=StudyKind.choices)
    year = YearFilter(label=_("Year"))

    class Meta:
        model = Study
        fields: list[str] = []


class MeetingFilter(RegistryFilter):
    search_fields = ("title", "city", "forum__acronym", "forum__name")
    year = YearFilter(label=_("Year"), field_name="start_date__year")
    forum = ForumNameFilter(label=_("Forum"))
    country = filters.ModelChoiceFilter(label=_("Country"), queryset=Country.objects.all())
    abroad = filters.BooleanFilter(label=_("Abroad"), method="filter_abroad")
    active_participation = filters.BooleanFilter(label=_("Active participation"))

    class Meta:
        model = Meeting
        fields: list[str] = []

    def filter_abroad(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.exclude(country_id="ID") if value else queryset.filter(country_id="ID")


class AgendaItemFilter(RegistryFilter):
    search_fields = ("title", "description", "source", "reference")
    kind = filters.ChoiceFilter(label=_("Kind"), choices=RequestKind.choices)
    meeting = filters.ModelChoiceFilter(label=_("Meeting"), queryset=Meeting.objects.all())
    year = YearFilter(label=_("Year"), field_name="response_deadline__year")

    class Meta:
        model = AgendaItem
        fields: list[str] = []


class FollowUpFilter(RegistryFilter):
    search_fields = ("description", "owner_person")
    status = filters.ChoiceFilter(label=_("Status"), choices=FollowUpStatus.choices)
    overdue = filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    year = YearFilter(label=_("Year due"), field_name="due_date__year")

    class Meta:
        model = FollowUp
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        open_statuses = [FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS]
        overdue = Q(status__in=open_statuses, due_date__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class OutreachEventFilter(RegistryFilter):
    search_fields = ("title", "topic", "audience")
    kind = filters.ChoiceFilter(label=_("Kind"), choices=OutreachEvent._meta.get_field("kind").choices)
    year = YearFilter(label=_("Year"), field_name="date__year")

    class Meta:
        model = OutreachEvent
        fields: list[str] = []


class PublicationFilter(RegistryFilter):
    search_fields = ("series", "edition", "distribution")
    year = YearFilter(label=_("Year"), field_name="date__year")

    class Meta:
        model = Publication
        fields: list[str] = []
