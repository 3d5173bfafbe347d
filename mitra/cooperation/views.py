"""Pages of the registry with their own logic: dashboard, a cooperation's stage, a meeting's delegation, the
indicator lists, notifications. The generic list, detail and form pages of each kind come from kinds.py (see
core/crud.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from mitra.core.notifications import services as notifications
from mitra.core.notifications.models import Notification
from mitra.core.services import StaleEditError
from mitra.core.web import PermissionMixin, acting_user, add_validation_error
from mitra.documents.selectors import documents_for
from mitra.partners.worldmap import country_paths, shade

from . import forms, indicators, selectors, services
from .models import (
    STAGE_TRANSITIONS,
    AgendaItem,
    Agreement,
    AgreementStep,
    Assignment,
    Cooperation,
    DelegationMember,
    Meeting,
    PositionPaper,
    Stage,
    StepKind,
)


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
            year=year_number or indicators.latest_year(),
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


class AgreementStepCreateView(PermissionMixin, FormView):
    """Record the next step of an agreement's lifecycle (services.record_step holds the rules)."""

    permission_required = "cooperation.edit_record"
    template_name = "cooperation/agreement_step_form.html"
    form_class = forms.AgreementStepForm

    def get_permission_object(self) -> Agreement:
        if not hasattr(self, "agreement"):
            self.agreement = get_object_or_404(selectors.agreements(), pk=self.kwargs["pk"])
        return self.agreement

    def get_initial(self) -> dict[str, Any]:
        agreement = self.get_permission_object()
        initial: dict[str, Any] = {"expected_version": agreement.version, "date": timezone.localdate()}
        allowed = services.allowed_steps(agreement)
        if self.request.GET.get("kind") in allowed:
            initial["kind"] = self.request.GET["kind"]
        return initial

    def get_form(self, form_class: Any = None) -> forms.AgreementStepForm:
        form = super().get_form(form_class)
        allowed = services.allowed_steps(self.get_permission_object())
        field = form.fields["kind"]
        assert hasattr(field, "choices")
        field.choices = [("", "---------")] + [(k.value, k.label) for k in StepKind if k.value in allowed]
        return form

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        agreement = self.get_permission_object()
        return {
            **super().get_context_data(**kwargs),
            "record": agreement,
            "needs_foreign_ministry": services.needs_foreign_ministry(agreement),
        }

    def form_valid(self, form: forms.AgreementStepForm) -> HttpResponse:
        data = {name: form.cleaned_data[name] for name in services.STEP_FIELDS if name in form.cleaned_data}
        try:
            step = services.record_step(
                actor=acting_user(self.request),
                agreement=self.get_permission_object(),
                data=data,
                expected_version=form.cleaned_data["expected_version"],
            )
        except StaleEditError as stale:
            form.add_error(None, str(stale))
            return self.form_invalid(form)
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Step recorded: %(step)s.") % {"step": step})
        return redirect(self.get_permission_object().get_absolute_url() + "#lifecycle")


class AgreementStepDetailView(PermissionMixin, TemplateView):
    """One step of an agreement: its details and its documents (drafts, letters, the signed copy …)."""

    permission_required = "core.view_records"
    template_name = "cooperation/agreement_step.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        step = get_object_or_404(
            AgreementStep.objects.select_related("agreement", "recorded_by"),
            pk=self.kwargs["pk"],
            agreement__deleted_at__isnull=True,
        )
        ctx.update(step=step, record=step.agreement, documents=documents_for(step))
        return ctx


class AgreementPipelineView(PermissionMixin, TemplateView):
    """Agreements grouped by the current step of their lifecycle."""

    permission_required = "core.view_records"
    template_name = "cooperation/agreement_pipeline.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["pipeline"] = selectors.agreement_pipeline()
        return ctx


def _errors_text(form: Any) -> str:
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {', '.join(map(str, e))}".lstrip(": ")
        for f, e in form.errors.items()
    )


