from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from mitra.core.web import PermissionMixin, acting_user
from mitra.performance import selectors as perf

from . import consistency, generate, services
from .figures import year_data
from .lakip import LakipBuilder, narratives
from .models import Narrative, NarrativeKey
from .renderers.html import render_fragment

VIEW = "reports.view"
EDIT = "reports.edit_narrative"


def _year(kwargs: dict[str, Any]) -> int:
    year = int(kwargs["year"])
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("bahasa") or translation.get_language() or "id"
    return "en" if lang.startswith("en") else "id"


class IndexView(PermissionMixin, View):
    permission_required = VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        years = perf.years()
        if not years:
            raise Http404
        return redirect("reports:year", year=years[0])


class YearView(PermissionMixin, TemplateView):
    """The year's reports: LAKIP downloads, the consistency check, the narratives, the monitoring reports."""

    permission_required = VIEW
    template_name = "reports/year.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        year = _year(self.kwargs)
        data = year_data(year)
        texts = narratives(year)
        report = LakipBuilder(data, texts, translation.get_language() or "id").build()
        findings = consistency.check(report, data, texts)
        have = {n.key: n for n in Narrative.objects.filter(year=year)}
        units = list(perf.report_units(year))
        ctx.update(
            year=year,
            years=perf.years(),
            formats=["pdf", "docx", "xlsx", "html"],
            findings=findings,
            errors=consistency.errors(findings),
            narratives=[(key, label, have.get(key)) for key, label in NarrativeKey.choices],
            can_edit=self.request.user.has_perm(EDIT),
            previous_has_text=Narrative.objects.filter(year=year - 1).exists(),
            quarters=[1, 2, 3, 4],
            units=units,
        )
        return ctx


class PreviewView(PermissionMixin, TemplateView):
    """The LAKIP in the page; every computed figure links to the records or computation behind it."""

    permission_required = VIEW
    template_name = "reports/preview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        year = _year(self.kwargs)
        language = translation.get_language() or "id"
        report = generate.build("lakip", year, language)
        # render_fragment escapes every text it writes; the markup is the renderer's own.
        ctx.update(year=year, body=mark_safe(render_fragment(report)), formats=["pdf", "docx", "xlsx", "html"])  # noqa: S308
        return ctx


class LakipDownloadView(PermissionMixin, View):
    permission_required = VIEW

    def get(self, request: HttpRequest, year: int, fmt: str) -> HttpResponse:
        if fmt not in generate.FORMATS:
            raise Http404
        return _download(generate.generate("lakip", _year({"year": year}), fmt, _language(request)))


class MonitoringDownloadView(PermissionMixin, View):
    permission_required = VIEW

    def get(self, request: HttpRequest, year: int, quarter: int, unit: str, fmt: str) -> HttpResponse:
        if fmt not in generate.FORMATS or quarter not in (1, 2, 3, 4):
            raise Http404
        try:
            result = generate.generate(
                "monitoring", _year({"year": year}), fmt, _language(request), quarter, None if unit == "biro" else unit
            )
        except LookupError:
            raise Http404 from None
        return _download(result)


def _download(result: generate.Generated) -> HttpResponse:
    response = HttpResponse(result.content, content_type=result.content_type)
    disposition = "inline" if result.filename.endswith(".pdf") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{result.filename}"'
    response["X-Report-Cached"] = "1" if result.cached else "0"
    if result.filename.endswith(".html"):
        # The standalone file carries its own print stylesheet; it is a download, not a page of the site.
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


class NarrativeForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 18}), required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NarrativeEditView(PermissionMixin, FormView):
    permission_required = EDIT
    template_name = "reports/narrative_form.html"
    form_class = NarrativeForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if kwargs["key"] not in NarrativeKey.values:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @property
    def year(self) -> int:
        return _year(self.kwargs)

    def get_initial(self) -> dict[str, Any]:
        existing = Narrative.objects.filter(year=self.year, key=self.kwargs["key"]).first()
        return {"text": existing.text, "expected_version": existing.version} if existing else {}

    def figures(self) -> dict[str, Any]:
        if not hasattr(self, "_figures"):
            self._figures = year_data(self.year).figures
        return self._figures

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        lang = translation.get_language() or "id"
        ctx.update(
            year=self.year,
            key=self.kwargs["key"],
            label=NarrativeKey(self.kwargs["key"]).label,
            figures=[(name, f.label, f.text(lang)) for name, f in sorted(self.figures().items())],
        )
        return ctx

    def form_valid(self, form: NarrativeForm) -> HttpResponse:
        try:
            services.narrative_save(
                actor=acting_user(self.request),
                year=self.year,
                key=self.kwargs["key"],
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["expected_version"],
                known=set(self.figures()),
            )
        except ValidationError as error:
            for field, errs in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
            return self.form_invalid(form)
        except services.StaleEditError as stale:
            form.add_error(None, str(stale))
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(reverse("reports:year", args=[self.year]) + "#narasi")


class NarrativeCopyView(PermissionMixin, View):
    permission_required = EDIT

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        year = _year({"year": year})
        copied = services.narratives_copy(actor=acting_user(request), from_year=year - 1, to_year=year)
        messages.success(request, _("%(n)s sections copied from %(y)s.") % {"n": copied, "y": year - 1})
        return redirect(reverse("reports:year", args=[year]) + "#narasi")
