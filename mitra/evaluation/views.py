"""The evaluation worksheet's pages: the years, a year's overview, a component's criteria, loading and exports."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from mitra.core.services import StaleEditError
from mitra.core.web import DAMAGED_FORM, PermissionMixin, acting_user

from . import selectors, services, workbook
from .evidence import KINDS, Finder
from .forms import AnswerForm, EvidenceForm, LoadForm
from .models import Component, Criterion, Evidence, Worksheet

VIEW = "evaluation.view"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAGE_SALT = "mitra.evaluation.load"


class IndexView(PermissionMixin, TemplateView):
    permission_required = VIEW
    template_name = "evaluation/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"worksheets": selectors.worksheets()}


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
