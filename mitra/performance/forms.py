from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.fields import LocalizedDecimalField, LocalizedMoneyField
from mitra.core.web import VersionedForm

from .models import BudgetRevision, QuarterEntry


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
