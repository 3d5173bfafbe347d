from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, TemplateView, UpdateView, View

from mitra.core import formatting, periods
from mitra.core import selectors as core_selectors
from mitra.core.models import OrganisationUnit, Role
from mitra.core.services import StaleEditError, values_at_version
from mitra.core.web import PermissionMixin, ServiceFormMixin, acting_user, add_validation_error

from . import agreement_files, metrics, selectors, services, sources
from .forms import (
    ActionPlanRealisationForm,
    AgreementAmendForm,
    AgreementForm,
    BudgetRevisionForm,
    QuarterEntryForm,
    ReasonForm,
    UnitIndicatorForm,
    UnitPlanForm,
)
from .models import (
    DEFAULT_PLEDGE,
    ActionPlan,
    AgreementStatus,
    BudgetRevision,
    Indicator,
    IndicatorTarget,
    PerformanceYear,
    Quarter,
    QuarterEntry,
    QuarterReport,
    ReportStatus,
    StrategicPlan,
    SubActivity,
    UnitAgreement,
    UnitIndicator,
    UnitIndicatorTarget,
)

VIEW = "performance.view"


def _year_or_404(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


class YearMixin:
    kwargs: dict[str, Any]
    request: HttpRequest

    @property
    def year(self) -> int:
        return _year_or_404(int(self.kwargs["year"]))

    def year_context(self) -> dict[str, Any]:
        return {"year": self.year, "years": selectors.years()}


class HomeView(PermissionMixin, View):
    """The newest year with data, or an empty page explaining that no plan is recorded."""

    permission_required = VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        years = selectors.years()
        if years:
            return redirect("performance:year", year=years[0])
        from django.shortcuts import render

        return render(request, "performance/empty.html", {})


class YearView(PermissionMixin, YearMixin, TemplateView):
    permission_required = VIEW
    template_name = "performance/year.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs) | self.year_context()
        m = selectors.measurement(self.year)
        setting = m.settings.setting
        history = [y for y in m.settings.history if y.year <= self.year]
        previous = m.settings.previous
        score = setting.sakip_score if setting else None
        ctx.update(
            m=m,
            setting=setting,
            sakip_grade=metrics.sakip_grade(score),
            sakip_achievement=metrics.achievement_pct(score, setting.sakip_target_score if setting else None),
            sakip_change=metrics.change(score, previous.sakip_score if previous else None),
            previous=previous,
            previous_absorption=previous.reported_absorption_pct if previous else None,
            history=[(y, metrics.sakip_grade(y.sakip_score)) for y in history],
            efficient_count=sum(1 for f in m.subs if f.efficient),
            plan=selectors.current_plan(self.year),
            issued=selectors.issued_comparison(self.year),
        )
        return ctx


class MeasurementView(PermissionMixin, YearMixin, TemplateView):
    """Appendix 4: every sub-activity's budget and output, with input %, output %, IE and TE."""

    permission_required = VIEW
    template_name = "performance/measurement.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs) | self.year_context()
        m = selectors.measurement(self.year)
        page = Paginator(m.subs, 50).get_page(self.request.GET.get("page"))
        shown = {f.sub.pk for f in page.object_list}
        ctx.update(
            m=m,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            outputs=[(o, [f for f in o.subs if f.sub.pk in shown]) for o in m.outputs],
            issued=selectors.issued_comparison(self.year),
        )
        return ctx


class MeasurementJsonView(PermissionMixin, YearMixin, View):
    permission_required = VIEW

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        if not selectors.years() or self.year not in selectors.years():
            raise Http404
        response = JsonResponse(
            selectors.measurement_json(self.year), json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
        response["Content-Disposition"] = f'attachment; filename="pengukuran-kinerja-{self.year}.json"'
        return response


class MonitoringView(PermissionMixin, YearMixin, TemplateView):
    permission_required = VIEW
    template_name = "performance/monitoring.html"

    def get_quarter(self) -> int:
        try:
            quarter = int(self.request.GET.get("triwulan", "4"))
        except ValueError:
            quarter = 4
        return quarter if quarter in (1, 2, 3, 4) else 4

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs) | self.year_context()
        quarter = self.get_quarter()
        mon = selectors.monitoring(self.year, quarter)
        page = Paginator(mon.units, 20).get_page(self.request.GET.get("page"))
        ctx.update(
            mon=mon,
            tree=selectors.cascade(self.year, quarter),
            quarter=quarter,
            quarter_label=Quarter(quarter).label,
            quarters=Quarter.choices,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            chart_data=selectors.monitoring_chart_data(mon),
            chart_labels={
                "physical": _("Physical realisation (%)"),
                "physical_plan": _("Physical plan (%)"),
                "financial": _("Financial realisation (%)"),
                "financial_plan": _("Financial plan (%)"),
                "quarters": [str(label) for _value, label in Quarter.choices],
            },
        )
        return ctx


class QuarterReportListView(PermissionMixin, YearMixin, ListView):
    permission_required = VIEW
    template_name = "performance/quarter_reports.html"
    context_object_name = "reports"
    paginate_by = 40

    def get_queryset(self) -> Any:
        return selectors.quarter_reports(self.year)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | self.year_context()


class QuarterReportMixin(YearMixin):
    def get_report(self) -> QuarterReport:
        if not hasattr(self, "_report"):
            quarter = int(self.kwargs["quarter"])
            if quarter not in (1, 2, 3, 4):
                raise Http404
            unit = get_object_or_404(OrganisationUnit, code=self.kwargs["unit"])
            if not (
                SubActivity.objects.filter(year=self.year, owner_unit=unit).exists()
                or ActionPlan.objects.filter(year=self.year, unit_indicator__unit=unit).exists()
            ):
                raise Http404
            report = (
                QuarterReport.objects.filter(year=self.year, quarter=quarter, unit=unit)
                .select_related("submitted_by", "verified_by", "approved_by")
                .first()
            )
            self._report = report or QuarterReport(year=self.year, quarter=quarter, unit=unit)
        return self._report


class QuarterReportView(PermissionMixin, QuarterReportMixin, TemplateView):
    permission_required = VIEW
    template_name = "performance/quarter_report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs) | self.year_context()
        report = self.get_report()
        user = acting_user(self.request)
        rows = selectors.report_entries(report)
        ctx.update(
            report=report,
            rows=rows,
            action_plans=list(selectors.report_action_plans(report)),
            can_enter_plans=report.is_open and user.has_perm("performance.enter_realisation", report),
            can_enter=report.is_open and user.has_perm("performance.enter_realisation", report),
            can_submit=report.is_open and user.has_perm("performance.submit_quarter", report),
            can_verify=report.status == ReportStatus.SUBMITTED and user.has_perm("performance.verify_quarter", report),
            can_approve=report.status == ReportStatus.VERIFIED and user.has_perm("performance.approve_quarter", report),
            can_return=report.status in (ReportStatus.SUBMITTED, ReportStatus.VERIFIED)
            and user.has_perm("performance.return_quarter", report),
            can_reopen=report.is_locked and user.has_perm("performance.reopen_quarter", report),
            reason_form=ReasonForm(),
            history=core_selectors.record_history(report)[:20] if report.pk else [],
        )
        return ctx


STEP_PERMISSIONS = {
    "ajukan": "performance.submit_quarter",
    "verifikasi": "performance.verify_quarter",
    "setujui": "performance.approve_quarter",
    "kembalikan": "performance.return_quarter",
    "buka": "performance.reopen_quarter",
}
# Steps that ask first: approving locks the quarter (a confirmation page), returning and reopening need a reason
# (their page holds the reason field; the quarter page holds it too, next to the button).
CONFIRMED_STEPS = ("setujui", "kembalikan", "buka")
REASON_STEPS = ("kembalikan", "buka")


class QuarterTransitionView(PermissionMixin, QuarterReportMixin, TemplateView):
    """One step of the approval workflow (POST). GET shows the confirmation page of a step that asks first."""

    permission_required = VIEW
    template_name = "performance/quarter_confirm.html"

    def get_permission_required(self) -> tuple[str, ...]:
        step = self.kwargs.get("step", "")
        if step not in STEP_PERMISSIONS:
            raise Http404
        return (STEP_PERMISSIONS[step],)

    def get_permission_object(self) -> QuarterReport:
        return self.get_report()

    def _report_page(self, report: QuarterReport) -> HttpResponse:
        return redirect("performance:quarter-report", year=report.year, quarter=report.quarter, unit=report.unit.code)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.kwargs["step"] not in CONFIRMED_STEPS:
            return self._report_page(self.get_report())
        return self.confirm(ReasonForm() if self.kwargs["step"] in REASON_STEPS else None)

    def confirm(self, form: ReasonForm | None) -> HttpResponse:
        report = self.get_report()
        return self.render_to_response(
            self.get_context_data(report=report, step=self.kwargs["step"], reason_form=form) | self.year_context()
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        step = self.kwargs["step"]
        actor = acting_user(request)
        report = self.get_report()
        if step == "setujui" and request.POST.get("confirm") != "yes":
            return self.confirm(None)  # approving locks the quarter: only from the confirmation page
        form = ReasonForm(request.POST)
        if step in REASON_STEPS and not form.is_valid():
            return self.confirm(form)
        if report.pk is None:
            report = services.quarter_report_for(year=report.year, quarter=report.quarter, unit=report.unit)
        try:
            if step in REASON_STEPS:
                action = services.quarter_return if step == "kembalikan" else services.quarter_reopen
                action(actor=actor, report=report, reason=form.cleaned_data["reason"])
            else:
                {
                    "ajukan": services.quarter_submit,
                    "verifikasi": services.quarter_verify,
                    "setujui": services.quarter_approve,
                }[step](actor=actor, report=report)
        except ValidationError as error:
            if step in REASON_STEPS and hasattr(error, "error_dict") and "reason" in error.error_dict:
                add_validation_error(form, error)
                return self.confirm(form)
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("The quarter is now: %(status)s.") % {"status": self._status(report)})
        return self._report_page(report)

    def _status(self, report: QuarterReport) -> str:
        report.refresh_from_db()
        return str(report.get_status_display())


class ApprovalsView(PermissionMixin, TemplateView):
    """The inbox of heads and leadership: the quarters waiting for their verification or approval."""

    permission_required = VIEW
    template_name = "performance/approvals.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        return super().get_context_data(**kwargs) | {
            "reports": selectors.quarters_awaiting_decision(user),
            # Who decides at all (heads verify their units' quarters, leadership approves): their empty inbox says
            # "nothing waits"; others read who decides.
            "decides": user.role in (Role.HEAD_OF_UNIT, Role.LEADERSHIP, Role.ADMINISTRATOR),
        }


