from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from mitra.cooperation.models import Meeting
from mitra.core.models import OrganisationUnit
from mitra.core.web import PermissionMixin, VersionErrorsShown, acting_user, version_field
from mitra.performance import selectors as perf

from . import briefing, consistency, generate, issuing, jobs, services
from .figures import year_data
from .models import IssuedReport, Narrative, NarrativeKey, ReportJob
from .renderers.docx import render_docx
from .renderers.html import render_fragment
from .renderers.pdf import render_pdf

VIEW = "reports.view"
EDIT = "reports.edit_narrative"
REVIEW_PERM = "reports.review"
ISSUE_PERM = "reports.issue"


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
        findings = consistency.year_findings(year, translation.get_language() or "id")
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
            issue=issuing.state("lakip", year),
            can_review=services.may(acting_user(self.request), REVIEW_PERM),
            can_issue=services.may(acting_user(self.request), ISSUE_PERM),
            languages=["id", "en"],
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


# How long a download request waits for a new job before it shows the job's progress page instead: a report
# that is quick to make (most XLSX and HTML files, small monitoring reports) is then served by the same request.
INLINE_WAIT_SECONDS = 1.0


class LakipDownloadView(PermissionMixin, View):
    permission_required = VIEW

    def get(self, request: HttpRequest, year: int, fmt: str) -> HttpResponse:
        if fmt not in generate.FORMATS:
            raise Http404
        return _serve_or_start(request, "lakip", _year({"year": year}), fmt)


class MonitoringDownloadView(PermissionMixin, View):
    permission_required = VIEW

    def get(self, request: HttpRequest, year: int, quarter: int, unit: str, fmt: str) -> HttpResponse:
        if fmt not in generate.FORMATS or quarter not in (1, 2, 3, 4):
            raise Http404
        year = _year({"year": year})
        code = None if unit == "biro" else unit
        if code is not None and not perf.report_units(year).filter(code=code).exists():
            raise Http404
        return _serve_or_start(request, "monitoring", year, fmt, quarter, code)


def _serve_or_start(
    request: HttpRequest, kind: str, year: int, fmt: str, quarter: int | None = None, unit: str | None = None
) -> HttpResponse:
    """The cached file at once; else a background job (a new one, or the person's unfinished one for the same
    report and data), served at once if it finishes within INLINE_WAIT_SECONDS, else its progress page."""
    language = _language(request)
    version = generate.data_version()
    hit = generate.cached(kind, year, fmt, language, quarter, unit, version)
    if hit is not None:
        return _download(hit)
    job, created = jobs.find_or_create(
        actor=acting_user(request),
        kind=kind,
        year=year,
        fmt=fmt,
        language=language,
        quarter=quarter,
        unit=unit,
        version=version,
    )
    if created:
        job = jobs.launch(job, wait=INLINE_WAIT_SECONDS)
    path = jobs.result_file(job)
    if path is not None:
        name = generate.filename(kind, year, fmt, quarter, unit)
        return _download(generate.Generated(path.read_bytes(), name, generate.FORMATS[fmt][0], 0.0, False, path))
    return redirect(job.get_absolute_url())


def _download(result: generate.Generated) -> HttpResponse:
    # Always a download, whether just made or cached: a PDF shown inline would replace the application in its tab
    # (and the standalone HTML carries its own print stylesheet; it is a file, not a page of the site).
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response["X-Report-Cached"] = "1" if result.cached else "0"
    return response


class JobMixin(PermissionMixin):
    """A report job: seen by the person who asked for it and by administrators (404 if there is no such job)."""

    permission_required = "reports.view_job"
    kwargs: dict[str, Any]

    def get_permission_object(self) -> ReportJob:
        if not hasattr(self, "job"):
            self.job = jobs.expire_if_stale(get_object_or_404(ReportJob, pk=self.kwargs["pk"]))
        return self.job


def _stage_label(job: ReportJob) -> str:
    if job.status == ReportJob.Status.FAILED:
        return str(job.get_status_display())
    if job.stage == ReportJob.Stage.RENDERING:
        return _("Writing the %(format)s file") % {"format": job.fmt.upper()}
    return str(job.get_stage_display())


