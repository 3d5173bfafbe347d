"""Pages of the registry: the generic lists and forms of each kind (see core/crud.py), and the pages with their
own logic: dashboard, a cooperation's stage, a meeting's delegation, the indicator lists, notifications."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from mitra.core.crud import Column, RecordKind
from mitra.core.notifications import services as notifications
from mitra.core.notifications.models import Notification
from mitra.core.services import StaleEditError
from mitra.core.web import PermissionMixin, acting_user, add_validation_error
from mitra.partners.worldmap import country_paths, shade

from . import filters, forms, indicators, selectors, services
from .models import (
    STAGE_TRANSITIONS,
    Agreement,
    Cooperation,
    DelegationMember,
    FollowUp,
    Meeting,
    OutreachEvent,
    PositionPaper,
    Publication,
    Stage,
    Study,
)


def _common(
    name: str, prefix: str, model: Any, form: Any, columns: list[Column], queryset: Any, filterset: Any, **extra: Any
) -> RecordKind:
    return RecordKind(
        namespace="cooperation",
        name=name,
        url_prefix=prefix,
        model=model,
        form_class=form,
        columns=columns,
        queryset=queryset,
        filterset_class=filterset,
        create=services.create,
        update=services.update,
        delete=services.delete,
        **extra,
    )


def _cooperation_context(record: Cooperation, request: HttpRequest) -> dict[str, Any]:
    return {
        "agreements": record.agreements.all(),
        "position_papers": record.position_papers.all(),
        "meetings": record.meetings.select_related("country").all(),
        "follow_ups": record.follow_ups.all(),
        "stage_changes": record.stage_changes.select_related("changed_by").all(),
        "referred_by": record.referred_by.all(),
        "next_stages": [Stage(s).label for s in sorted(STAGE_TRANSITIONS.get(record.stage, set()))],
    }


def _meeting_context(record: Meeting, request: HttpRequest) -> dict[str, Any]:
    return {
        "delegation": record.delegation.select_related("staff_member").all(),
        "follow_ups": record.follow_ups.select_related("responsible_unit").all(),
        "papers": record.position_papers_for.all(),
        "delegation_form": forms.DelegationMemberForm(),
        "today": timezone.localdate(),
    }


def _agreement_context(record: Agreement, request: HttpRequest) -> dict[str, Any]:
    return {"amendments": record.amendments.all()}


COOPERATION = _common(
    "cooperation",
    "daftar",
    Cooperation,
    forms.CooperationForm,
    [
        Column(_("Title"), "title", link=True, sort="title"),
        Column(_("Scope"), "scope", sort="scope"),
        Column(_("Partners / forum"), lambda c: ", ".join(str(p) for p in c.partners.all()) or c.forum),
        Column(_("Stage"), "stage", sort="stage"),
        Column(_("Unit"), "responsible_unit.short_name"),
        Column(_("Sectors"), "sectors"),
    ],
    selectors.cooperations,
    filters.CooperationFilter,
    detail_template="cooperation/cooperation_detail.html",
    detail_fields=[
        "title_en",
        "scope",
        "forum",
        "partners",
        "sectors",
        "stage",
        "stage_since",
        "is_binding",
        "related",
        "responsible_unit.name",
        "notes",
    ],
    detail_context=_cooperation_context,
)
AGREEMENT = _common(
    "agreement",
    "perjanjian",
    Agreement,
    forms.AgreementForm,
    [
        Column(_("Title"), "title", link=True, sort="title"),
        Column(_("Type"), "kind", sort="kind"),
        Column(_("Number"), "number"),
        Column(_("Cooperation"), "cooperation"),
        Column(_("Signed"), "date_signed", sort="date_signed"),
        Column(_("Ends"), "expires_on"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.agreements,
    filters.AgreementFilter,
    default_ordering=["-date_signed", "pk"],
    detail_template="cooperation/agreement_detail.html",
    detail_fields=[
        "cooperation",
        "kind",
        "number",
        "title_en",
        "signatory_bpom",
        "signatory_partner",
        "place_signed",
        "date_signed",
        "entry_into_force",
        "end_date",
        "duration_months",
        "expires_on",
        "notice_period_days",
        "notice_date",
        "automatic_renewal",
        "amends",
        "responsible_unit.name",
        "notes",
    ],
    detail_context=_agreement_context,
    initial_from_query=("cooperation", "amends"),
)
POSITION_PAPER = _common(
    "positionpaper",
    "posisi",
    PositionPaper,
    forms.PositionPaperForm,
    [
        Column(_("Title"), "title", link=True, sort="title"),
        Column(_("Year"), "year", sort="year"),
        Column(_("Cooperation"), "cooperation"),
        Column(_("Forum"), "forum"),
        Column(_("Status"), "status"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.position_papers,
    filters.PositionPaperFilter,
    default_ordering=["-year", "title"],
    detail_fields=["year", "cooperation", "forum", "meeting", "status", "summary", "responsible_unit.name", "notes"],
    initial_from_query=("cooperation", "forum", "meeting"),
)
STUDY = _common(
    "study",
    "kajian",
    Study,
    forms.StudyForm,
    [
        Column(_("Title"), "title", link=True, sort="title"),
        Column(_("Kind"), "kind"),
        Column(_("Year"), "year", sort="year"),
        Column(_("Topic"), "topic"),
        Column(_("Cooperation"), "cooperation"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.studies,
    filters.StudyFilter,
    default_ordering=["-year", "title"],
    detail_fields=[
        "kind",
        "topic",
        "year",
        "cooperation",
        "forum",
        "partner",
        "summary",
        "responsible_unit.name",
        "notes",
    ],
    initial_from_query=("cooperation", "forum", "partner"),
)
MEETING = _common(
    "meeting",
    "pertemuan",
    Meeting,
    forms.MeetingForm,
    [
        Column(_("Title"), "title", link=True, sort="title"),
        Column(_("Start"), "start_date", sort="start_date"),
        Column(_("Place"), lambda m: f"{m.city}, {m.country}" if m.city else m.country),
        Column(_("Forum / cooperation"), lambda m: m.forum or m.cooperation),
        Column(_("Active participation"), "active_participation"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.meetings,
    filters.MeetingFilter,
    default_ordering=["-start_date", "pk"],
    detail_template="cooperation/meeting_detail.html",
    detail_fields=[
        "forum",
        "cooperation",
        "start_date",
        "end_date",
        "city",
        "country",
        "mode",
        "active_participation",
        "participation_note",
        "position_paper",
        "outcome",
        "responsible_unit.name",
        "notes",
    ],
    detail_context=_meeting_context,
    initial_from_query=("forum", "cooperation"),
)
FOLLOW_UP = _common(
    "followup",
    "tindak-lanjut",
    FollowUp,
    forms.FollowUpForm,
    [
        Column(_("Action"), "description", link=True),
        Column(_("Due"), "due_date", sort="due_date"),
        Column(_("Status"), "status", sort="status"),
        Column(_("Meeting"), "meeting"),
        Column(_("Unit"), "responsible_unit.short_name"),
        Column(_("Person"), "owner_person"),
    ],
    selectors.follow_ups,
    filters.FollowUpFilter,
    default_ordering=["due_date", "pk"],
    detail_template="cooperation/followup_detail.html",
    detail_fields=[
        "description",
        "meeting",
        "cooperation",
        "responsible_unit.name",
        "owner_person",
        "due_date",
        "status",
        "completed_on",
        "evidence",
        "notes",
    ],
    initial_from_query=("meeting", "cooperation"),
)
OUTREACH = _common(
    "outreachevent",
    "sosialisasi",
    OutreachEvent,
    forms.OutreachEventForm,
    [
        Column(_("Title"), "title", link=True, sort="title"),
        Column(_("Kind"), "kind"),
        Column(_("Date"), "date", sort="date"),
        Column(_("Audience"), "audience"),
        Column(_("Participants"), "participants"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.outreach_events,
    filters.OutreachEventFilter,
    default_ordering=["-date", "pk"],
    detail_fields=[
        "kind",
        "date",
        "topic",
        "audience",
        "participants",
        "cooperation",
        "forum",
        "responsible_unit.name",
        "notes",
    ],
    initial_from_query=("cooperation", "forum"),
)
PUBLICATION = _common(
    "publication",
    "publikasi",
    Publication,
    forms.PublicationForm,
    [
        Column(_("Publication"), "series", link=True, sort="series"),
        Column(_("Edition"), "edition"),
        Column(_("Date"), "date", sort="date"),
        Column(_("Copies"), "copies"),
        Column(_("Unit"), "responsible_unit.short_name"),
    ],
    selectors.publications,
    filters.PublicationFilter,
    default_ordering=["-date", "pk"],
    detail_fields=["series", "edition", "date", "copies", "distribution", "responsible_unit.name", "notes"],
)

KINDS = [COOPERATION, AGREEMENT, POSITION_PAPER, STUDY, MEETING, FOLLOW_UP, OUTREACH, PUBLICATION]


class DashboardView(PermissionMixin, TemplateView):
    permission_required = "core.view_records"
    template_name = "cooperation/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        data = selectors.dashboard()
        ctx["dash"] = data
        maximum = max(data.country_counts.values(), default=0)
        ctx["world"] = [
            {
                "code": code,
                "name": name,
                "path": path,
                "count": data.country_counts.get(code, 0),
                "shade": shade(data.country_counts.get(code, 0), maximum),
            }
            for code, (name, path) in country_paths().items()
        ]
        ctx["world_max"] = maximum
        ctx["notifications"] = selectors.notifications_for(self.request.user)
        return ctx


class StageChangeView(PermissionMixin, FormView):
    permission_required = "cooperation.edit_record"
    template_name = "cooperation/stage_form.html"
    form_class = forms.StageChangeForm

    def get_permission_object(self) -> Cooperation:
        if not hasattr(self, "cooperation"):
            self.cooperation = get_object_or_404(Cooperation, pk=self.kwargs["pk"])
        return self.cooperation

    def get_initial(self) -> dict[str, Any]:
        return {"expected_version": self.get_permission_object().version, "date": timezone.localdate()}

    def get_form(self, form_class: Any = None) -> forms.StageChangeForm:
        form = super().get_form(form_class)
        allowed = STAGE_TRANSITIONS.get(self.get_permission_object().stage, set())
        field = form.fields["to_stage"]
        assert hasattr(field, "choices")
        field.choices = [(s.value, s.label) for s in Stage if s.value in allowed]
        return form

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "record": self.get_permission_object()}

    def form_valid(self, form: forms.StageChangeForm) -> HttpResponse:
        try:
            services.change_stage(
                actor=acting_user(self.request),
                cooperation=self.get_permission_object(),
                to_stage=form.cleaned_data["to_stage"],
                date=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["expected_version"],
            )
        except StaleEditError as stale:
            form.add_error(None, str(stale))
            return self.form_invalid(form)
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Stage changed."))
        return redirect("cooperation:cooperation-detail", pk=self.kwargs["pk"])


class DelegationAddView(PermissionMixin, View):
    permission_required = "cooperation.edit_record"

    def get_permission_object(self) -> Meeting:
        return get_object_or_404(Meeting, pk=self.kwargs["pk"])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self.get_permission_object()
        form = forms.DelegationMemberForm(request.POST)
        if form.is_valid():
            services.add_delegation_member(actor=acting_user(request), meeting=meeting, data=form.cleaned_data)
            messages.success(request, _("Added to the delegation."))
        else:
            errors = "; ".join(
                f"{form.fields[f].label if f in form.fields else ''}: {', '.join(map(str, e))}"
                for f, e in form.errors.items()
            )
            messages.error(request, _("Not added: %(errors)s") % {"errors": errors})
        return redirect(meeting.get_absolute_url() + "#delegation")


class DelegationRemoveView(PermissionMixin, View):
    permission_required = "cooperation.edit_record"

    def get_permission_object(self) -> Meeting:
        self.member = get_object_or_404(DelegationMember.objects.select_related("meeting"), pk=self.kwargs["pk"])
        return self.member.meeting

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        services.remove_delegation_member(actor=acting_user(request), member=self.member)
        messages.success(request, _("Removed from the delegation."))
        return redirect(self.member.meeting.get_absolute_url() + "#delegation")


class IndicatorView(PermissionMixin, TemplateView):
    """A registry figure for a year with the list of records behind it."""

    permission_required = "core.view_records"
    template_name = "cooperation/indicator.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        compute = indicators.INDICATORS.get(self.kwargs["key"])
        if compute is None:
            raise Http404
        year = self.kwargs["year"]
        if not 1990 <= year <= 2100:
            raise Http404
        indicator = compute(year)
        ctx["indicator"] = indicator
        page = Paginator(indicator.rows, 100).get_page(self.request.GET.get("page"))
        ctx.update(
            page_obj=page, is_paginated=page.has_other_pages(), rows=page.object_list, first_number=page.start_index()
        )
        ctx["all_indicators"] = [(key, indicators.LABELS[key]) for key in indicators.INDICATORS]
        ctx["years"] = range(timezone.localdate().year, 2014, -1)
        return ctx


class IndicatorIndexView(PermissionMixin, View):
    permission_required = "core.view_records"

    def get(self, request: HttpRequest) -> HttpResponse:
        year = request.GET.get("year", "")
        year_number = int(year) if year.isascii() and year.isdigit() and 1990 <= int(year) <= 2100 else None
        key = request.GET.get("key", "")
        return redirect(
            "cooperation:indicator",
            key=key if key in indicators.INDICATORS else "cooperation.developments",
            year=year_number or timezone.localdate().year,
        )


class NotificationReadView(PermissionMixin, View):
    permission_required = "core.view_records"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notification = get_object_or_404(Notification, pk=pk)
        notifications.mark_read(user=acting_user(request), notification=notification)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = ""
        return redirect(target or "cooperation:dashboard")