class EntryUpdateView(PermissionMixin, ServiceFormMixin, UpdateView):
    permission_required = "performance.enter_realisation"
    form_class = QuarterEntryForm
    template_name = "performance/entry_form.html"
    context_object_name = "entry"

    def get_queryset(self) -> Any:
        return QuarterEntry.objects.select_related("sub_activity__owner_unit", "sub_activity__output")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        entry = self.object
        assert isinstance(entry, QuarterEntry)
        ctx["report_url"] = self._report_url(entry)
        ctx["ceiling"] = selectors.ceiling_in_force(
            entry.sub_activity, periods.quarter_bounds(entry.sub_activity.year, entry.quarter)[1]
        )
        return ctx

    def _report_url(self, entry: QuarterEntry) -> str:
        sub = entry.sub_activity
        return reverse("performance:quarter-report", args=[sub.year, entry.quarter, sub.owner_unit.code])

    def save(self, form: QuarterEntryForm) -> QuarterEntry:
        entry = QuarterEntry.objects.select_related("sub_activity").get(pk=self.kwargs["pk"])
        return services.realisation_record(
            actor=acting_user(self.request),
            year=entry.sub_activity.year,
            sub_activity=entry.sub_activity,
            quarter=entry.quarter,
            data=form.service_data(),
            expected_version=form.cleaned_data.get("expected_version"),
        )

    def get_success_url(self) -> str:
        assert isinstance(self.object, QuarterEntry)
        return self._report_url(self.object)


