"""The forms of registry records: the behaviour every registry form shares (the responsible unit limited to units
the user may edit for, date inputs); each kind's fields are declared once in kinds.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mitra.core.models import OrganisationUnit, User
from mitra.core.selectors import assignable_units
from mitra.core.web import VersionedForm, version_field
from mitra.partners.models import Country

from .models import AgendaItem, AgreementStep, Cooperation, DelegationMember, Meeting, PaperStatus, Stage

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


class AgendaItemForm(RegistryForm):
    """The agenda item kind's form (kinds.AGENDA_ITEM declares its fields): a new agenda item of a meeting offers
    the units' deadline MITRA_AGENDA_ANSWER_DAYS days before the meeting starts."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        meeting_id = self.initial.get("meeting")
        if not self.instance.pk and str(meeting_id or "").isdigit() and "response_deadline" not in self.initial:
            meeting = Meeting.objects.filter(pk=int(str(meeting_id))).first()
            if meeting is not None:
                days = int(getattr(settings, "MITRA_AGENDA_ANSWER_DAYS", 7))
                self.initial["response_deadline"] = meeting.start_date - dt.timedelta(days=days)


class AssignForm(forms.Form):
    """Ask units of BPOM (any unit, not only the bureau) to answer an agenda item or request."""

    units = forms.ModelMultipleChoiceField(
        label=_("Units that must answer"), queryset=OrganisationUnit.objects.none(), widget=forms.SelectMultiple
    )

    def __init__(self, *args: Any, item: AgendaItem, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = self.fields["units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)
        units.queryset = OrganisationUnit.objects.exclude(agenda_assignments__item=item).order_by("path")
        units.widget.attrs["size"] = 8


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)


class PaperStatusForm(forms.Form):
    expected_version = version_field()
    to_status = forms.ChoiceField(label=_("New status"), choices=PaperStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class DecisionForm(forms.Form):
    """A decision of a meeting, made a follow-up action in one step."""

    decision = forms.CharField(label=_("Decision"), widget=TEXT, max_length=5000)
    responsible_unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=OrganisationUnit.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    owner_person = forms.CharField(label=_("Person responsible"), required=False, max_length=200)

    def __init__(self, *args: Any, meeting: Meeting, user: User | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        unit = self.fields["responsible_unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = assignable_units(user) if user is not None else OrganisationUnit.objects.all()
        self.initial.setdefault("responsible_unit", meeting.responsible_unit_id)
        days = int(getattr(settings, "MITRA_DECISION_FOLLOW_UP_DAYS", 30))
        self.initial.setdefault("due_date", meeting.end_date + dt.timedelta(days=days))