def _job_state(job: ReportJob) -> dict[str, Any]:
    """What the job page shows, in the user's language (the JSON of the status endpoint)."""
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "stage": job.stage,
        "stage_label": _stage_label(job),
        "percent": max(0, min(100, job.percent)),
        "finished": job.finished,
        # A stored message Mitra wrote is in the catalogue; an exception's text passes through unchanged.
        "error": _(job.error) if job.status == ReportJob.Status.FAILED and job.error else "",
        "download_url": reverse("reports:job-download", args=[job.pk]) if job.status == ReportJob.Status.DONE else "",
        "retry_url": job.source_url(),
    }


def _job_title(job: ReportJob) -> str:
    if job.kind == ReportJob.Kind.LAKIP:
        return _("LAKIP %(year)s") % {"year": job.year}
    unit = _("Whole bureau")
    if job.unit:
        found = OrganisationUnit.objects.filter(code=job.unit).first()
        unit = (found.short_name or found.name) if found else job.unit
    return _("Monitoring report %(year)s, quarter %(quarter)s, %(unit)s") % {
        "year": job.year,
        "quarter": job.quarter,
        "unit": unit,
    }


class JobView(JobMixin, TemplateView):
    """The progress of a report being made; refreshes itself (job.js, or a meta refresh without JavaScript)."""

    template_name = "reports/job.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        job = self.get_permission_object()
        ctx.update(
            job=job,
            state=_job_state(job),
            title=_job_title(job),
            filename=generate.filename(job.kind, job.year, job.fmt, job.quarter, job.unit or None),
            language_name=dict(settings.LANGUAGES).get(job.language, job.language),  # each in its own language
            refresh_seconds=3,
        )
        return ctx


class JobStatusView(JobMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return JsonResponse(_job_state(self.get_permission_object()))


class JobDownloadView(JobMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        job = self.get_permission_object()
        if job.status != ReportJob.Status.DONE:
            return redirect(job.get_absolute_url())
        path = jobs.result_file(job)
        if path is None:
            messages.error(request, _(jobs.MISSING_FILE_MESSAGE))
            return redirect(job.source_url())
        name = generate.filename(job.kind, job.year, job.fmt, job.quarter, job.unit or None)
        # Always an attachment: the job page starts this download itself and must stay where it is.
        return FileResponse(
            path.open("rb"), as_attachment=True, filename=name, content_type=generate.FORMATS[job.fmt][0]
        )


class NarrativeForm(VersionErrorsShown, forms.Form):
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 18}), required=False)
    # The section's version when the form was opened; 0 when it had no text yet, so that a first save made by
    # someone else meanwhile is not silently replaced.
    expected_version = version_field()


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
        return {"text": existing.text, "expected_version": existing.version} if existing else {"expected_version": 0}

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
            # Nothing was saved. Show the other person's text; the form keeps this editor's text and now carries
            # the current version, so saving again replaces theirs knowingly.
            data: Any = form.data.copy()  # type: ignore[attr-defined]
            data["expected_version"] = str(stale.instance.version)
            form.data = data
            form.add_error(
                None,
                _(
                    "%(who)s saved this section after you opened it. Your text was not saved; theirs is shown "
                    "above. Combine them here and save again, or save again to replace theirs with yours."
                )
                % {"who": stale.who},
            )
            return self.render_to_response(self.get_context_data(form=form, stale=stale))
        messages.success(self.request, _("Saved."))
        return redirect(reverse("reports:year", args=[self.year]) + "#narasi")


class NarrativeCopyView(PermissionMixin, View):
    permission_required = EDIT

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        year = _year({"year": year})
        copied = services.narratives_copy(actor=acting_user(request), from_year=year - 1, to_year=year)
        messages.success(request, _("%(n)s sections copied from %(y)s.") % {"n": copied, "y": year - 1})
        return redirect(reverse("reports:year", args=[year]) + "#narasi")


# --- review and issue ---------------------------------------------------------------------------------------

REVIEW = services.REVIEW_PERM
ISSUE = services.ISSUE_PERM