class PlanListView(PermissionMixin, ListView):
    permission_required = VIEW
    template_name = "performance/plan_list.html"
    context_object_name = "plans"
    paginate_by = 20

    def get_queryset(self) -> Any:
        return StrategicPlan.objects.select_related("owner_unit")


class PlanDetailView(PermissionMixin, DetailView):
    permission_required = VIEW
    template_name = "performance/plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self) -> Any:
        return StrategicPlan.objects.select_related("owner_unit")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        plan = self.object
        ctx.update(selectors.plan_detail(plan))
        ctx["years"] = list(plan.years)
        ctx["activity_targets"] = plan.activity_targets.prefetch_related("indicators__targets").order_by(
            "year", "order"
        )
        return ctx


class DocumentsView(PermissionMixin, YearMixin, ListView):
    """The year's RKT and PK, with every correction and the original it replaced."""

    permission_required = VIEW
    template_name = "performance/documents.html"
    context_object_name = "documents"
    paginate_by = 20

    def get_queryset(self) -> Any:
        return selectors.documents(self.year)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | self.year_context()


class IndicatorView(PermissionMixin, YearMixin, DetailView):
    """An indicator in a year: target, realisation, and for a computed one the records behind the figure."""

    permission_required = VIEW
    template_name = "performance/indicator.html"
    context_object_name = "indicator"

    def get_queryset(self) -> Any:
        return Indicator.objects.select_related("plan", "activity_target", "strategic_target")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs) | self.year_context()
        indicator = self.object
        target = IndicatorTarget.objects.filter(indicator=indicator, year=self.year).first()
        settings = selectors.year_settings(self.year)
        result = selectors.indicator_result(indicator, target, self.year, settings.bands)
        page = Paginator(result.records, 50).get_page(self.request.GET.get("page"))
        ctx.update(
            result=result,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            source_label=sources.label_of(indicator.source_key) if indicator.source_key else "",
            sub_activities=indicator.sub_activities.filter(year=self.year).select_related("owner_unit"),
        )
        return ctx


