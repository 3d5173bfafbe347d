"""The evaluation worksheet's pages: the years, a year's overview, a component's criteria, loading and exports."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from mitra.core.models import OrganisationUnit
from mitra.core.selectors import within_unit
from mitra.core.services import StaleEditError
from mitra.core.web import DAMAGED_FORM, PermissionMixin, acting_user, add_validation_error
from mitra.performance.models import Indicator

from . import selectors, services, workbook
from .evidence import KINDS, Finder
from .forms import (
    AnswerForm,
    BandForms,
    EvidenceForm,
    FollowUpForm,
    LoadForm,
    PerspectiveForms,
    RecommendationForm,
    ReportForm,
    ScorecardForm,
)
from .models import Component, Criterion, EvaluationReport, Evidence, Recommendation, Scorecard, Worksheet

VIEW = "evaluation.view"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAGE_SALT = "mitra.evaluation.load"


class IndexView(PermissionMixin, TemplateView):
    permission_required = VIEW
    template_name = "evaluation/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {
            "worksheets": selectors.worksheets(),
            "reports": selectors.reports(),
        }


class TemplateDownloadView(PermissionMixin, View):
    permission_required = VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(workbook.template_workbook(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="templat-lke.xlsx"'
        return response


def _worksheet(year: int, version: Any = None) -> Worksheet:
    if version not in (None, ""):
        try:
            number = int(version)
        except (TypeError, ValueError):
            raise Http404 from None
        return get_object_or_404(Worksheet, year=year, number=number)
    sheet = selectors.current(year)
    if sheet is None:
        raise Http404
    return sheet


class OverviewView(PermissionMixin, TemplateView):
    permission_required = VIEW
    template_name = "evaluation/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        sheet = _worksheet(self.kwargs["year"], self.request.GET.get("versi"))
        latest = selectors.current(sheet.year)
        return super().get_context_data(**kwargs) | {
            "sheet": sheet,
            "data": selectors.sheet_data(sheet),
            "is_latest": latest is not None and latest.pk == sheet.pk,
            "history": selectors.official_history(sheet.year),
            "year": sheet.year,
            "lhe_years": set(EvaluationReport.objects.values_list("year", flat=True)),
        }


def component_page(
    request: HttpRequest, component: Component, bound: dict[str, AnswerForm | EvidenceForm] | None = None
) -> HttpResponse:
    """The criteria of one component with their forms; `bound` replaces one criterion's form after a refused save."""
    sheet = component.worksheet
    data = selectors.sheet_data(sheet, component)
    user = request.user
    can_answer, can_evaluate = user.has_perm("evaluation.answer"), user.has_perm("evaluation.evaluate")
    bound = bound or {}
    candidates = Finder().all_of(sheet.year) if can_answer else []
    for comp in data.components:
        for sub in comp.subs:
            for row in sub.rows:
                c = row.criterion
                row.own_form = bound.get(f"own-{c.pk}") or AnswerForm(criterion=c)  # type: ignore[attr-defined]
                row.evaluator_form = bound.get(f"evaluator-{c.pk}") or AnswerForm(  # type: ignore[attr-defined]
                    criterion=c, evaluator=True
                )
                row.evidence_form = bound.get(f"evidence-{c.pk}")  # type: ignore[attr-defined]
    context = {
        "sheet": sheet,
        "year": sheet.year,
        "component": component,
        "components": list(sheet.components.order_by("order")),
        "data": data,
        "can_answer": can_answer,
        "can_evaluate": can_evaluate,
        "candidates": candidates,
        "kind_labels": {k: label for k, (label, _q) in KINDS.items()},
    }
    return render(request, "evaluation/component.html", context)


class ComponentView(PermissionMixin, View):
    permission_required = VIEW

    def get(self, request: HttpRequest, year: int, code: str) -> HttpResponse:
        sheet = _worksheet(year)
        component = get_object_or_404(Component, worksheet=sheet, code=code)
        return component_page(request, component)


class CriterionMixin:
    kwargs: dict[str, Any]

    def criterion(self) -> Criterion:
        criterion = get_object_or_404(
            Criterion.objects.select_related("worksheet", "sub_component__component", "answer"), pk=self.kwargs["pk"]
        )
        latest = selectors.current(criterion.worksheet.year)
        if latest is None or latest.pk != criterion.worksheet_id:
            raise PermissionDenied(_("An earlier version of the worksheet is kept as it was: answer the latest."))
        return criterion

    def back(self, criterion: Criterion) -> HttpResponse:
        component = criterion.sub_component.component
        url = reverse("evaluation:component", args=[criterion.worksheet.year, component.code])
        return redirect(f"{url}#criterion-{criterion.pk}")