class ReviewForm(forms.Form):
    reviewer = forms.CharField(
        label=gettext_lazy("Reviewed by"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The internal auditor (APIP), e.g. Inspektorat Utama Badan POM."),
    )
    reviewed_on = forms.DateField(
        label=gettext_lazy("Date of review"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    statement = forms.CharField(
        label=gettext_lazy("Review statement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Empty: the standard statement that the report has been reviewed (telah direviu)."),
    )


class IssueForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the revision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required for a revision that corrects an issued report."),
    )
    confirm_unapproved = forms.BooleanField(
        label=gettext_lazy("I issue the report with the quarters not yet approved that it names"),
        required=False,
    )


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


class SigningPermission(PermissionMixin):
    """The permission by its own rule (services.may): an administrator's superuser status does not sign."""

    request: HttpRequest

    def has_permission(self) -> bool:
        return services.may(acting_user(self.request), str(self.permission_required))


class ReviewView(SigningPermission, FormView):
    """Record the internal auditor's review of the LAKIP's next revision (draft → reviewed)."""

    permission_required = REVIEW
    template_name = "reports/review_form.html"
    form_class = ReviewForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        year = _year(self.kwargs)
        ctx.update(year=year, state=issuing.state("lakip", year))
        return ctx

    def form_valid(self, form: ReviewForm) -> HttpResponse:
        year = _year(self.kwargs)
        try:
            review = services.report_review(
                actor=acting_user(self.request),
                year=year,
                reviewer=form.cleaned_data["reviewer"],
                reviewed_on=form.cleaned_data["reviewed_on"],
                statement=form.cleaned_data["statement"],
            )
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Revision %(r)s is reviewed; it can now be issued.") % {"r": review.revision})
        return redirect(reverse("reports:year", args=[year]) + "#terbit")


class IssueView(SigningPermission, FormView):
    """Issue the reviewed LAKIP, signed by the head of bureau. The files are made by a task of the queue (they take
    seconds); everything that would refuse the issue is checked here first, so the page answers at once."""

    permission_required = ISSUE
    template_name = "reports/issue_form.html"
    form_class = IssueForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        year = _year(self.kwargs)
        from .evaluator import describe_unapproved, unapproved_quarters

        unapproved = unapproved_quarters(year)
        ctx.update(
            year=year,
            state=issuing.state("lakip", year),
            unapproved=describe_unapproved(unapproved, year) if unapproved else "",
        )
        return ctx

    def form_valid(self, form: IssueForm) -> HttpResponse:
        year = _year(self.kwargs)
        user = acting_user(self.request)
        reason = form.cleaned_data["reason"]
        confirm = bool(form.cleaned_data["confirm_unapproved"])
        try:
            _review, revision = services.issue_check(actor=user, year=year, reason=reason, confirm_unapproved=confirm)
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        from .tasks import issue_report

        transaction.on_commit(
            lambda: issue_report.enqueue(user_id=user.pk, year=year, reason=reason, confirm_unapproved=confirm)
        )
        messages.success(
            self.request,
            _(
                "Revision %(r)s is being issued: its files are being made. It appears under “Issued revisions” "
                "when they are ready (reload the page in a minute)."
            )
            % {"r": revision},
        )
        return redirect(reverse("reports:year", args=[year]) + "#terbit")


class IssuedFileView(PermissionMixin, View):
    """A file of an issued revision, exactly as issued (its SHA-256 is checked on every download)."""

    permission_required = VIEW

    def get(self, request: HttpRequest, year: int, revision: int, language: str, fmt: str) -> HttpResponse:
        year = _year({"year": year})
        issued = get_object_or_404(IssuedReport, kind="lakip", year=year, quarter=0, unit="", revision=revision)
        found = issuing.file_of(issued, fmt, "" if fmt == "json" else language)
        if found is None:
            raise Http404
        try:
            content = services.issued_content(found)
        except services.IssuedFileAltered:
            return HttpResponse(
                _("The stored file is not the one issued (its SHA-256 differs). Tell the administrator."),
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        content_type = "application/json" if fmt == "json" else generate.FORMATS[fmt][0]
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
        response["X-Content-SHA256"] = found.sha256
        return response


class BriefingBookView(PermissionMixin, View):
    """A meeting's briefing book, compiled from the records now, as DOCX or PDF (the bureau's people, leadership
    and administrators: it lists contacts and the delegation)."""

    permission_required = VIEW

    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        if fmt not in ("docx", "pdf"):
            raise Http404
        meeting = get_object_or_404(Meeting, pk=pk)
        report = briefing.build_briefing(meeting, _language(request))
        content = render_docx(report) if fmt == "docx" else render_pdf(report)
        response = HttpResponse(content, content_type=generate.FORMATS[fmt][0])
        response["Content-Disposition"] = f'attachment; filename="{briefing.filename(meeting, fmt)}"'
        return response
