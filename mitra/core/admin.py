"""The Django admin, for administrators only; changes made there are audited like any other."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from . import audit
from .models import AuditAction, AuditEntry, OrganisationUnit, StaffMember, User
from .services import field_values
from .web import acting_user


def restrict_admin_to_administrators(site: admin.AdminSite) -> None:
    def has_permission(request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "is_administrator", False))

    site.has_permission = has_permission  # type: ignore[method-assign]


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit entry for every change an administrator makes in the admin."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = field_values(type(obj)._default_manager.get(pk=obj.pk)) if change and obj.pk else {}
        if hasattr(obj, "version") and change:
            obj.version += 1
        super().save_model(request, obj, form, change)
        after = field_values(obj)
        changes = {
            k: [before.get(k), v]
            for k, v in after.items()
            if before.get(k) != v and k not in ("password", "last_login")
        }
        audit.record(
            actor=acting_user(request),
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            instance=obj,
            changes=changes,
            reason="admin",
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(
            actor=acting_user(request),
            action=AuditAction.DELETE,
            instance=obj,
            reason="admin",
        )
        super().delete_model(request, obj)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "unit", "is_active", "last_login"]
    list_filter = ["role", "unit", "is_active"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        ("Mitra", {"fields": ["unit", "role", "language"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.is_staff = obj.is_superuser = obj.role == "administrator"
        super().save_model(request, obj, form, change)


@admin.register(OrganisationUnit)
class OrganisationUnitAdmin(AuditedAdmin):
    list_display = ["name", "kind", "code", "path", "is_illustrative"]
    readonly_fields = ["path"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The place in the tree is fixed once a unit exists: paths of its sub-units and users' scopes hang on it.
        return ["path", "parent", "code"] if obj is not None else ["path"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.path = f"{obj.parent.path}/{obj.code}" if obj.parent else obj.code
        super().save_model(request, obj, form, change)


@admin.register(StaffMember)
class StaffMemberAdmin(AuditedAdmin):
    list_display = ["full_name", "unit", "employment", "position", "education", "grade"]
    list_filter = ["unit", "employment", "position"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["id", "at", "actor_username", "action", "record_type", "record_id", "record_repr"]
    list_filter = ["action", "record_type"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
