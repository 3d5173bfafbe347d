"""Documents in the Django admin: administrators may correct a title or category; files come in only through
the upload service (which validates them) and leave only by soft delete."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mitra.core.admin import AuditedAdmin

from .models import Document


@admin.register(Document)
class DocumentAdmin(AuditedAdmin):
    list_display = [
        "title",
        "category",
        "original_name",
        "content_type",
        "object_id",
        "size",
        "extraction_status",
        "created_at",
        "created_by",
        "deleted_at",
    ]
    list_filter = ["category", "extraction_status", "content_type"]
    search_fields = ["title", "original_name", "sha256"]
    fields = [
        "title",
        "category",
        "content_type",
        "object_id",
        "file",
        "original_name",
        "content_type_detected",
        "size",
        "sha256",
        "extraction_status",
        "extraction_error",
        "extraction_truncated",
        "deleted_at",
        "delete_reason",
    ]
    readonly_fields = [
        "content_type",
        "object_id",
        "file",
        "original_name",
        "content_type_detected",
        "size",
        "sha256",
        "extraction_status",
        "extraction_error",
        "extraction_truncated",
        "deleted_at",
        "delete_reason",
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        # Removed documents stay visible here, for history.
        return Document.all_objects.select_related("content_type", "created_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
