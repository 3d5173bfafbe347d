"""Every write to documents: attach a file to a record, remove it, re-run its text extraction.

The type of a file is decided by its content (`filetype` plus a look inside ZIP-based Office files), and the
extension must agree with it. Text extraction runs before the write transaction, so a slow parse never holds the
database's write lock, and it is bounded and cannot fail the upload (see extraction.py).
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
import zipfile
from pathlib import PurePath
from typing import IO, Any

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from mitra.core import audit
from mitra.core.models import AuditAction, User
from mitra.core.services import create_record, soft_delete_record

from . import access, extraction, zipguard
from .extraction import DOCX, JPEG, PDF, PNG, XLSX
from .models import Document, DocumentCategory, ExtractionStatus

logger = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024

# Accepted content types: canonical extension, the extensions a user's file may carry, and a name for people.
ALLOWED_TYPES: dict[str, tuple[str, frozenset[str], str]] = {
    PDF: ("pdf", frozenset({"pdf"}), "PDF"),
    DOCX: ("docx", frozenset({"docx"}), "Word (DOCX)"),
    XLSX: ("xlsx", frozenset({"xlsx"}), "Excel (XLSX)"),
    PNG: ("png", frozenset({"png"}), "PNG"),
    JPEG: ("jpg", frozenset({"jpg", "jpeg"}), "JPEG"),
}
ALLOWED_EXTENSIONS = frozenset().union(*(exts for _ext, exts, _label in ALLOWED_TYPES.values()))
# The part every genuine OOXML package of that kind has.
OOXML_MAIN_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
ZIP_LIKE = {"application/zip", DOCX, XLSX, "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
SNIFF_BYTES = 8192


def max_upload_bytes() -> int:
    return int(getattr(settings, "MITRA_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def _allowed_list() -> str:
    return ", ".join(label for _ext, _exts, label in ALLOWED_TYPES.values())


def _ooxml_kind(file: IO[bytes]) -> str | None:
    """DOCX or XLSX by the package's own parts (the sniffed header alone depends on the order of ZIP entries)."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for mime, part in OOXML_MAIN_PART.items():
        if part in names:
            return mime
    return None


def detect_mime(file: IO[bytes]) -> str | None:
    """The content type of `file` from its bytes, or None when it is not one Mitra recognises."""
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    kind = filetype.guess(head) if head else None
    mime = kind.mime if kind else None
    if mime in ZIP_LIKE:
        return _ooxml_kind(file)
    return mime


def clean_original_name(name: str) -> str:
    """The user's file name without any directory part or control characters, at most 255 characters."""
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip() or "berkas"
    if len(name) > 255:
        suffix = PurePath(name).suffix[:20]
        name = name[: 255 - len(suffix)] + suffix
    return name


