from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import StaffMember, User
from .selectors import assignable_units
from .web import VersionedForm, VersionErrorsShown, version_field


class StaffMemberForm(VersionedForm):
    class Meta:
        model = StaffMember
        fields = [
            "full_name",
            "unit",
            "employment",
            "position",
            "education",
            "grade",
            "birth_year",
            "joined_on",
            "left_on",
            "home_unit",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "left_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = assignable_units(user, include_institution=True)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        # Reports count a person from the day they joined: a new person needs the day (existing ones recorded
        # before the field existed may keep it empty, meaning present since before Mitra's records).
        self.fields["joined_on"].required = self.instance.pk is None


class DeleteForm(VersionErrorsShown, forms.Form):
    expected_version = version_field()
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    record_type = forms.CharField(label=_("Record type"), required=False, max_length=100)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        from .models import AuditAction

        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [("", _("All")), *AuditAction.choices]


# What each role may do, shown beside the choice on the user form (the rules are in core/rules.py and each app's).
ROLE_PRESETS: dict[str, Any] = {
    "administrator": _("Everything, including users, units and the Django administration."),
    "leadership": _("Reads everything; approves quarters and reports of the bureau."),
    "head_of_unit": _("Heads a unit: verifies its quarters and travel requests; in the bureau also edits its records."),
    "staff": _(
        "Works in a unit: in the bureau edits the registry and the quarters; elsewhere requests official travel "
        "and answers forum agenda items."
    ),
    "reader": _("Reads the registry; changes nothing (evaluators, auditors)."),
}


class UserForm(forms.ModelForm):
    """An account, as an administrator creates or edits it (the password is never typed here: see reset)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "unit", "role", "language", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        from .models import Role

        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(value, f"{Role(value).label} — {text}") for value, text in ROLE_PRESETS.items()]
        role_field.widget = forms.RadioSelect(choices=role_field.choices)
        self.fields["unit"].help_text = _("Empty for people outside Badan POM, such as external evaluators.")
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = unit_field.queryset.order_by("path")  # type: ignore[union-attr]
        if self.instance.pk is None:
            del self.fields["is_active"]
        else:
            self.fields["username"].disabled = True  # the login name stays; audit entries keep it


class UnitForm(VersionedForm):
    class Meta:
        from .models import OrganisationUnit

        model = OrganisationUnit
        fields = ["parent", "kind", "code", "name", "name_en", "short_name", "order", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The place in the tree is fixed once a unit exists: sub-units' paths and users' scopes hang on it.
            self.fields["parent"].disabled = True
            self.fields["code"].disabled = True
