from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.fields import LocalizedDecimalField, LocalizedMoneyField
from mitra.core.web import VersionedForm, version_field

from .models import UNIT_INDICATOR_DESCRIPTION, BudgetRevision, Quarter, QuarterEntry, UnitIndicator


class QuarterEntryForm(VersionedForm):
    class Meta:
        model = QuarterEntry
        fields = ["output_realised", "budget_realised", "obstacles", "follow_up", "evidence", "over_ceiling_reason"]
        # Typed and shown the Indonesian way: "1,00", "7.633.760", "Rp 7.633.760".
        field_classes = {"output_realised": LocalizedDecimalField, "budget_realised": LocalizedMoneyField}
        widgets = {
            "obstacles": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
            "over_ceiling_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Required here (not on the model: the planner creates entries before anything is realised).
        self.fields["output_realised"].required = True
        self.fields["budget_realised"].required = True


class BudgetRevisionForm(forms.ModelForm):
    class Meta:
        model = BudgetRevision
        fields = ["effective_on", "ceiling", "reason"]
        field_classes = {"ceiling": LocalizedMoneyField}
        widgets = {
            "effective_on": forms.DateInput(attrs={"type": "date"}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AgreementForm(forms.Form):
    """A unit PK's parties, pledge, programme and budget (its indicators and targets come from the cascade)."""

    first_party_name = forms.CharField(label=_("First party (the unit head)"), max_length=200)
    first_party_position = forms.CharField(label=_("First party's position"), max_length=200)
    second_party_name = forms.CharField(label=_("Second party (the superior)"), max_length=200)
    second_party_position = forms.CharField(label=_("Second party's position"), max_length=200)
    pledge = forms.CharField(label=_("Pledge"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    programme = forms.CharField(label=_("Programme"), max_length=300, required=False)
    activity = forms.CharField(label=_("Activity"), max_length=300, required=False)
    budget = LocalizedMoneyField(label=_("Budget (Rp)"), min_value=0)
    place = forms.CharField(label=_("Place of signing"), max_length=100)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class AgreementAmendForm(AgreementForm):
    amendment_reason = forms.CharField(
        label=_("Reason for the amendment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    field_order = ["amendment_reason"]


class ActionPlanRealisationForm(forms.Form):
    realised = LocalizedDecimalField(label=_("Realised in the quarter"), min_value=0, max_digits=14, decimal_places=2)
    realisation_note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    expected_version = version_field()


class UnitPlanForm(forms.Form):
    """A unit indicator's target of the year and its action plan: each quarter's target and planned actions."""

    year_target = LocalizedDecimalField(label=_("Target of the year"), min_value=0, max_digits=14, decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in (1, 2, 3, 4):
            label = Quarter(q).label
            self.fields[f"target_{q}"] = LocalizedDecimalField(
                label=_("%(quarter)s: target") % {"quarter": label}, min_value=0, max_digits=14, decimal_places=2
            )
            self.fields[f"actions_{q}"] = forms.CharField(
                label=_("%(quarter)s: planned actions (one per line)") % {"quarter": label},
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=5000,
            )
        # The versions the editor loaded (0: not planned yet), so a plan saved meanwhile is not overwritten.
        self.fields["target_version"] = version_field()
        for q in (1, 2, 3, 4):
            self.fields[f"version_{q}"] = version_field()


class UnitIndicatorForm(VersionedForm):
    """A unit indicator cascaded from a bureau indicator or from the parent unit's indicator: the unit (when it is
    created; where it sits in the tree is then fixed), its name, measure and manual, and its target of the year."""

    year_target = LocalizedDecimalField(label=_("Target of the year"), min_value=0, max_digits=14, decimal_places=2)
    target_label = forms.CharField(
        label=_("Target as written"),
        max_length=60,
        required=False,
        help_text=_('E.g. a grade ("A") when the plan names one.'),
    )
    # The version of the year's target the editor loaded (0: none yet), so a target saved meanwhile is not overwritten.
    target_version = version_field()

    class Meta:
        model = UnitIndicator
        fields = list(UNIT_INDICATOR_DESCRIPTION)
        widgets = {
            "name": forms.Textarea(attrs={"rows": 2}),
            "definition": forms.Textarea(attrs={"rows": 3}),
            "formula": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["unit"]
        else:
            unit_field: Any = self.fields["unit"]
            unit_field.queryset = units
            unit_field.help_text = _("A unit beneath the unit the indicator cascades from.")

    def validate_unique(self) -> None:
        """The one constraint (a code once per unit), at the code field rather than above the form."""
        code = self.cleaned_data.get("code")
        unit_id = self.instance.unit_id
        if (
            code
            and unit_id
            and (UnitIndicator.objects.filter(unit_id=unit_id, code=code).exclude(pk=self.instance.pk).exists())
        ):
            self.add_error("code", _("The unit already has an indicator with this code."))
