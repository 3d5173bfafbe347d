"""View machinery every app shares: declared permissions, and forms that save through services.

Every view in Mitra either sets `permission_required` (checked by django-rules, object-level where the view
has an object) or is listed as public in `PUBLIC_VIEWS`; tests/test_url_permissions.py enforces it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rules.contrib.views import PermissionRequiredMixin

from .models import User
from .services import StaleEditError

# Views that answer without login (by name). Everything else must declare a permission.
PUBLIC_VIEWS = {
    "HealthzView",
    "SetLanguageView",
    "MitraLoginView",
    "LogoutView",
    "PasswordResetView",
    "PasswordResetDoneView",
    "PasswordResetConfirmView",
    "PasswordResetCompleteView",
}


def acting_user(request: HttpRequest) -> User:
    """The signed-in user of a view that passed its permission check."""
    user = request.user
    assert isinstance(user, User)
    return user


class PermissionMixin(PermissionRequiredMixin):
    """Anonymous users go to the login page; signed-in users without the permission get 403 (audited)."""

    permission_required: str | tuple[str, ...]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Before the object is looked up: an anonymous visitor must not learn which records exist (404 vs 302).
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class VersionedForm(forms.ModelForm):
    """A model form that carries the version it was loaded at, for optimistic locking."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["expected_version"] = self.instance.version

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name in (self._meta.fields or ())}


def add_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the fields it names, the rest on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in (form.fields or {}) else None, errors)
    else:
        form.add_error(None, error)


class ServiceFormMixin:
    """Form views whose `save(form)` calls a service; stale edits and validation errors land on the form."""

    request: HttpRequest
    object: models.Model | None

    def save(self, form: Any) -> models.Model:  # pragma: no cover - each view implements it
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            self.object = self.save(form)
        except StaleEditError as stale:
            form.data = form.data.copy()
            form.data["expected_version"] = stale.instance.version  # a second save overwrites, knowingly
            form.add_error(None, str(stale))
            return self.render_to_response(self.get_context_data(form=form, stale=stale))  # type: ignore[attr-defined]
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        from django.contrib import messages

        messages.success(self.request, _("Saved."))
        from django.shortcuts import redirect

        return redirect(self.get_success_url())  # type: ignore[attr-defined]
