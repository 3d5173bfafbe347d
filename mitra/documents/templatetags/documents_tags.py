"""Template helpers for the attachments partial."""

from __future__ import annotations

from typing import Any

from django import template

from .. import access, views
from ..forms import DocumentUploadForm
from ..selectors import record_type_of
from ..views import take_refused_upload, upload_auto_id

register = template.Library()


@register.filter
def record_type(record: Any) -> str:
    """ "app_label.model" of a record (templates cannot read `_meta`)."""
    return record_type_of(record)


@register.simple_tag(takes_context=True)
def document_upload_form(context: Any, record: Any, form: Any = None) -> Any:
    """The given upload form; else the record's upload just refused (its messages at the fields, the category
    and title kept; see views.keep_refused_upload); else a fresh one with ids unique to the record."""
    if form is not None and form != "":
        return form
    refused = take_refused_upload(context.get("request"), record)
    if refused is not None:
        return refused
    return DocumentUploadForm(auto_id=upload_auto_id(record))


@register.filter
def upload_anchor(record: Any) -> str:
    """The id of a record's upload form, where a refused upload comes back to."""
    return views.upload_anchor(record)


@register.simple_tag(takes_context=True)
def attachment_access(context: Any, record: Any) -> dict[str, Any]:
    """What the signed-in user may do with `record`'s files, by the record's own rules (access.py):
    {"read": list and download, "change": attach and remove, "closed": why the files cannot change now}.

    The state is asked first: a closed record (a completed trip, an approved quarter) needs no edit check."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or record is None or not access.may_read_attachments(user, record):
        return {"read": False, "change": False, "closed": None}
    closed = access.closed_reason(record)
    return {"read": True, "change": not closed and access.may_edit_record(user, record), "closed": closed}
