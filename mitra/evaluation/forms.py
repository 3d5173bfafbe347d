from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from mitra.core.models import OrganisationUnit, User
from mitra.core.web import version_field

from .models import Answer, Criterion, EvaluationReport, Recommendation
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


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.ModelForm):
    """The evaluator's report (LHE): its number, date, evaluator and the grade and value it gives."""

    expected_version = version_field()

    class Meta:
        model = EvaluationReport
        fields = ["year", "number", "issued_on", "evaluator", "score", "grade", "notes"]
        widgets = {"issued_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        year.validators.append(MinValueValidator(2000))  # an evaluation year, not any number
        year.widget.attrs["min"] = 2000
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            self.fields["year"].disabled = True

    def validate_unique(self) -> None:
        """The service says when the year's report exists already, at the year."""

    def service_data(self) -> dict[str, Any]:
        names = self._meta.fields or []
        return {n: self.cleaned_data[n] for n in names if not self.fields[n].disabled}


class RecommendationForm(forms.ModelForm):
    """A recommendation as leadership records it: the text, who follows it up, the plan and when it is due."""

    expected_version = version_field()

    class Meta:
        model = Recommendation
        fields = [
            "order",
            "text",
            "owner_unit",
            "owner",
            "action_plan",
            "due_date",
            "status",
            "completed_on",
            "result",
        ]
        widgets = {
            "due_date": DATE,
            "completed_on": DATE,
            "text": forms.Textarea(attrs={"rows": 2}),
            "action_plan": forms.Textarea(attrs={"rows": 2}),
            "result": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = OrganisationUnit.objects.order_by("path")  # type: ignore[attr-defined]
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, unit__isnull=False).order_by("first_name", "last_name", "username")
        )
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def service_data(self) -> dict[str, Any]:
        return {n: self.cleaned_data[n] for n in self._meta.fields or []}


class FollowUpForm(RecommendationForm):
    """What the responsible unit writes as it follows the recommendation up."""

    class Meta(RecommendationForm.Meta):
        fields = ["action_plan", "status", "completed_on", "result"]

    def __init__(self, *args: Any, **kwargs: Any):
        forms.ModelForm.__init__(self, *args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