class SubActivityView(PermissionMixin, DetailView):
    permission_required = VIEW
    template_name = "performance/sub_activity.html"
    context_object_name = "sub"

    def get_queryset(self) -> Any:
        return selectors.sub_activities_all()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        sub = self.object
        setting = PerformanceYear.objects.filter(year=sub.year).first()
        ctx["figures"] = selectors.sub_activity_figures(sub, setting.efficiency_standard if setting else metrics.ONE)
        ctx["quarters"] = list(sub.quarters.all())
        ctx["revisions"] = list(sub.revisions.all())
        ctx["history"] = core_selectors.record_history(sub)[:20]
        ctx["can_revise"] = acting_user(self.request).has_perm("performance.manage_plan", sub)
        return ctx


class BudgetRevisionCreateView(PermissionMixin, ServiceFormMixin, CreateView):
    permission_required = "performance.manage_plan"
    form_class = BudgetRevisionForm
    template_name = "performance/revision_form.html"

    def get_sub(self) -> SubActivity:
        return get_object_or_404(SubActivity, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"sub": self.get_sub()}

    def save(self, form: BudgetRevisionForm) -> BudgetRevision:
        data = form.cleaned_data
        return services.budget_revision_create(
            actor=acting_user(self.request),
            sub_activity=self.get_sub(),
            effective_on=data["effective_on"],
            ceiling=data["ceiling"],
            reason=data["reason"],
        )

    def get_success_url(self) -> str:
        return reverse("performance:sub-activity", args=[self.kwargs["pk"]])


# --- cascading to every unit, unit PKs, action plans -------------------------------------------------------


def _quarter_param(request: HttpRequest, default: int = 4) -> int:
    try:
        quarter = int(request.GET.get("triwulan", str(default)))
    except ValueError:
        return default
    return quarter if quarter in (1, 2, 3, 4) else default


class CascadeView(PermissionMixin, YearMixin, TemplateView):
    """The performance tree of a year: goal → bureau indicator → unit indicators (with their targets and action
    plans up to the chosen quarter, the units behind their plan named), and the units' PKs."""

    permission_required = VIEW
    template_name = "performance/cascade.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs) | self.year_context()
        quarter = _quarter_param(self.request)
        tree = selectors.cascade(self.year, quarter)
        agreements = list(selectors.unit_agreements(self.year))
        latest: dict[int, UnitAgreement] = {}
        for agreement in agreements:  # ordered by unit, newest revision first
            latest.setdefault(agreement.unit_id, agreement)
        units = sorted({row.unit.pk: row.unit for row in tree.rows}.values(), key=lambda u: u.path)
        user = acting_user(self.request)
        goals: dict[Any, list[selectors.CascadeBranch]] = {}
        for branch in tree.branches:
            target = branch.indicator.strategic_target or None
            goals.setdefault(target.goal if target else None, []).append(branch)
        # Who may cascade from the plan (a bureau indicator) and from each unit indicator; editing an indicator is
        # cascading it again, so it follows the permission of where it comes from. Evaluated in memory.
        perm = "performance.cascade_indicator"
        from_plan = tree.plan is not None and user.has_perm(perm, UnitIndicator(indicator=Indicator(plan=tree.plan)))
        cascadable = {
            row.unit_indicator.pk
            for row in tree.rows
            if user.has_perm(perm, UnitIndicator(indicator=row.unit_indicator.indicator, parent=row.unit_indicator))
        }
        editable = {
            row.unit_indicator.pk
            for row in tree.rows
            if (row.unit_indicator.parent_id in cascadable if row.unit_indicator.parent_id else from_plan)
        }
        shown = [branch.indicator.pk for branch in tree.branches]
        uncascaded = (
            list(Indicator.objects.filter(plan=tree.plan).exclude(pk__in=shown).order_by("order", "code"))
            if tree.plan is not None
            else []
        )
        ctx.update(
            tree=tree,
            from_plan=from_plan,
            cascadable=cascadable,
            editable=editable,
            uncascaded=uncascaded,
            goals=list(goals.items()),
            quarter=quarter,
            quarter_label=Quarter(quarter).label,
            quarters=Quarter.choices,
            plannable={
                unit.pk for unit in units if user.has_perm("performance.manage_cascade", UnitIndicator(unit=unit))
            },
            unit_rows=[
                (
                    unit,
                    latest.get(unit.pk),
                    user.has_perm("performance.edit_unit_agreement", UnitAgreement(unit=unit, year=self.year)),
                )
                for unit in units
            ],
        )
        return ctx


