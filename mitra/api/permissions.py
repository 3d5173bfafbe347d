"""Permission classes of the API: each view names the django-rules permission of each kind of request.

The same permissions as the interface: reads need the view permission, creating needs the create permission,
and changing or deleting a record needs the edit permission on that record (checked here and again by the
service, which also checks the record as it would become).
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.request import Request


class SignedIn(IsAuthenticated):
    """An active, authenticated user (every API view requires at least this)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(super().has_permission(request, view) and request.user.is_active)


class RulesPermission(SignedIn):
    """Checks the view's `read_perm`, `create_perm` and `edit_perm` (django-rules permission names)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return request.user.has_perm(view.read_perm)
        if request.method == "POST" and getattr(view, "action", None) == "create":
            return bool(view.create_perm) and request.user.has_perm(view.create_perm)
        return bool(getattr(view, "edit_perm", ""))  # object-level check below and in the service

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return request.user.has_perm(view.edit_perm, obj)
