"""Template helpers for the attachments partial."""

from __future__ import annotations

from typing import Any

from django import template

from ..forms import DocumentUploadForm
from ..selectors import record_type_of

register = template.Library()


@register.filter
def record_type(record: Any) -> str:
    """ "app_label.model" of a record (templates cannot read `_meta`)."""
    return record_type_of(record)


@register.simple_tag
def document_upload_form(record: Any, form: Any = None) -> Any:
    """The given (bound, with errors) upload form, or a fresh one with ids unique to the record."""
    if form is not None and form != "":
        return form
    return DocumentUploadForm(auto_id=f"id_doc_{record_type_of(record).replace('.', '_')}_{record.pk}_%s")
