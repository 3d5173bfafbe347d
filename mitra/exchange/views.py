"""Pages of data exchange: import (upload → preview of every row → commit), template workbooks, the appendix-4
table of a year, the calendar feed's URL, and the feed itself."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework.views import APIView

from mitra.api.permissions import SignedIn
from mitra.core.web import PermissionMixin, acting_user

from . import calendar, iati, imports, services, workbooks
from . import spreadsheet as xl
from .models import CalendarFeed, ImportUpload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the workbook holds"), choices=list(imports.TITLES.items()))
    file = forms.FileField(label=gettext_lazy("Workbook (.xlsx)"))
    year = forms.IntegerField(label=gettext_lazy("Year (appendix 4)"), min_value=2000, max_value=2100, required=False)
    quarter = forms.IntegerField(
        label=gettext_lazy("Quarter that receives the year's totals (appendix 4)"),
        min_value=1,
        max_value=4,
        initial=4,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", _("The workbook is larger than 10 MB."))
        if data.get("kind") == "appendix4" and not data.get("year"):
            self.add_error("year", _("Give the year of the appendix."))
        return data


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ImportView(PermissionMixin, View):
    """Upload a workbook; the next page previews it."""

    permission_required = "exchange.view_import"  # the bureau's page: units outside it import nothing

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request, UploadForm())

    def page(self, request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
        can_import = request.user.has_perm("exchange.import")
        context = {
            "form": form,
            "kinds": imports.TITLES,
            "can_import": can_import,
            "can_export_iati": (can_export := request.user.has_perm("exchange.export_iati")),
            "iati_left_out": iati.left_out() if can_export else {},
        }
        return render(request, "exchange/import.html", context, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("exchange.import"):
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, form, status=400)
        data = form.cleaned_data
        content = data["file"].read()
        try:
            xl.check_bounds(content)  # a workbook too large to open is refused here, and never stored
        except xl.WorkbookError as error:
            for problem in error.errors:
                form.add_error("file", problem.message)
            return self.page(request, form, status=400)
        upload = services.stage_upload(
            actor=acting_user(request),
            kind=data["kind"],
            filename=data["file"].name,
            content=content,
            options={"year": data.get("year"), "quarter": data.get("quarter") or 4},
        )
        return redirect("exchange:import-preview", pk=upload.pk)


class ImportPreviewView(PermissionMixin, View):
    """GET: what every row would do, and every error by row and column. POST: commit, all or nothing."""

    permission_required = "exchange.view_import"  # the bureau's page: units outside it import nothing

    def upload(self, request: HttpRequest, pk: int) -> ImportUpload:
        if not request.user.has_perm("exchange.import"):
            raise PermissionDenied
        return get_object_or_404(ImportUpload, pk=pk, user=acting_user(request), committed_at__isnull=True)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        upload = self.upload(request, pk)
        result = imports.preview_upload(upload, actor=acting_user(request))
        return render(
            request, "exchange/preview.html", {"upload": upload, "result": result, "title": imports.TITLES[upload.kind]}
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        upload = self.upload(request, pk)
        if upload.failure:  # never read again: the page shows why
            return redirect("exchange:import-preview", pk=pk)
        result = services.commit_upload(actor=acting_user(request), upload=upload)
        if result.committed:
            messages.success(request, _("Imported %(n)s rows.") % {"n": len(result.rows)})
            return redirect("exchange:import")
        messages.error(request, _("Nothing was imported: correct the errors below and upload the workbook again."))
        return render(
            request,
            "exchange/preview.html",
            {"upload": upload, "result": result, "title": imports.TITLES[upload.kind]},
            status=400,
        )


class TemplateView(PermissionMixin, View):
    """The template workbook of an import; for appendix 4, the year's plan laid out as the appendix."""

    permission_required = "core.view_records"

    def get(self, request: HttpRequest, kind: str) -> HttpResponse:
        if kind in imports.LIST_KINDS:
            return _xlsx(workbooks.list_template(kind), f"template-{kind}.xlsx")
        if kind == "appendix4":
            year = _year(request)
            return _xlsx(workbooks.appendix4(year, with_realisation=False), f"lampiran-4-{year}-template.xlsx")
        raise Http404


def _year(request: HttpRequest) -> int:
    from mitra.performance.models import SubActivity

    raw = request.GET.get("year", "")
    # ASCII digits only: "²".isdigit() is true, and int("²") fails.
    if (
        not (raw.isascii() and raw.isdigit() and len(raw) <= 4)
        or not SubActivity.objects.filter(year=int(raw)).exists()
    ):
        raise Http404(_("No sub-activities for that year."))
    return int(raw)


class Appendix4ExportView(PermissionMixin, View):
    """The year's appendix 4 (budget and realisation per sub-activity) as a workbook."""

    permission_required = "performance.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        year = _year(request)
        return _xlsx(workbooks.appendix4(year), f"lampiran-4-{year}.xlsx")


class IatiExportView(PermissionMixin, View):
    """The cooperations marked as development cooperation as an IATI 2.03 activity file."""

    permission_required = "exchange.export_iati"

    def get(self, request: HttpRequest) -> HttpResponse:
        if not iati.development_cooperations().exists():  # an IATI file must hold at least one activity
            messages.warning(
                request,
                _("Nothing to export to IATI: no development cooperation is marked public (or all are illustrative)."),
            )
            return redirect("exchange:import")
        content = iati.activities_xml()
        if errors := iati.validate(content):  # never hand out a file the IATI schema rejects
            messages.error(
                request,
                _("The IATI file was not produced: it does not validate against the IATI 2.03 schema (%(errors)s).")
                % {"errors": "; ".join(errors[:3])},
            )
            return redirect("exchange:import")
        response = HttpResponse(content, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="mitra-iati-activities.xml"'
        return response


class CalendarFeedCreateView(PermissionMixin, View):
    permission_required = "core.view_records"

    def post(self, request: HttpRequest) -> HttpResponse:
        _feed, raw = services.feed_create(actor=acting_user(request))
        url = request.build_absolute_uri(f"/pertukaran/kalender/{raw}.ics")
        return render(request, "exchange/feed_created.html", {"url": url})


class CalendarFeedRevokeView(PermissionMixin, View):
    permission_required = "core.view_records"

    def post(self, request: HttpRequest) -> HttpResponse:
        services.feed_revoke_all(actor=acting_user(request))
        messages.success(request, _("The calendar address was revoked."))
        return redirect("core:profile")


class FeedTokenAuthentication(authentication.BaseAuthentication):
    """The secret in the feed's URL is the credential (calendar programs cannot log in)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        token = request.parser_context["kwargs"].get("token", "") if request.parser_context else ""
        feed = (
            CalendarFeed.objects.select_related("user", "user__unit").filter(digest=services.feed_digest(token)).first()
        )
        if feed is None or feed.revoked_at is not None or not feed.user.is_active:
            raise exceptions.NotAuthenticated(_("This calendar address is not valid or has been revoked."))
        return feed.user, feed

    def authenticate_header(self, request: Request) -> str:
        return "Token"


class CalendarFeedView(APIView):
    authentication_classes = [FeedTokenAuthentication]
    permission_classes = [SignedIn]
    throttle_classes: list[Any] = []
    schema = None  # not part of the JSON API's schema

    def get(self, request: Request, token: str) -> HttpResponse:
        response = HttpResponse(calendar.render(request.user), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="mitra.ics"'
        return response
