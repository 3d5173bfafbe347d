from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.web import version_field

from .models import Answer, Criterion
from .scales import choices_of


class AnswerForm(forms.Form):
    """One side of a criterion's answer: the unit's own, or the evaluator's."""

    answer = forms.ChoiceField(label=_("Answer"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = version_field()

    def __init__(self, *args: Any, criterion: Criterion, evaluator: bool = False, **kwargs: Any):
        self.criterion = criterion
        self.evaluator = evaluator
        answer: Answer | None = getattr(criterion, "answer", None)
        side = "evaluator" if evaluator else "own"
        kwargs.setdefault("prefix", f"{side}-{criterion.pk}")
        if answer is not None:
            kwargs.setdefault(
                "initial",
                {
                    "answer": getattr(answer, f"{side}_answer"),
                    "note": getattr(answer, f"{side}_note"),
                    "expected_version": answer.version,
                },
            )
        else:
            kwargs.setdefault("initial", {"expected_version": 0})
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [("", "—"), *choices_of(criterion.scale)]  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, str]:
        side = "evaluator" if self.evaluator else "own"
        return {f"{side}_answer": self.cleaned_data["answer"], f"{side}_note": self.cleaned_data["note"].strip()}


class EvidenceForm(forms.Form):
    candidate = forms.CharField(label=_("Record"), max_length=80)


class LoadForm(forms.Form):
    year = forms.IntegerField(label=_("Evaluation year"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("Worksheet (.xlsx)"), required=False)
    staged = forms.CharField(widget=forms.HiddenInput, required=False)

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The worksheet file may be at most 2 MB."))
        return upload
