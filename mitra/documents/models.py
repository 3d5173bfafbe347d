"""Attached files of any record: the file under a server-made name, what its content is, and its text."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any, ClassVar

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.core.models import OrganisationUnit, SoftDeleteModel, User


class DocumentCategory(models.TextChoices):
    SIGNED_COPY = "signed_copy", _("Signed copy")
    DRAFT = "draft", _("Draft")
    POSITION_PAPER = "position_paper", _("Position paper")
    OUTCOME_REPORT = "outcome_report", _("Meeting outcome report")
    STUDY = "study", _("Study")
    EVIDENCE = "evidence", _("Evidence of realisation")
    TRAVEL = "travel", _("Travel document")
    OTHER = "other", _("Other")


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Text extracted")
    FAILED = "failed", _("Extraction failed")
    SKIPPED = "skipped", _("No text (image)")
    # The file exceeded the extraction process's time or memory limit: stored, but without its text.
    LIMIT = "limit", _("Text not extracted")


def document_upload_to(instance: Document, filename: str) -> str:
    """documents/YYYY/MM/<uuid4 hex>.<ext>: the user's file name never reaches the file system."""
    ext = PurePath(filename).suffix.lower()
    now = timezone.localtime()
    return f"documents/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{ext}"


class Document(SoftDeleteModel):
    """One attached file of one record (an agreement, a position paper, a staff member …)."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    record = GenericForeignKey("content_type", "object_id")

    category = models.CharField(_("category"), max_length=20, choices=DocumentCategory.choices)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type_detected = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)

    extracted_text = models.TextField(_("extracted text"), blank=True, editable=False)
    extraction_status = models.CharField(
        _("text extraction"), max_length=10, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING
    )
    extraction_error = models.TextField(_("extraction error"), blank=True)
    # The text was cut at the extraction limits (pages, characters or time); what is kept is the beginning.
    extraction_truncated = models.BooleanField(_("text truncated"), default=False)

    # The text can be megabytes: the audit log records the extraction status, not the text.
    AUDIT_EXCLUDE: ClassVar[set[str]] = SoftDeleteModel.AUDIT_EXCLUDE | {"extracted_text"}

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="documents_record_idx")]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title or self.original_name

    @property
    def owner_unit(self) -> OrganisationUnit | None:
        """The unit of the record the file belongs to: whoever may edit the record may manage its files."""
        record: Any = self.record
        return getattr(record, "owner_unit", None) if record is not None else None

    @property
    def uploaded_by(self) -> User | None:
        return self.created_by

    @property
    def uploaded_at(self) -> Any:
        return self.created_at