class AssignUnitsView(PermissionMixin, View):
    """Ask units to answer an agenda item or request (the coordinating unit's people)."""

    permission_required = "cooperation.edit_record"

    def get_permission_object(self) -> AgendaItem:
        if not hasattr(self, "item"):
            self.item = get_object_or_404(AgendaItem, pk=self.kwargs["pk"])
        return self.item

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_permission_object()
        form = forms.AssignForm(request.POST, item=item)
        if form.is_valid():
            try:
                made = services.assign_units(
                    actor=acting_user(request), item=item, units=list(form.cleaned_data["units"])
                )
            except ValidationError as error:
                messages.error(request, _("Not assigned: %(errors)s") % {"errors": "; ".join(error.messages)})
            else:
                messages.success(request, _("Units asked to answer: %(count)s.") % {"count": len(made)})
        else:
            messages.error(request, _("Not assigned: %(errors)s") % {"errors": _errors_text(form)})
        return redirect(item.get_absolute_url() + "#assignments")


class AssignmentRemoveView(PermissionMixin, View):
    permission_required = "cooperation.edit_record"

    def get_permission_object(self) -> AgendaItem:
        self.assignment = get_object_or_404(Assignment.objects.select_related("item", "unit"), pk=self.kwargs["pk"])
        return self.assignment.item

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            services.remove_assignment(actor=acting_user(request), assignment=self.assignment)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("Assignment withdrawn."))
        return redirect(self.assignment.item.get_absolute_url() + "#assignments")


class AnswerView(PermissionMixin, FormView):
    """A unit answers an agenda item or a partner's request: only the assigned unit's people (and administrators)."""

    permission_required = "cooperation.answer_assignment"
    template_name = "cooperation/answer_form.html"
    form_class = forms.AnswerForm

    def get_permission_object(self) -> Assignment:
        if not hasattr(self, "assignment"):
            self.assignment = get_object_or_404(
                Assignment.objects.select_related("item", "item__meeting", "unit", "answered_by"),
                pk=self.kwargs["pk"],
                item__deleted_at__isnull=True,
            )
        return self.assignment

    def get_initial(self) -> dict[str, Any]:
        return {"answer": self.get_permission_object().answer}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        assignment = self.get_permission_object()
        return {**super().get_context_data(**kwargs), "assignment": assignment, "item": assignment.item}

    def form_valid(self, form: forms.AnswerForm) -> HttpResponse:
        assignment = self.get_permission_object()
        try:
            services.answer_assignment(
                actor=acting_user(self.request), assignment=assignment, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Answer saved."))
        return redirect(assignment.item.get_absolute_url() + "#assignments")


class PaperStatusView(PermissionMixin, View):
    """Move a position paper along draft → reviewed → approved (the service checks who may make which move)."""

    permission_required = "core.view_records"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        paper = get_object_or_404(PositionPaper, pk=pk)
        form = forms.PaperStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Status not changed: %(errors)s") % {"errors": _errors_text(form)})
            return redirect(paper.get_absolute_url())
        to_status = form.cleaned_data["to_status"]
        perm = services.PAPER_PERMS.get(to_status, "cooperation.approve_paper")
        if not request.user.has_perm(perm, paper):
            raise PermissionDenied
        try:
            services.move_paper(
                actor=acting_user(request),
                paper=paper,
                to_status=to_status,
                expected_version=form.cleaned_data["expected_version"],
                note=form.cleaned_data["note"],
            )
        except StaleEditError as stale:
            messages.error(request, str(stale))
        except ValidationError as error:
            messages.error(request, _("Status not changed: %(errors)s") % {"errors": "; ".join(error.messages)})
        else:
            messages.success(request, _("Status changed."))
        return redirect(paper.get_absolute_url())


class DecisionView(PermissionMixin, View):
    """A meeting decision becomes a follow-up action in one step."""

    permission_required = "cooperation.edit_record"

    def get_permission_object(self) -> Meeting:
        if not hasattr(self, "meeting"):
            self.meeting = get_object_or_404(Meeting, pk=self.kwargs["pk"])
        return self.meeting

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self.get_permission_object()
        form = forms.DecisionForm(request.POST, meeting=meeting, user=acting_user(request))
        if form.is_valid():
            try:
                follow_up = services.decision_to_follow_up(
                    actor=acting_user(request), meeting=meeting, data=form.cleaned_data
                )
            except ValidationError as error:
                messages.error(request, _("Not recorded: %(errors)s") % {"errors": "; ".join(error.messages)})
            else:
                messages.success(request, _("The decision is now a follow-up action."))
                return redirect(follow_up.get_absolute_url())
        else:
            messages.error(request, _("Not recorded: %(errors)s") % {"errors": _errors_text(form)})
        return redirect(meeting.get_absolute_url() + "#decisions")
