"""The forms of registry records: the behaviour every registry form shares (the responsible unit limited to units
the user may edit for, date inputs); each kind's fields are declared once in kinds.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mitra.core.models import User
from mitra.core.selectors import assignable_units
from mitra.core.web import VersionedForm, version_field
from mitra.partners.models import Country

from .models import AgreementStep, Cooperation, DelegationMember, Stage

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class RegistryForm(VersionedForm):
    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        unit_field = self.fields.get("responsible_unit")
        if isinstance(unit_field, forms.ModelChoiceField):
            unit_field.queryset = assignable_units(user)
            if not self.instance.pk and user.unit is not None and "responsible_unit" not in self.initial:
                self.initial["responsible_unit"] = user.unit.pk
        country = self.fields.get("country")
        if isinstance(country, forms.ModelChoiceField) and not self.instance.pk:
            self.initial.setdefault("country", "ID")
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.DateInput):
                field.widget = DATE
            if isinstance(field, forms.ModelMultipleChoiceField):
                field.widget.attrs.setdefault("size", 8)
            if name == "country":
                assert isinstance(field, forms.ModelChoiceField)
                field.queryset = Country.objects.all()


class CooperationForm(RegistryForm):
    """The cooperation kind's form (kinds.COOPERATION declares its fields): the stage moves through its own dated
    action once the cooperation exists, and a cooperation does not relate to itself."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the stage moves through its own, dated action
            del self.fields["stage"]
            del self.fields["stage_since"]
            related = self.fields["related"]
            assert isinstance(related, forms.ModelMultipleChoiceField)
            related.queryset = Cooperation.objects.exclude(pk=self.instance.pk)


class DeliverableForm(RegistryForm):
    """The deliverable kind's form (kinds.DELIVERABLE declares its fields): its owner is an active person of the
    bureau."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        owner = self.fields.get("owner")
        if isinstance(owner, forms.ModelChoiceField):
            bureau = str(getattr(settings, "MITRA_TRAVEL_BUREAU", "ksln"))
            in_bureau = (
                Q(unit__code=bureau)
                | Q(unit__path__startswith=f"{bureau}/")
                | Q(unit__path__contains=f"/{bureau}/")
                | Q(unit__path__endswith=f"/{bureau}")
            )
            owner.queryset = User.objects.filter(in_bureau, is_active=True).order_by(
                "first_name", "last_name", "username"
            )


class StageChangeForm(forms.Form):
    expected_version = version_field()
    to_stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False, max_length=2000)


class DelegationMemberForm(forms.ModelForm):
    class Meta:
        model = DelegationMember
        fields = ["staff_member", "name", "unit_name", "role"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name") and not data.get("staff_member"):
            self.add_error("name", _("Choose a staff member or type the person's name."))
        return data


class AgreementStepForm(forms.ModelForm):
    """A step of an agreement's lifecycle; the view limits the steps to those allowed next."""

    expected_version = version_field()

    class Meta:
        model = AgreementStep
        fields = [
            "kind",
            "date",
            "decided_by",
            "reference",
            "draft_version",
            "comments_bpom",
            "comments_partner",
            "instrument",
            "note",
        ]
        widgets = {
            "date": DATE,
            "comments_bpom": TEXT,
            "comments_partner": TEXT,
            "note": TEXT,
        }
        help_texts = {
            "draft_version": _("Negotiation rounds: the draft discussed, e.g. “v3 (2017-05-02)”."),
            "instrument": _("Ratification only."),
        }
