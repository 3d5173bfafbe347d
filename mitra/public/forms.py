from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PublishForm(forms.Form):
    summary = forms.CharField(
        label=_("Public summary (Indonesian)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the public reads about this record: what the cooperation is for, and its main results."),
    )
    summary_en = forms.CharField(
        label=_("Public summary (English)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
