"""The Django admin, for administrators only.

Domain records are shown read-only (`ReadOnlyAdmin`): they change only through their services, on the app's own
pages, which check the permission, keep the version, soft-delete and audit. Editable here are only:
- organisation units, the performance plan, per-year settings and bands, saved through their services
  (`ServiceAdmin`);
- user accounts (no page of the app manages them), audited by `AuditedAdmin`;
- reference tables that no page or service edits (`ReferenceAdmin`: countries, sectors, effective-cooperation
  rules, travel step kinds), audited by `AuditedAdmin`.
Nothing is deleted here: records leave by soft delete on their pages, and reference rows are referenced by records.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from . import audit, services
from .models import AuditAction, AuditEntry, OrganisationUnit, StaffMember, User
from .notifications.models import Notification
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


class NoDeleteMixin:
    """No delete button and no bulk actions (Django's "delete selected" would hard-delete without an audit)."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(NoDeleteMixin, admin.ModelAdmin):
    """A domain record, for looking at only: it changes through its services on the app's pages."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Saves through the model's services: subclasses give `create(actor, data)` and `update(actor, instance, data)`;
    the service checks the permission, validates, keeps the version and audits."""

    def create(self, actor: User, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def update(self, actor: User, instance: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = acting_user(request)
        if change:
            current = type(obj)._default_manager.get(pk=obj.pk)
            data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
            saved = self.update(actor, current, data)
        else:
            saved = self.create(actor, dict(form.cleaned_data))
        obj.pk = saved.pk
        obj.__dict__.update({f.attname: getattr(saved, f.attname) for f in saved._meta.concrete_fields})


class ReferenceAdmin(NoDeleteMixin, AuditedAdmin):
    """A reference table no page edits: administrators add and change rows here (audited), never delete them."""


# Roles (User.role, with django-rules) grant every permission; Django's groups are unused, so not offered here.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    """Read-only: accounts are created and edited on Organisation → Users (core:user-list), through the user
    services (permission, audit, one-time password links)."""

    list_display = ["username", "first_name", "last_name", "role", "unit", "is_active", "last_login"]
    list_filter = ["role", "unit", "is_active"]
    exclude = ["password"]


@admin.register(OrganisationUnit)
class OrganisationUnitAdmin(ServiceAdmin):
    """Units are saved through the unit services (permission, validation, version, audit)."""

    list_display = ["name", "kind", "code", "path", "is_illustrative"]
    readonly_fields = ["path"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The place in the tree is fixed once a unit exists: paths of its sub-units and users' scopes hang on it.
        return ["path", "parent", "code"] if obj is not None else ["path"]

    def create(self, actor: User, data: dict[str, Any]) -> Any:
        return services.unit_create(actor=actor, data=data)

    def update(self, actor: User, instance: Any, data: dict[str, Any]) -> Any:
        return services.unit_update(actor=actor, unit=instance, data=data, expected_version=None, reason="admin")


@admin.register(StaffMember)
class StaffMemberAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "unit", "employment", "position", "education", "grade"]
    list_filter = ["unit", "employment", "position"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "actor_username", "action", "record_type", "record_id", "record_repr"]
    list_filter = ["action", "record_type"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "unit", "message", "emailed_to"]