class AnswerView(PermissionMixin, CriterionMixin, View):
    """POST only: the unit's own answer (evaluation.answer) or the evaluator's (evaluation.evaluate)."""

    permission_required = "evaluation.answer"
    evaluator = False

    def get_permission_required(self) -> tuple[str, ...]:
        return ("evaluation.evaluate",) if self.evaluator else ("evaluation.answer",)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        criterion = self.criterion()
        form = AnswerForm(request.POST, criterion=criterion, evaluator=self.evaluator)
        if form.is_valid():
            try:
                services.save_answer(
                    actor=acting_user(request),
                    criterion=criterion,
                    data=form.service_data(),
                    expected_version=form.cleaned_data["expected_version"],
                    evaluator=self.evaluator,
                )
            except StaleEditError as stale:
                who = stale.instance.updated_by or _("someone")
                form.add_error(
                    None,
                    _("%(who)s saved this answer meanwhile; reload the page to see it, or save again to replace it.")
                    % {"who": who},
                )
                data = request.POST.copy()
                data[form.add_prefix("expected_version")] = str(stale.instance.version)
                form.data = data
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Answer to %(code)s saved.") % {"code": criterion.code})
                return self.back(criterion)
        criterion = self.criterion()
        side = "evaluator" if self.evaluator else "own"
        return component_page(request, criterion.sub_component.component, {f"{side}-{criterion.pk}": form})


class EvidenceAddView(PermissionMixin, CriterionMixin, View):
    permission_required = "evaluation.answer"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        criterion = self.criterion()
        form = EvidenceForm(request.POST, prefix=f"evidence-{criterion.pk}")
        if form.is_valid():
            key = form.cleaned_data["candidate"]
            kind, _sep, rest = key.partition(":")
            found = None
            if kind in KINDS:
                try:
                    year = int(rest.rsplit(":", 1)[1])
                except (IndexError, ValueError):
                    year = 0
                if year in (criterion.worksheet.year, criterion.worksheet.year - 1):
                    found = next((c for c in Finder().of(kind, year) if c.key == key), None)
            if found is None:
                form.add_error("candidate", _("Choose a record of year n or n−1 from the list."))
            else:
                services.add_evidence(actor=acting_user(request), criterion=criterion, candidate=found)
                messages.success(request, _("Evidence linked to %(code)s.") % {"code": criterion.code})
                return self.back(criterion)
        return component_page(request, criterion.sub_component.component, {f"evidence-{criterion.pk}": form})


class EvidenceRemoveView(PermissionMixin, CriterionMixin, View):
    permission_required = "evaluation.answer"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        evidence = get_object_or_404(Evidence, pk=pk)
        self.kwargs["pk"] = evidence.criterion_id
        criterion = self.criterion()
        services.remove_evidence(actor=acting_user(request), evidence=evidence)
        messages.success(request, _("Evidence removed from %(code)s.") % {"code": criterion.code})
        return self.back(criterion)


class SuggestView(PermissionMixin, View):
    permission_required = "evaluation.answer"

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        sheet = _worksheet(year)
        added = services.suggest_evidence(actor=acting_user(request), worksheet=sheet)
        messages.success(request, _("%(n)s evidence links added from Mitra's records.") % {"n": added})
        return redirect("evaluation:overview", year=year)


