"""View machinery every app shares: declared permissions, and forms that save through services.

Every view in Mitra either sets `permission_required` (checked by django-rules, object-level where the view
has an object) or is listed as public in `PUBLIC_VIEWS`; tests/test_url_permissions.py enforces it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rules.contrib.views import PermissionRequiredMixin

from . import audit
from .models import User
from .services import StaleEditError, field_values, values_at_version

# Views that answer without login (by name). Everything else must declare a permission.
PUBLIC_VIEWS = {
    "HealthzView",
    "FaviconView",
    "SetLanguageView",
    "MitraLoginView",
    "LogoutView",
    "PasswordResetView",
    "PasswordResetDoneView",
    "PasswordResetConfirmView",
    "PasswordResetCompleteView",
    # The public view (/publik/): only what the head of the bureau marked public (mitra/public).
    "PublicIndexView",
    "PublicDetailView",
    "PublicDataView",
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


VERSION_MAX = 2**31 - 1
DAMAGED_FORM = gettext_lazy("This form is out of date or damaged. Reload the page and enter your changes again.")


def version_field() -> forms.IntegerField:
    """The hidden version a form was loaded at (0: the record did not exist yet). Bounded, so a forged or damaged
    number is a form error and never reaches the database."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=0,
        max_value=VERSION_MAX,
        error_messages={"invalid": DAMAGED_FORM, "min_value": DAMAGED_FORM, "max_value": DAMAGED_FORM},
    )


