"""Permissions of attachments: each asks the rules of the record the file belongs to (see access.py).

- documents.attach: the page-level check of the upload page, on the record (its edit permission; a locked
  record is refused by the service with a message, on the form).
- documents.view_document: download a document (on the Document): may the user read its record?
- documents.remove_document: remove a document (on the Document): may the user edit its record?
"""

from __future__ import annotations

from typing import Any

import rules

from mitra.core.rules import is_signed_in

from . import access


@rules.predicate
def edits_record(user: Any, record: Any) -> bool:
    return record is not None and access.may_edit_record(user, record)


@rules.predicate
def reads_documents_record(user: Any, document: Any) -> bool:
    return document is not None and access.may_read_attachments(user, document.record)


@rules.predicate
def edits_documents_record(user: Any, document: Any) -> bool:
    record = document.record if document is not None else None
    return record is not None and access.may_edit_record(user, record)


rules.add_perm("documents.attach", is_signed_in & edits_record)
rules.add_perm("documents.view_document", is_signed_in & reads_documents_record)
rules.add_perm("documents.remove_document", is_signed_in & edits_documents_record)