class ExportView(PermissionMixin, View):
    permission_required = VIEW

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        sheet = _worksheet(year, request.GET.get("versi"))
        response = HttpResponse(workbook.export(selectors.sheet_data(sheet)), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="lke-{sheet.year}-v{sheet.number}.xlsx"'
        return response


class SummaryPdfView(PermissionMixin, View):
    """The overview as a PDF (WeasyPrint, like the reports): components, total and grade marked as an estimate."""

    permission_required = VIEW

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        from django.template.loader import render_to_string
        from weasyprint import HTML  # heavy: imported only for the PDF

        sheet = _worksheet(year, request.GET.get("versi"))
        html = render_to_string(
            "evaluation/summary_pdf.html",
            {"sheet": sheet, "data": selectors.sheet_data(sheet), "history": selectors.official_history(sheet.year)},
            request=request,
        )
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="lke-{sheet.year}-v{sheet.number}.pdf"'
        return response


class LoadView(PermissionMixin, View):
    """Upload a worksheet: first a preview with every problem listed, then loading the previewed file."""

    permission_required = "evaluation.manage"
    template_name = "evaluation/load.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": LoadForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LoadForm(request.POST, request.FILES)
        context: dict[str, Any] = {"form": form}
        if not form.is_valid():
            return render(request, self.template_name, context)
        year = form.cleaned_data["year"]
        if "confirm" in request.POST:
            try:
                staged = signing.loads(form.cleaned_data["staged"], salt=STAGE_SALT, max_age=3600)
                content = base64.b64decode(staged["content"])
            except (signing.BadSignature, KeyError, TypeError, ValueError):
                form.add_error("file", DAMAGED_FORM)
                return render(request, self.template_name, context)
            try:
                sheet = services.load_worksheet(
                    actor=acting_user(request), year=year, content=content, source_name=staged.get("name", "")
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
                return render(request, self.template_name, context)
            messages.success(request, _("%(sheet)s loaded.") % {"sheet": sheet})
            return redirect("evaluation:overview", year=year)
        upload = form.cleaned_data.get("file")
        if upload is None:
            form.add_error("file", _("Choose the worksheet file."))
            return render(request, self.template_name, context)
        content = upload.read()
        parsed = workbook.parse(content)
        for message in parsed.errors:
            form.add_error("file", message)
        context["parsed"] = parsed
        if not parsed.errors:
            context["staged"] = signing.dumps(
                {"content": base64.b64encode(content).decode(), "name": upload.name[:200]},
                salt=STAGE_SALT,
                compress=True,
            )
            latest = selectors.current(year)
            context["next_version"] = (latest.number if latest else 0) + 1
        return render(request, self.template_name, context)


def _stale_message(stale: StaleEditError) -> str:
    who = stale.instance.updated_by or _("someone")
    return _("%(who)s saved this record meanwhile; reload the page to see it, or save again to replace it.") % {
        "who": who
    }


def _save(form: Any, call: Any) -> Any:
    """Run a service with a form's data; a refused save puts its messages on the form and returns None."""
    try:
        return call()
    except StaleEditError as stale:
        form.add_error(None, _stale_message(stale))
        data = form.data.copy()
        data[form.add_prefix("expected_version")] = str(stale.instance.version)
        form.data = data
    except ValidationError as error:
        add_validation_error(form, error)
    return None


class ReportCreateView(PermissionMixin, View):
    """Record the evaluator's report (LHE) of a year."""

    permission_required = "evaluation.record_report"
    template_name = "evaluation/report_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": ReportForm(initial={"expected_version": 0})})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ReportForm(request.POST)
        if form.is_valid():
            report = _save(form, lambda: services.save_report(actor=acting_user(request), data=form.service_data()))
            if report is not None:
                messages.success(request, _("%(report)s recorded.") % {"report": report})
                return redirect(report.get_absolute_url())
        return render(request, self.template_name, {"form": form})


def report_page(
    request: HttpRequest,
    report: EvaluationReport,
    report_form: ReportForm | None = None,
    recommendation_form: RecommendationForm | None = None,
) -> HttpResponse:
    can_record = request.user.has_perm("evaluation.record_report")
    sheet = selectors.current(report.year)
    context = {
        "report": report,
        "recommendations": selectors.recommendations_of(report),
        "documents": selectors.report_documents(report),
        "can_record": can_record,
        "report_form": report_form or (ReportForm(instance=report) if can_record else None),
        "recommendation_form": recommendation_form
        or (
            RecommendationForm(initial={"order": report.recommendations.count() + 1, "expected_version": 0})
            if can_record
            else None
        ),
        "estimate": selectors.sheet_data(sheet) if sheet is not None else None,
        "next_sheet": selectors.current(report.year + 1),
    }
    return render(request, "evaluation/report.html", context)


class ReportView(PermissionMixin, View):
    """The LHE of a year with its recommendations and file; leadership corrects it and adds recommendations."""

    permission_required = VIEW

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        return report_page(request, get_object_or_404(EvaluationReport, year=year))


class ReportEditView(PermissionMixin, View):
    permission_required = "evaluation.record_report"

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        report = get_object_or_404(EvaluationReport, year=year)
        form = ReportForm(request.POST, instance=EvaluationReport.objects.get(pk=report.pk))
        if form.is_valid():
            saved = _save(
                form,
                lambda: services.save_report(
                    actor=acting_user(request),
                    report=report,
                    data=form.service_data(),
                    expected_version=form.cleaned_data["expected_version"],
                ),
            )
            if saved is not None:
                messages.success(request, _("%(report)s saved.") % {"report": saved})
                return redirect(saved.get_absolute_url())
        return report_page(request, report, report_form=form)