class VersionErrorsShown:
    """A form with a hidden `expected_version`: an error there shows at the top of the form (a hidden field's
    own errors are not rendered)."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        if self.has_error("expected_version"):  # type: ignore[attr-defined]
            self.add_error(None, DAMAGED_FORM)  # type: ignore[attr-defined]
        return cleaned


LOADED_SALT = "mitra.core.web.VersionedForm.loaded_values"


def _python_value(model: type[models.Model], name: str, value: Any) -> Any:
    """A value as `field_values` stores it (JSON-able) back as the Python value a form field compares with."""
    field = model._meta.get_field(name)
    if field.many_to_many:
        return list(value or [])
    if field.is_relation:
        return value  # a primary key
    return field.to_python(value)  # type: ignore[union-attr]


class VersionedForm(VersionErrorsShown, forms.ModelForm):
    """A model form that carries the version it was loaded at (optimistic locking) and, signed, the values it was
    loaded with, so that only the fields this editor changed are saved.

    - `service_data()` holds only the editor's own changes (all fields when creating), so a field someone else
      changed meanwhile and this editor did not touch keeps their value.
    - `rebase(stale)` (after a stale save) moves the form onto the current version: fields only the other person
      changed now show their value, the editor's changes stay, and a field both changed to different values gets
      an error naming both values. Saving again then saves exactly what the form shows.
    """

    expected_version = version_field()
    loaded_values = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["expected_version"] = self.instance.version
            self.initial["loaded_values"] = self._token(self.instance.version, self._initial_values())

    # --- what the editor loaded -----------------------------------------------------------------------------

    def editable_names(self) -> list[str]:
        """The model fields this form edits (a form may drop some of its Meta.fields)."""
        return [name for name in (self._meta.fields or ()) if name in self.fields]

    def _initial_values(self) -> dict[str, Any]:
        """The values the form shows, in the JSON-able form of `field_values` (related rows by primary key)."""
        model = type(self.instance)
        values = {}
        for name in self.editable_names():
            value = self.initial.get(name)
            if model._meta.get_field(name).many_to_many:
                value = sorted(v.pk if isinstance(v, models.Model) else v for v in value or [])
            values[name] = audit.jsonable(value)
        return values

    def _token(self, version: int, values: dict[str, Any]) -> str:
        payload = {"model": self.instance._meta.label_lower, "pk": self.instance.pk, "v": version, "f": values}
        return signing.dumps(payload, salt=LOADED_SALT, compress=True)

    def loaded_json(self) -> dict[str, Any] | None:
        """The values the editor's form was loaded with: from the signed field, else reconstructed from the audit
        log at the version the form names; None when neither can tell."""
        if not self.instance.pk:
            return None
        raw = self.data.get(self.add_prefix("loaded_values")) if self.is_bound else None
        if raw:
            try:
                payload = signing.loads(raw, salt=LOADED_SALT)
            except signing.BadSignature:
                payload = None
            if (
                isinstance(payload, dict)
                and payload.get("model") == self.instance._meta.label_lower
                and payload.get("pk") == self.instance.pk
                and isinstance(payload.get("f"), dict)
            ):
                return payload["f"]
        version = self.cleaned_data.get("expected_version") if hasattr(self, "cleaned_data") else None
        if version is None:
            return None
        model = type(self.instance)
        current = getattr(model, "all_objects", model._default_manager).filter(pk=self.instance.pk).first()
        return values_at_version(current, version) if current is not None else None

    def _differs(self, name: str, value: Any) -> bool:
        """Whether the submitted value of `name` differs from `value` (a Python value), as Django compares them."""
        field = self.fields[name]
        if field.disabled:
            return False
        if isinstance(value, dt.datetime) and not field.widget.supports_microseconds:
            value = value.replace(microsecond=0)
        data = self[name].data
        if isinstance(data, str) and isinstance(value, str):  # browsers send textarea lines ending in CRLF
            data, value = data.replace("\r\n", "\n"), value.replace("\r\n", "\n")
        try:
            return bool(field.has_changed(value, data))
        except (TypeError, ValueError, ValidationError):
            return True

    def editor_changes(self, loaded: dict[str, Any] | None = None) -> list[str]:
        """The fields this editor changed from what the form was loaded with (every field when that is unknown)."""
        names = self.editable_names()
        loaded = self.loaded_json() if loaded is None else loaded
        if loaded is None:
            return names
        model = type(self.instance)
        changed = []
        for name in names:
            try:
                differs = name not in loaded or self._differs(name, _python_value(model, name, loaded[name]))
            except (TypeError, ValueError, ValidationError):
                differs = True
            if differs:
                changed.append(name)
        return changed

    def service_data(self) -> dict[str, Any]:
        """What the service saves: the editor's own changes (every field of a new record)."""
        names = self.editor_changes() if self.instance.pk else self.editable_names()
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}

    # --- after a stale save -----------------------------------------------------------------------------------

    def rebase(self, stale: StaleEditError) -> list[str]:
        """Move the form onto the current row after a stale save; return the fields in conflict (each with an
        error naming both values). Nothing is saved here."""
        current = stale.instance
        model = type(current)
        loaded = self.loaded_json()
        mine = self.editor_changes(loaded)
        now = field_values(current)
        data: Any = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict when bound by a view
        conflicts = []
        for name in self.editable_names():
            theirs = _python_value(model, name, now.get(name))
            if name in mine:
                they_changed = loaded is None or loaded.get(name) != now.get(name)
                if they_changed and self._differs(name, theirs):
                    conflicts.append(name)
            else:
                self._set_data(data, name, theirs)
        data[self.add_prefix("expected_version")] = str(current.version)
        data[self.add_prefix("loaded_values")] = self._token(
            current.version, {name: now.get(name) for name in self.editable_names()}
        )
        yours = {name: self.cleaned_data.get(name) for name in conflicts}
        self.data = data
        for name in conflicts:
            self.add_error(
                name,
                _(
                    "%(who)s saved “%(theirs)s” here meanwhile; you entered “%(yours)s”. Nothing was saved. "
                    "Keep the value you want (or combine them) and save again."
                )
                % {
                    "who": stale.who,
                    "theirs": self._shown(name, _python_value(model, name, now.get(name))),
                    "yours": self._shown(name, yours[name]),
                },
            )
        return conflicts

    def _set_data(self, data: Any, name: str, value: Any) -> None:
        """Put `value` in the submitted data as the field's widget would send it."""
        key = self.add_prefix(name)
        field = self.fields[name]
        widget = field.widget
        prepared = field.prepare_value(value)
        if isinstance(widget, forms.CheckboxInput):
            if widget.check_test(prepared):
                data[key] = "on"
            else:
                data.pop(key, None)
            return
        shown = widget.format_value(prepared)
        if isinstance(shown, list | tuple):
            items = [str(v) for v in shown]
            if hasattr(data, "setlist"):
                data.setlist(key, items)
            else:
                data[key] = items if widget.allow_multiple_selected else (items[0] if items else "")  # type: ignore[attr-defined]
        else:
            data[key] = "" if shown is None else str(shown)

    def _shown(self, name: str, value: Any) -> str:
        """A value as the editor reads it: choice labels, related rows by name, dates in the interface's style."""
        from . import formatting

        field = self.fields[name]
        if isinstance(field, forms.ModelChoiceField) and value not in (None, "", []):
            manager = field.queryset.model._default_manager  # type: ignore[union-attr]
            if isinstance(field, forms.ModelMultipleChoiceField):
                ids = [v.pk if isinstance(v, models.Model) else v for v in value]
                return ", ".join(str(row) for row in manager.filter(pk__in=ids)) or "–"
            return str(value if isinstance(value, models.Model) else manager.filter(pk=value).first() or value)
        if value is None or value == "":
            return "–"
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        choices = getattr(field, "choices", None)
        if choices:
            for key, label in choices:
                if str(key) == str(value):
                    return str(label)
        if isinstance(value, dt.date):
            return formatting.date(value)
        return str(value)


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

    def stale_edit(self, form: Any, stale: StaleEditError) -> None:
        """Someone saved first: nothing was written. The form moves onto the current version (see
        VersionedForm.rebase) and says what happened; saving again keeps both people's changes."""
        if isinstance(form, VersionedForm):
            conflicts = form.rebase(stale)
        else:
            form.data = form.data.copy()
            form.data["expected_version"] = str(stale.instance.version)
            conflicts = []
        message = _(
            "%(who)s saved this record after you opened it (version %(old)s → %(new)s). Nothing was saved yet: the "
            "form now shows their changes together with yours."
        ) % {"who": stale.who, "old": stale.expected_version, "new": stale.instance.version}
        if conflicts:
            message += " " + _("You both changed the fields marked below; choose what to keep there and save again.")
        else:
            message += " " + _("Check it and save again to keep both.")
        form.add_error(None, message)

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            self.object = self.save(form)
        except StaleEditError as stale:
            self.stale_edit(form, stale)
            return self.render_to_response(self.get_context_data(form=form, stale=stale))  # type: ignore[attr-defined]
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        from django.contrib import messages

        messages.success(self.request, _("Saved."))
        from django.shortcuts import redirect

        return redirect(self.get_success_url())  # type: ignore[attr-defined]
