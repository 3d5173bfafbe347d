"""Upload, download and removal of attachments. Files are served only here, never from /media/."""

from __future__ import annotations

import time
import unicodedata
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from mitra.core.services import StaleEditError
from mitra.core.web import PermissionMixin, acting_user, add_validation_error

from . import access, selectors, services
from .forms import DocumentRemoveForm, DocumentUploadForm
from .models import Document


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def record_url(record: models.Model | None) -> str:
    get_url = getattr(record, "get_absolute_url", None)
    return get_url() if callable(get_url) else reverse("core:home")


REFUSED_UPLOAD = "documents.refused_upload"
REFUSED_UPLOAD_MAX_AGE = 600  # seconds: a refusal not shown by then (the user went elsewhere) is forgotten


def record_key(record: Any) -> str:
    return f"{selectors.record_type_of(record)}:{record.pk}"


def keep_refused_upload(request: HttpRequest, record: models.Model, form: DocumentUploadForm) -> None:
    """Remember a refused upload (the choices made and the messages) for the record's own page, which shows it at
    the form (PRG: a browser cannot keep a chosen file across a redirect; the category and title are kept)."""
    request.session[REFUSED_UPLOAD] = {
        "record": record_key(record),
        "data": {name: request.POST.get(name, "") for name in ("category", "title")},
        "errors": form.errors.get_json_data(),
        "at": time.time(),
    }


def take_refused_upload(request: HttpRequest | None, record: Any) -> DocumentUploadForm | None:
    """The refused upload form of `record` with its messages at the fields, once; None if there is none."""
    session = getattr(request, "session", None)
    if session is None or record is None or getattr(record, "pk", None) is None:
        return None
    refused = session.get(REFUSED_UPLOAD)
    if not refused or refused.get("record") != record_key(record):
        return None
    del session[REFUSED_UPLOAD]
    if time.time() - float(refused.get("at", 0)) > REFUSED_UPLOAD_MAX_AGE:
        return None
    return DocumentUploadForm.returned(
        refused.get("data", {}), refused.get("errors", {}), auto_id=upload_auto_id(record)
    )


def upload_auto_id(record: Any) -> str:
    """Ids unique to the record (a page may hold several upload forms)."""
    return f"id_doc_{selectors.record_type_of(record).replace('.', '_')}_{record.pk}_%s"


def upload_anchor(record: Any) -> str:
    return f"upload-{selectors.record_type_of(record).replace('.', '-')}-{record.pk}"


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name in RFC 5987 form for non-ASCII names."""
    letters = (ch for ch in unicodedata.normalize("NFKD", filename) if unicodedata.category(ch) != "Mn")
    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in " ._-()") else "_" for ch in letters)
    ascii_name = ascii_name.strip() or "dokumen"
    if ascii_name == filename:
        return f'attachment; filename="{ascii_name}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


class DocumentUploadView(PermissionMixin, TemplateView):
    """POST attaches a file to the record named by record_type + record_id; GET shows the same form alone.

    A refused file goes back to the page it came from (`next`, the record's own page), where the upload form shows
    the message at the file field with the category and title kept (keep_refused_upload), and a message at the
    top says why the file was not attached.
    """

    permission_required = "documents.attach"  # the record's own edit permission (access.py)
    template_name = "documents/upload.html"
    http_method_names = ["get", "post"]

    def get_record(self) -> models.Model:
        if not hasattr(self, "_record"):
            params = self.request.POST if self.request.method == "POST" else self.request.GET
            self._record = selectors.attachable_record(params.get("record_type", ""), params.get("record_id", ""))
        return self._record

    def get_permission_object(self) -> models.Model | None:
        if not self.request.user.is_authenticated:
            return None  # to the login page, without telling an anonymous visitor whether the record exists
        return self.get_record()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        record = self.get_record()
        ctx["record"] = record
        ctx["record_type"] = selectors.record_type_of(record)
        ctx["documents"] = selectors.documents_for(record)
        ctx["can_edit"] = True  # the partial asks access.py again: a closed record shows why instead of the form
        ctx["next"] = safe_next(self.request, record_url(record))
        ctx.setdefault("upload_form", DocumentUploadForm())
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_record()
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = services.attach(
                    actor=acting_user(request),
                    record=record,
                    uploaded_file=form.cleaned_data["file"],
                    category=form.cleaned_data["category"],
                    title=form.cleaned_data["title"],
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("%(name)s was attached.") % {"name": document.original_name})
                return redirect(safe_next(request, record_url(record)))
        keep_refused_upload(request, record, form)
        reasons = [str(message) for messages_ in form.errors.values() for message in messages_]
        messages.error(request, _("The file was not attached: %(reason)s") % {"reason": " ".join(reasons)})
        target = safe_next(request, record_url(record))
        return redirect(target if "#" in target else f"{target}#{upload_anchor(record)}")


class DocumentDownloadView(PermissionMixin, View):
    """The file under its original name, as an attachment (never rendered inline by the browser).

    Only for those who may read the record it belongs to (travel papers: the requesting unit, the travellers, the
    bureau); anyone else gets 403, audited.
    """

    permission_required = "documents.view_document"
    http_method_names = ["get", "head"]

    def get_permission_object(self) -> Document | None:
        if not self.request.user.is_authenticated:
            return None
        if not hasattr(self, "_document"):
            self._document = selectors.document(self.kwargs["pk"])
        return self._document

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        document = self.get_permission_object()
        assert document is not None
        try:
            handle = document.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        response = FileResponse(handle, content_type=document.content_type_detected)
        response["Content-Disposition"] = content_disposition(document.original_name)
        response["Content-Length"] = str(document.size)
        response["X-Content-Type-Options"] = "nosniff"
        # Even if a browser were told to show it, nothing in it may run.
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class DocumentRemoveView(PermissionMixin, TemplateView):
    """GET asks for a reason; POST removes the document (soft delete, kept in history)."""

    permission_required = "documents.remove_document"  # the record's own edit permission (access.py)
    template_name = "documents/remove.html"
    http_method_names = ["get", "post"]

    def get_document(self) -> Document:
        if not hasattr(self, "_document"):
            self._document = selectors.document(self.kwargs["pk"])
        return self._document

    def get_permission_object(self) -> Document | None:
        if not self.request.user.is_authenticated:
            return None
        return self.get_document()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        document = self.get_document()
        ctx["document"] = document
        ctx["closed_reason"] = access.closed_reason(document.record) if document.record is not None else None
        ctx["next"] = safe_next(self.request, record_url(document.record))
        ctx.setdefault("form", DocumentRemoveForm(initial={"expected_version": document.version}))
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        document = self.get_document()
        form = DocumentRemoveForm(request.POST)
        if form.is_valid():
            try:
                services.remove(
                    actor=acting_user(request),
                    document=document,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data.get("expected_version"),
                )
            except StaleEditError as stale:
                form.add_error(None, str(stale))
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("%(name)s was removed.") % {"name": document.original_name})
                return redirect(safe_next(request, record_url(document.record)))
        return self.render_to_response(self.get_context_data(form=form))