class RecommendationAddView(PermissionMixin, View):
    permission_required = "evaluation.record_report"

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        report = get_object_or_404(EvaluationReport, year=year)
        form = RecommendationForm(request.POST)
        if form.is_valid():
            data = form.service_data()
            saved = _save(
                form, lambda: services.add_recommendation(actor=acting_user(request), report=report, data=data)
            )
            if saved is not None:
                messages.success(request, _("Recommendation %(n)s added.") % {"n": saved.order})
                return redirect(report.get_absolute_url())
        return report_page(request, report, recommendation_form=form)


class RecommendationView(PermissionMixin, View):
    """A recommendation and its follow-up: leadership edits every field, the responsible unit its follow-up."""

    permission_required = VIEW

    def form_for(self, request: HttpRequest, rec: Recommendation, data: Any = None) -> RecommendationForm | None:
        if request.user.has_perm("evaluation.record_report"):
            return RecommendationForm(data, instance=rec)
        if request.user.has_perm("evaluation.follow_up", rec):
            return FollowUpForm(data, instance=rec)
        return None

    def page(self, request: HttpRequest, rec: Recommendation, form: RecommendationForm | None) -> HttpResponse:
        context = {
            "rec": rec,
            "report": rec.report,
            "form": form,
            "documents": selectors.report_documents(rec),
        }
        return render(request, "evaluation/recommendation.html", context)

    def recommendation(self, pk: int) -> Recommendation:
        return get_object_or_404(
            Recommendation.objects.select_related("report", "owner_unit", "owner", "updated_by"), pk=pk
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        rec = self.recommendation(pk)
        return self.page(request, rec, self.form_for(request, rec))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        rec = self.recommendation(pk)
        form = self.form_for(request, rec, request.POST)
        if form is None:
            raise PermissionDenied(_("You do not have permission to do this."))
        if form.is_valid():
            data = {n: form.cleaned_data[n] for n in form._meta.fields or []}
            saved = _save(
                form,
                lambda: services.update_recommendation(
                    actor=acting_user(request),
                    recommendation=rec,
                    data=data,
                    expected_version=form.cleaned_data["expected_version"],
                ),
            )
            if saved is not None:
                messages.success(request, _("Recommendation %(n)s saved.") % {"n": saved.order})
                return redirect(saved.get_absolute_url())
        return self.page(request, self.recommendation(pk), form)


class ScorecardIndexView(PermissionMixin, TemplateView):
    """The units' scorecards by year."""

    permission_required = VIEW
    template_name = "evaluation/scorecards.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {
            "scorecards": selectors.scorecards(),
            "can_configure": self.request.user.has_perm("evaluation.configure_scorecard"),
            "this_year": dt.date.today().year,
        }


class ScorecardView(PermissionMixin, TemplateView):
    """A unit's scorecard of a year: each indicator's achievement index and score, by perspective, with the
    perspectives' and the unit's scores."""

    permission_required = VIEW
    template_name = "evaluation/scorecard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        revisions = selectors.scorecard_revisions(self.kwargs["unit"], self.kwargs["year"])
        if not revisions:
            raise Http404
        wanted = self.request.GET.get("revisi", "")
        card = next((c for c in revisions if str(c.revision) == wanted), revisions[0])
        # The revision before the one shown, with the score it gives: a change of the configuration never changes a
        # period's score silently.
        earlier = next((c for c in revisions if c.revision < card.revision), None)
        return super().get_context_data(**kwargs) | {
            "data": selectors.scorecard_data(card),
            "card": card,
            "revisions": revisions,
            "is_latest": card.pk == revisions[0].pk,
            "earlier": earlier,
            "earlier_data": selectors.scorecard_data(earlier) if earlier is not None else None,
            "can_configure": self.request.user.has_perm("evaluation.configure_scorecard"),
        }


def scorecard_units() -> Any:
    """The units a scorecard is configured for: the bureau and the units beneath it (every unit without one)."""
    bureau = OrganisationUnit.objects.filter(code=str(getattr(settings, "MITRA_TRAVEL_BUREAU", "ksln"))).first()
    units = OrganisationUnit.objects.filter(within_unit(bureau)) if bureau is not None else OrganisationUnit.objects
    return units.order_by("path")


