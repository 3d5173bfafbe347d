"""Forms of registry records. Each limits the responsible unit to units the user may edit for."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.models import User
from mitra.core.selectors import assignable_units
from mitra.core.web import VersionedForm, version_field
from mitra.partners.models import Country

from .models import (
    Agreement,
    Cooperation,
    DelegationMember,
    FollowUp,
    Meeting,
    OutreachEvent,
    PositionPaper,
    Publication,
    Stage,
    Study,
)

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
    class Meta:
        model = Cooperation
        fields = [
            "title",
            "title_en",
            "scope",
            "partners",
            "forum",
            "responsible_unit",
            "sectors",
            "is_binding",
            "related",
            "stage",
            "stage_since",
            "notes",
            "is_illustrative",
        ]
        widgets = {"notes": TEXT}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the stage moves through its own, dated action
            del self.fields["stage"]
            del self.fields["stage_since"]
            related = self.fields["related"]
            assert isinstance(related, forms.ModelMultipleChoiceField)
            related.queryset = Cooperation.objects.exclude(pk=self.instance.pk)


class StageChangeForm(forms.Form):
    expected_version = version_field()
    to_stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False, max_length=2000)


class AgreementForm(RegistryForm):
    class Meta:
        model = Agreement
        fields = [
            "cooperation",
            "kind",
            "number",
            "title",
            "title_en",
            "signatory_bpom",
            "signatory_partner",
            "place_signed",
            "date_signed",
            "entry_into_force",
            "end_date",
            "duration_months",
            "notice_period_days",
            "automatic_renewal",
            "amends",
            "responsible_unit",
            "notes",
            "is_illustrative",
        ]
        widgets = {"notes": TEXT}


class PositionPaperForm(RegistryForm):
    class Meta:
        model = PositionPaper
        fields = [
            "title",
            "year",
            "cooperation",
            "forum",
            "meeting",
            "status",
            "responsible_unit",
            "summary",
            "notes",
            "is_illustrative",
        ]
        widgets = {"summary": TEXT, "notes": TEXT}


class StudyForm(RegistryForm):
    class Meta:
        model = Study
        fields = [
            "kind",
            "title",
            "topic",
            "year",
            "cooperation",
            "forum",
            "partner",
            "responsible_unit",
            "summary",
            "notes",
            "is_illustrative",
        ]
        widgets = {"summary": TEXT, "notes": TEXT}


class MeetingForm(RegistryForm):
    class Meta:
        model = Meeting
        fields = [
            "title",
            "forum",
            "cooperation",
            "start_date",
            "end_date",
            "city",
            "country",
            "mode",
            "active_participation",
            "participation_note",
            "position_paper",
            "responsible_unit",
            "outcome",
            "notes",
            "is_illustrative",
        ]
        widgets = {"outcome": TEXT, "notes": TEXT}


class FollowUpForm(RegistryForm):
    class Meta:
        model = FollowUp
        fields = [
            "description",
            "meeting",
            "cooperation",
            "responsible_unit",
            "owner_person",
            "due_date",
            "status",
            "completed_on",
            "evidence",
            "notes",
        ]
        widgets = {"description": TEXT, "evidence": TEXT, "notes": TEXT}


class OutreachEventForm(RegistryForm):
    class Meta:
        model = OutreachEvent
        fields = [
            "kind",
            "title",
            "date",
            "topic",
            "audience",
            "participants",
            "cooperation",
            "forum",
            "responsible_unit",
            "notes",
            "is_illustrative",
        ]
        widgets = {"notes": TEXT}


class PublicationForm(RegistryForm):
    class Meta:
        model = Publication
        fields = ["series", "edition", "date", "copies", "distribution", "responsible_unit", "notes", "is_illustrative"]
        widgets = {"distribution": TEXT, "notes": TEXT}


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