class AgreementMixin(YearMixin):
    def get_unit(self) -> OrganisationUnit:
        if not hasattr(self, "_unit"):
            self._unit = get_object_or_404(OrganisationUnit, code=self.kwargs["unit"])
        return self._unit


class AgreementCreateView(PermissionMixin, AgreementMixin, TemplateView):
    """A unit head's PK of the year, stating the unit's indicators and targets from the cascade."""

    permission_required = "performance.edit_unit_agreement"
    template_name = "performance/agreement_form.html"

    def get_permission_object(self) -> UnitAgreement:
        return UnitAgreement(unit=self.get_unit(), year=self.year)

    def initial(self) -> dict[str, Any]:
        unit = self.get_unit()
        head = selectors.unit_head_name(unit)
        superior = selectors.unit_head_name(unit.parent) if unit.parent else ""
        return {
            "first_party_name": head,
            "first_party_position": f"Kepala {unit.name}",
            "second_party_name": superior,
            "second_party_position": f"Kepala {unit.parent.name}" if unit.parent else "",
            "pledge": DEFAULT_PLEDGE,
            "budget": selectors.unit_budget(unit, self.year),
            "place": "Jakarta",
        }

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.context(AgreementForm(initial=self.initial())))

    def context(self, form: AgreementForm) -> dict[str, Any]:
        unit = self.get_unit()
        return (
            self.get_context_data(
                form=form, unit=unit, lines=services.agreement_lines(unit=unit, year=self.year), agreement=None
            )
            | self.year_context()
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = AgreementForm(request.POST)
        if form.is_valid():
            try:
                agreement = services.unit_agreement_create(
                    actor=acting_user(request), unit=self.get_unit(), year=self.year, data=form.cleaned_data
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("The performance agreement is recorded."))
                return redirect("performance:agreement", pk=agreement.pk)
        return self.render_to_response(self.context(form))


class AgreementView(PermissionMixin, DetailView):
    """A unit PK revision: parties, pledge, indicators and targets, status, the revisions before and after it."""

    permission_required = VIEW
    template_name = "performance/agreement.html"
    context_object_name = "agreement"

    def get_queryset(self) -> Any:
        return UnitAgreement.objects.select_related("unit", "supersedes", "approved_by").prefetch_related(
            "lines__unit_indicator__indicator"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        agreement = self.object
        assert isinstance(agreement, UnitAgreement)
        user = acting_user(self.request)
        revisions = list(
            UnitAgreement.objects.filter(unit=agreement.unit, year=agreement.year)
            .select_related("approved_by")
            .order_by("-revision")
        )
        is_latest = revisions[0].pk == agreement.pk
        ctx.update(
            year=agreement.year,
            years=selectors.years(),
            revisions=revisions,
            is_latest=is_latest,
            can_amend=is_latest and user.has_perm("performance.edit_unit_agreement", agreement),
            can_approve=is_latest
            and agreement.status == AgreementStatus.DRAFT
            and user.has_perm("performance.approve_unit_agreement", agreement),
            history=core_selectors.record_history(agreement)[:20],
            documents=selectors.agreement_documents(agreement),
        )
        return ctx


class AgreementAmendView(PermissionMixin, TemplateView):
    """Amend a unit PK: a new revision with the reason; the amended one stays as it was."""

    permission_required = "performance.edit_unit_agreement"
    template_name = "performance/agreement_form.html"

    def get_agreement(self) -> UnitAgreement:
        if not hasattr(self, "_agreement"):
            self._agreement = get_object_or_404(UnitAgreement.objects.select_related("unit"), pk=self.kwargs["pk"])
        return self._agreement

    def get_permission_object(self) -> UnitAgreement:
        return self.get_agreement()

    def context(self, form: AgreementForm) -> dict[str, Any]:
        agreement = self.get_agreement()
        return self.get_context_data(
            form=form,
            unit=agreement.unit,
            agreement=agreement,
            lines=services.agreement_lines(unit=agreement.unit, year=agreement.year),
            year=agreement.year,
            years=selectors.years(),
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        agreement = self.get_agreement()
        initial = {name: getattr(agreement, name) for name in AgreementForm.base_fields}
        return self.render_to_response(self.context(AgreementAmendForm(initial=initial)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = AgreementAmendForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "amendment_reason"}
            try:
                amendment = services.unit_agreement_amend(
                    actor=acting_user(request),
                    agreement=self.get_agreement(),
                    data=data,
                    reason=form.cleaned_data["amendment_reason"],
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("The amendment is recorded as revision %(n)s.") % {"n": amendment.revision})
                return redirect("performance:agreement", pk=amendment.pk)
        return self.render_to_response(self.context(form))


class AgreementApproveView(PermissionMixin, View):
    permission_required = "performance.approve_unit_agreement"
    http_method_names = ["post"]

    def get_permission_object(self) -> UnitAgreement:
        return get_object_or_404(UnitAgreement, pk=self.kwargs["pk"])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        agreement = self.get_permission_object()
        try:
            services.unit_agreement_approve(actor=acting_user(request), agreement=agreement)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("The performance agreement is approved."))
        return redirect("performance:agreement", pk=agreement.pk)


class AgreementFileView(PermissionMixin, View):
    """The PK as a signable DOCX or PDF in the official format."""

    permission_required = VIEW

    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        agreement = get_object_or_404(
            UnitAgreement.objects.select_related("unit").prefetch_related("lines__unit_indicator__indicator"), pk=pk
        )
        if fmt == "docx":
            body = agreement_files.render_docx(agreement)
            content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        elif fmt == "pdf":
            body = agreement_files.render_pdf(agreement)
            content_type = "application/pdf"
        else:
            raise Http404
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{agreement_files.file_name(agreement, fmt)}"'
        return response


class ActionPlanRealiseView(PermissionMixin, TemplateView):
    """What a unit reached in a quarter against its action plan; part of the quarter's realisation."""

    permission_required = "performance.enter_realisation"
    template_name = "performance/action_plan_form.html"

    def get_plan(self) -> ActionPlan:
        if not hasattr(self, "_plan"):
            self._plan = get_object_or_404(
                ActionPlan.objects.select_related("unit_indicator__unit", "unit_indicator__indicator"),
                pk=self.kwargs["pk"],
            )
        return self._plan

    def get_permission_object(self) -> ActionPlan:
        return self.get_plan()

    def report_url(self) -> str:
        plan = self.get_plan()
        return reverse("performance:quarter-report", args=[plan.year, plan.quarter, plan.unit_indicator.unit.code])

    def context(self, form: ActionPlanRealisationForm) -> dict[str, Any]:
        return self.get_context_data(form=form, plan=self.get_plan(), report_url=self.report_url())

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        plan = self.get_plan()
        form = ActionPlanRealisationForm(
            initial={
                "realised": plan.realised,
                "realisation_note": plan.realisation_note,
                "expected_version": plan.version,
            }
        )
        return self.render_to_response(self.context(form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ActionPlanRealisationForm(request.POST)
        if form.is_valid():
            try:
                services.action_plan_realise(
                    actor=acting_user(request),
                    action_plan=self.get_plan(),
                    realised=form.cleaned_data["realised"],
                    realisation_note=form.cleaned_data["realisation_note"],
                    expected_version=form.cleaned_data.get("expected_version"),
                )
            except StaleEditError as stale:
                data = request.POST.copy()
                data["expected_version"] = str(stale.instance.version)
                form.data = data
                form.add_error(
                    None,
                    _("%(who)s saved this record after you opened it. Nothing was saved yet; check and save again.")
                    % {"who": stale.who},
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("The realisation of the action plan is saved."))
                return redirect(self.report_url())
        return self.render_to_response(self.context(form))


class UnitPlanView(PermissionMixin, YearMixin, TemplateView):
    """A unit indicator's target of the year and its action plan (the four quarters), kept by the planner and the
    head of the unit (or of a unit above it)."""

    permission_required = "performance.manage_cascade"
    template_name = "performance/unit_plan_form.html"

    def get_unit_indicator(self) -> UnitIndicator:
        if not hasattr(self, "_ui"):
            self._ui = get_object_or_404(
                UnitIndicator.objects.select_related("unit", "indicator"), pk=self.kwargs["pk"]
            )
        return self._ui

    def get_permission_object(self) -> UnitIndicator:
        return self.get_unit_indicator()

    def context(self, form: UnitPlanForm) -> dict[str, Any]:
        return self.get_context_data(form=form, unit_indicator=self.get_unit_indicator()) | self.year_context()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ui = self.get_unit_indicator()
        initial: dict[str, Any] = {"target_version": 0, **{f"version_{q}": 0 for q in (1, 2, 3, 4)}}
        target = ui.targets.filter(year=self.year).first()
        if target is not None:
            initial["year_target"] = target.target
            initial["target_version"] = target.version
        for plan in ui.action_plans.filter(year=self.year):
            initial[f"target_{plan.quarter}"] = plan.target
            initial[f"actions_{plan.quarter}"] = plan.actions
            initial[f"version_{plan.quarter}"] = plan.version
        return self.render_to_response(self.context(UnitPlanForm(initial=initial)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = UnitPlanForm(request.POST)
        ui = self.get_unit_indicator()
        if form.is_valid():
            actor = acting_user(request)
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    services.unit_target_set(
                        actor=actor,
                        unit_indicator=ui,
                        year=self.year,
                        target=data["year_target"],
                        expected_version=data.get("target_version"),
                    )
                    for q in (1, 2, 3, 4):
                        services.action_plan_set(
                            actor=actor,
                            unit_indicator=ui,
                            year=self.year,
                            quarter=q,
                            target=data[f"target_{q}"],
                            actions=data[f"actions_{q}"],
                            expected_version=data.get(f"version_{q}"),
                        )
            except StaleEditError as stale:
                # Nothing was saved. The form keeps the editor's values and moves to the versions now saved, so
                # saving again (after checking what the other person saved, shown above the form) is deliberate.
                fresh = request.POST.copy()
                current = ui.targets.filter(year=self.year).first()
                fresh["target_version"] = str(current.version if current else 0)
                versions = {p.quarter: p.version for p in ui.action_plans.filter(year=self.year)}
                for q in (1, 2, 3, 4):
                    fresh[f"version_{q}"] = str(versions.get(q, 0))
                form.data = fresh
                form.add_error(
                    None,
                    _(
                        "%(who)s saved this plan after you opened it. Nothing was saved yet: check what they saved "
                        "(above) and save again to keep your values."
                    )
                    % {"who": stale.who},
                )
                return self.render_to_response(self.context(form) | {"stale": stale})
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("The target and action plan are saved."))
                return redirect("performance:cascade", year=self.year)
        return self.render_to_response(self.context(form))


class UnitIndicatorFormMixin(PermissionMixin, YearMixin, ServiceFormMixin):
    """Creating and editing a unit indicator: permission `performance.cascade_indicator` on the indicator (the
    planner, leadership, the head of the unit it cascades from), its target of the page's year beside it."""

    permission_required = "performance.cascade_indicator"
    template_name: str | None = "performance/unit_indicator_form.html"
    form_class: Any = UnitIndicatorForm

    def check_year(self, indicator: Indicator) -> None:
        if not indicator.plan.start_year <= self.year <= indicator.plan.end_year:
            raise Http404

    def get_success_url(self) -> str:
        created = self.object
        assert created is not None
        return reverse("performance:cascade", args=[self.year]) + f"#unit-indicator-{created.pk}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        return ctx | self.year_context()

    def target_error(self, form: UnitIndicatorForm, stale: StaleEditError) -> None:
        """Someone saved the year's target meanwhile: nothing was saved; the form shows their target's version, so
        saving again (keeping or changing the value) is a deliberate choice."""
        current = stale.instance
        assert isinstance(current, UnitIndicatorTarget)
        data: Any = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict when bound by a view
        data["target_version"] = str(current.version)
        form.data = data
        form.add_error(
            "year_target",
            _(
                "%(who)s saved the target %(theirs)s meanwhile; nothing was saved. Keep the value you want and save "
                "again."
            )
            % {"who": stale.who, "theirs": formatting.number(current.target, 2)},
        )


class UnitIndicatorCreateView(UnitIndicatorFormMixin, CreateView):
    """Cascade a bureau indicator to a division or sub-division, or a unit indicator to a unit beneath its own."""

    def get_source(self) -> UnitIndicator:
        """An unsaved indicator naming where it cascades from (the permission object)."""
        if not hasattr(self, "_source"):
            if "parent" in self.kwargs:
                parent = get_object_or_404(
                    UnitIndicator.objects.select_related("unit", "indicator__plan__owner_unit"),
                    pk=self.kwargs["parent"],
                )
                self._source = UnitIndicator(indicator=parent.indicator, parent=parent)
            else:
                indicator = get_object_or_404(
                    Indicator.objects.select_related("plan__owner_unit"), pk=self.kwargs["indicator"]
                )
                self._source = UnitIndicator(indicator=indicator)
            self.check_year(self._source.indicator)
        return self._source

    def get_permission_object(self) -> UnitIndicator:
        return self.get_source()

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        source = self.get_source()
        kwargs["instance"] = UnitIndicator(indicator=source.indicator, parent=source.parent)
        kwargs["units"] = core_selectors.units_within(source.source_unit).exclude(pk=source.source_unit.pk)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"source": self.get_source(), "unit_indicator": None}

    def save(self, form: UnitIndicatorForm) -> UnitIndicator:
        source = self.get_source()
        data = form.service_data()
        data.update(indicator=source.indicator, parent=source.parent)
        return services.unit_indicator_create(
            actor=acting_user(self.request),
            data=data,
            year=self.year,
            target=form.cleaned_data["year_target"],
            target_label=form.cleaned_data["target_label"],
        )


class UnitIndicatorUpdateView(UnitIndicatorFormMixin, UpdateView):
    """Edit a unit indicator's name, measure, manual and target of the year (with the stale-edit check)."""

    context_object_name = "unit_indicator"

    def get_queryset(self) -> Any:
        return UnitIndicator.objects.select_related("unit", "parent__unit", "indicator__plan__owner_unit")

    def get_object(self, queryset: Any = None) -> UnitIndicator:
        if not hasattr(self, "_object"):
            found = super().get_object(queryset)
            assert isinstance(found, UnitIndicator)
            self.check_year(found.indicator)
            self._object = found
        return self._object

    def get_permission_object(self) -> UnitIndicator:
        return self.get_object()

    def year_target(self) -> UnitIndicatorTarget | None:
        return UnitIndicatorTarget.objects.filter(unit_indicator=self.get_object(), year=self.year).first()

    def get_initial(self) -> dict[str, Any]:
        target = self.year_target()
        initial: dict[str, Any] = super().get_initial()
        initial["target_version"] = target.version if target else 0
        if target is not None:
            initial.update(year_target=target.target, target_label=target.target_label)
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ui = self.get_object()
        source = UnitIndicator(indicator=ui.indicator, parent=ui.parent)
        return super().get_context_data(**kwargs) | {"source": source}

    def stale_edit(self, form: Any, stale: StaleEditError) -> None:
        if isinstance(stale.instance, UnitIndicatorTarget):
            self.target_error(form, stale)
        else:
            super().stale_edit(form, stale)

    def editor_changed_target(self, form: UnitIndicatorForm) -> bool:
        """Whether the editor changed the year's target from what the form was loaded with (an untouched target is
        not written, so someone else's change of it meanwhile stays)."""
        current = self.year_target()
        loaded_version = form.cleaned_data.get("target_version")
        if current is None or loaded_version is None or loaded_version == current.version:
            return True
        loaded = values_at_version(current, loaded_version) if loaded_version else None
        if loaded is None:
            return True  # unknown: the service refuses it as stale
        return (
            Decimal(str(loaded.get("target"))) != form.cleaned_data["year_target"]
            or (loaded.get("target_label") or "") != form.cleaned_data["target_label"]
        )

    def save(self, form: UnitIndicatorForm) -> UnitIndicator:
        return services.unit_indicator_update(
            actor=acting_user(self.request),
            unit_indicator=self.get_object(),
            data=form.service_data(),
            expected_version=form.cleaned_data.get("expected_version"),
            year=self.year,
            target=form.cleaned_data["year_target"] if self.editor_changed_target(form) else None,
            target_label=form.cleaned_data["target_label"],
            target_version=form.cleaned_data.get("target_version"),
        )
