"""Forms of travel requests, travellers and document steps. Validation that spans records lives in the services;
their messages land on these forms' fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from mitra.cooperation.models import Meeting
from mitra.core.models import OrganisationUnit, StaffMember, User
from mitra.core.selectors import assignable_units
from mitra.core.suggest import type_related_fields
from mitra.core.web import VersionedForm
from mitra.partners.models import Country
from mitra.performance.models import SubActivity

from . import kinds
from .models import StepKind, Traveller, TravelRequest, TravelStep

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TravelRequestForm(VersionedForm):
    class Meta:
        model = TravelRequest
        fields = list(kinds.REQUEST_FIELDS)
        widgets = {
            "departure_date": DATE,
            "return_date": DATE,
            "trip_report_sent_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
            **{f: forms.Textarea(attrs={"rows": 3}) for f in kinds.REQUEST_TEXT_FIELDS},
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = self.fields["requesting_unit"]
        assert isinstance(units, forms.ModelChoiceField)
        units.queryset = assignable_units(user)
        if self.instance.pk:  # the bureau edits other units' requests: keep their unit choosable
            units.queryset = units.queryset | OrganisationUnit.objects.filter(pk=self.instance.requesting_unit_id)
        if not self.instance.pk and user.unit is not None:
            self.initial.setdefault("requesting_unit", user.unit.pk)
        meeting = self.fields["meeting"]
        assert isinstance(meeting, forms.ModelChoiceField)
        meeting.queryset = Meeting.objects.select_related("country").order_by("-start_date")
        sub = self.fields["sub_activity"]
        assert isinstance(sub, forms.ModelChoiceField)
        sub.queryset = SubActivity.objects.order_by("-year", "number")
        sub.label_from_instance = lambda s: f"{s.year} · {s}"  # type: ignore[method-assign,assignment]
        country = self.fields["destination_country"]
        assert isinstance(country, forms.ModelChoiceField)
        country.queryset = Country.objects.exclude(code="ID")
        if not self.instance.pk:
            for name in kinds.REQUEST_LATER_FIELDS:
                self.fields.pop(name)
        # The meeting and the partner are typed with suggestions, not a select of every meeting (core/suggest.py).
        type_related_fields(self)


class TravellerForm(forms.ModelForm):
    staff_member = forms.ModelChoiceField(
        label=_("Traveller"),
        queryset=StaffMember.objects.select_related("unit").order_by("full_name"),
        error_messages={"invalid_choice": _("Choose a person recorded in the system.")},
    )

    class Meta:
        model = Traveller
        fields = list(kinds.TRAVELLER_FIELDS)
        widgets = {"passport_expires_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        staff = self.fields["staff_member"]
        assert isinstance(staff, forms.ModelChoiceField)
        staff.label_from_instance = lambda m: f"{m.full_name} ({m.unit.short_name or m.unit.name})"  # type: ignore[method-assign,assignment]

    def _post_clean(self) -> None:  # the service validates against the request; skip the model's own pass here
        pass


class StepForm(VersionedForm):
    class Meta:
        model = TravelStep
        fields = list(kinds.STEP_FIELDS)
        widgets = {"requested_on": DATE, "completed_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)


class StepAddForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Step"), queryset=StepKind.objects.filter(is_active=True))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


# Years a page can be asked for: a date's year outside them is an error in Python (year 0, 10000) and the
# calendar's previous and next months must exist too.
FIRST_YEAR, LAST_YEAR = 1900, 9998


class MonthPickForm(forms.Form):
    """The calendar's jump to any month and year (GET)."""

    bln = forms.ChoiceField(label=_("Month"), choices=[(str(number), name) for number, name in MONTHS.items()])
    tahun = forms.IntegerField(
        label=_("Year"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "mitra-year-input"}),
    )


class MonthForm(forms.Form):
    bulan = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False)