def validate_upload(uploaded_file: UploadedFile) -> tuple[str, str]:
    """Check an uploaded file before anything is saved; return (MIME type, canonical extension without dot).

    Raises ValidationError({"file": ...}) with a message for the person who chose the file. Forms call it in
    `clean_file` so the message shows at the field.
    """

    def refuse(message: str, code: str) -> ValidationError:
        return ValidationError({"file": ValidationError(message, code=code)})

    name = clean_original_name(uploaded_file.name or "")
    size = uploaded_file.size or 0
    if size == 0:
        raise refuse(_("The file is empty."), "empty")
    limit = max_upload_bytes()
    if size > limit:
        raise refuse(
            _("The file is %(size)s; the largest file accepted is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            "too_large",
        )
    ext = PurePath(name).suffix.lower().lstrip(".")
    if ext not in ALLOWED_EXTENSIONS:
        raise refuse(
            _("Files of this type cannot be attached. Accepted: %(types)s.") % {"types": _allowed_list()},
            "type_not_allowed",
        )
    mime = detect_mime(uploaded_file)
    if mime not in ALLOWED_TYPES:
        raise refuse(
            _(
                "The content of this file is not a %(types)s document, whatever its name says. "
                "It may be damaged or saved in another format."
            )
            % {"types": _allowed_list()},
            "content_not_allowed",
        )
    canonical, extensions, label = ALLOWED_TYPES[mime]
    if ext not in extensions:
        raise refuse(
            _(
                "The file name ends in .%(ext)s but the file is a %(kind)s document. "
                "Rename it to .%(right)s or choose the right file."
            )
            % {"ext": ext, "kind": label, "right": canonical},
            "extension_mismatch",
        )
    if mime in OOXML_MAIN_PART:
        problem = zipguard.zip_problem(uploaded_file)  # before any parser unpacks it
        if problem:
            raise refuse(problem, "unpacked_too_large")
    return mime, canonical


def _sha256(file: UploadedFile) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _require_attachable(record: models.Model) -> None:
    if not access.is_attachable(type(record)) or isinstance(record, Document):
        raise TypeError(f"{type(record).__name__} records do not take attachments (see documents.access).")
    if record.pk is None:
        raise TypeError("Save the record before attaching files to it.")


def attach(
    *,
    actor: User,
    record: models.Model,
    uploaded_file: UploadedFile,
    category: str,
    title: str = "",
) -> Document:
    """Validate the file by its content, extract its text (bounded), store it and audit the attachment."""
    _require_attachable(record)
    # The record's own edit rule, and its state (an approved quarter, a completed trip take no files).
    access.require_change_attachments(actor, record)
    if category not in DocumentCategory.values:
        raise ValidationError({"category": _("Choose a category.")})
    mime, ext = validate_upload(uploaded_file)
    original_name = clean_original_name(uploaded_file.name or "")
    sha256 = _sha256(uploaded_file)
    # Outside the transaction on purpose: parsing may take seconds and must not hold the write lock.
    result = extraction.extract(uploaded_file, mime)
    uploaded_file.seek(0)
    document = Document(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        category=category,
        title=(title or "").strip()[:300] or PurePath(original_name).stem[:300] or original_name,
        original_name=original_name,
        content_type_detected=mime,
        size=uploaded_file.size or 0,
        sha256=sha256,
        extracted_text=result.text,
        extraction_status=result.status,
        extraction_error=result.error,
        extraction_truncated=result.truncated,
    )
    # The storage name comes from upload_to (a fresh UUID); only the canonical extension is taken from here.
    document.file.save(f"upload.{ext}", uploaded_file, save=False)
    try:
        create_record(actor=actor, instance=document)  # atomic: the row and its audit entry, or neither
    except BaseException:
        # The row was not written; do not leave its file behind.
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def remove(*, actor: User, document: Document, reason: str, expected_version: int | None = None) -> Document:
    """Soft-delete a document: it leaves the record's list and downloads; the file stays for history.

    Refused as attaching is: by the record's edit rule and its state (evidence of an approved quarter stays)."""
    record = document.record
    if record is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    access.require_change_attachments(actor, record)
    removed = soft_delete_record(actor=actor, instance=document, expected_version=expected_version, reason=reason)
    assert isinstance(removed, Document)
    return removed


def reextract(*, document: Document, actor: User | None = None) -> Document:
    """Run text extraction again on the stored file (after a parser upgrade or a raised limit).

    The text is derived data: the version is not bumped (an editor's open form stays valid); a change of status
    is audited. As in `attach`, the parse runs before the write transaction.
    """
    stored_doc = Document.all_objects.get(pk=document.pk)
    try:
        with stored_doc.file.open("rb") as stored:
            result = extraction.extract(stored, stored_doc.content_type_detected)
    except OSError as exc:
        result = extraction.Extraction(ExtractionStatus.FAILED, error=f"stored file unreadable: {exc}"[:1000])
    with transaction.atomic():
        current = Document.all_objects.select_for_update().get(pk=document.pk)
        before: dict[str, Any] = {
            "extraction_status": current.extraction_status,
            "extraction_error": current.extraction_error,
            "extraction_truncated": current.extraction_truncated,
        }
        current.extracted_text = result.text
        current.extraction_status = result.status
        current.extraction_error = result.error
        current.extraction_truncated = result.truncated
        current.save(update_fields=["extracted_text", "extraction_status", "extraction_error", "extraction_truncated"])
        after = {k: getattr(current, k) for k in before}
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if changes:
            audit.record(actor=actor, action=AuditAction.UPDATE, instance=current, changes=changes, reason="reextract")
    return current
