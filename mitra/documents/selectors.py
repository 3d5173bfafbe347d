"""Reads of documents: a record's attachments, and the record behind an upload request."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404

from . import access
from .models import Document


def documents_for(record: models.Model) -> models.QuerySet[Document]:
    """The live attachments of `record`, newest first, with who uploaded them (one query, however many)."""
    return Document.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).select_related("created_by")


def document(pk: int) -> Document:
    """A live document or 404: removed documents are neither listed nor downloadable."""
    found = Document.objects.select_related("content_type", "created_by").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def record_type_of(record: models.Model) -> str:
    """ "app_label.model", as the upload form posts it."""
    return record._meta.label_lower


def attachable_record(record_type: str, record_id: str) -> models.Model:
    """The live record named by an upload request ("app_label.model" and id), or 404.

    Only the kinds of record declared in access.ATTACHABLE take attachments (each with its own edit rule).
    """
    app_label, _dot, model_name = (record_type or "").partition(".")
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
        pk = int(record_id)
    except (ContentType.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    model = content_type.model_class()
    if model is None or model is Document or not access.is_attachable(model):
        raise Http404
    found = model._default_manager.filter(pk=pk).first()  # the default manager hides soft-deleted records
    if found is None:
        raise Http404
    return found