class ScorecardConfigureView(PermissionMixin, TemplateView):
    """Configure a unit's scorecard of a year in the interface: the cap, the bands and the perspectives with their
    weights and indicators, each checked at its field. A change of an existing scorecard is a new revision with its
    reason (the earlier revision, and the score it gives, stay). Administrators and leadership."""

    permission_required = "evaluation.configure_scorecard"
    template_name = "evaluation/scorecard_form.html"

    @property
    def year(self) -> int:
        raw = self.kwargs.get("year") or self.request.GET.get("tahun") or str(dt.date.today().year)
        try:
            year = int(raw)
        except ValueError:
            raise Http404 from None
        if not 2000 <= year <= 2100:
            raise Http404
        return year

    def latest(self) -> Scorecard | None:
        if "unit" not in self.kwargs:
            return None
        if not hasattr(self, "_latest"):
            revisions = selectors.scorecard_revisions(self.kwargs["unit"], self.year)
            if not revisions:
                raise Http404
            self._latest = revisions[0]
        return self._latest

    def indicators(self) -> dict[str, Indicator]:
        return {
            i.code: i
            for i in Indicator.objects.filter(
                targets__year=self.year, plan__start_year__lte=self.year, plan__end_year__gte=self.year
            ).order_by("order", "code")
        }

    def forms(self, data: Any = None) -> tuple[ScorecardForm, Any, Any]:
        latest = self.latest()
        initial: dict[str, Any] = {"expected_revision": latest.revision if latest else 0}
        bands: list[dict[str, Any]] = []
        perspectives: list[dict[str, Any]] = []
        if latest is not None:
            initial |= {
                "cap_pct": latest.cap_pct,
                "notes": latest.notes,
                "is_illustrative": latest.is_illustrative,
            }
            bands = [{"min_index": b.min_index, "score": b.score, "label": b.label} for b in latest.bands.all()]
            for p in latest.perspectives.prefetch_related("items__indicator").order_by("order"):
                lines = [
                    item.indicator.code + ("" if item.weight == 1 else f" = {item.weight.normalize():f}")
                    for item in sorted(p.items.all(), key=lambda i: i.order)
                ]
                perspectives.append(
                    {
                        "code": p.code,
                        "name": p.name,
                        "weight": p.weight,
                        "indicators": "\n".join(lines),
                        "is_illustrative": p.is_illustrative,
                    }
                )
        units = None if latest is not None else scorecard_units()
        form = ScorecardForm(data, initial=initial, units=units)
        band_forms = BandForms(data, initial=bands, prefix="band")
        perspective_forms = PerspectiveForms(
            data, initial=perspectives, prefix="perspective", form_kwargs={"indicators": self.indicators()}
        )
        return form, band_forms, perspective_forms

    def render_forms(self, form: ScorecardForm, band_forms: Any, perspective_forms: Any) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(
                form=form,
                band_forms=band_forms,
                perspective_forms=perspective_forms,
                card=self.latest(),
                year=self.year,
                indicators=list(self.indicators().values()),
            )
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_forms(*self.forms())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, band_forms, perspective_forms = self.forms(request.POST)
        valid = all([form.is_valid(), band_forms.is_valid(), perspective_forms.is_valid()])
        latest = self.latest()
        if valid:
            top = max(f.cleaned_data["min_index"] for f in band_forms.rows())
            cap = form.cleaned_data.get("cap_pct")
            if cap is not None and cap < top:
                form.add_error(
                    "cap_pct",
                    _("The cap is below the highest band (from %(top)s %%): no index could reach it.")
                    % {"top": f"{top.normalize():f}"},
                )
                valid = False
        if valid:
            unit = latest.unit if latest is not None else form.cleaned_data["unit"]
            if latest is None and Scorecard.objects.filter(unit=unit, year=self.year).exists():
                form.add_error("unit", _("This unit has a scorecard for the year already; change it from its page."))
                valid = False
        if valid:
            config = {
                "cap_pct": form.cleaned_data.get("cap_pct"),
                "notes": form.cleaned_data["notes"],
                "illustrative": form.cleaned_data["is_illustrative"],
                "bands": [{k: f.cleaned_data[k] for k in ("min_index", "score", "label")} for f in band_forms.rows()],
                "perspectives": [
                    {
                        "code": f.cleaned_data["code"],
                        "name": f.cleaned_data["name"],
                        "weight": f.cleaned_data["weight"],
                        "illustrative": f.cleaned_data["is_illustrative"],
                        "indicators": f.cleaned_data["indicators"],
                    }
                    for f in perspective_forms.rows()
                ],
            }
            try:
                card = services.configure_scorecard(
                    actor=acting_user(request),
                    unit=unit,
                    year=self.year,
                    config=config,
                    reason=form.cleaned_data["reason"],
                    expected_revision=form.cleaned_data.get("expected_revision"),
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(
                    request, _("The scorecard's configuration is saved (revision %(n)s).") % {"n": card.revision}
                )
                return redirect("evaluation:scorecard", year=card.year, unit=card.unit.code)
        return self.render_forms(form, band_forms, perspective_forms)
