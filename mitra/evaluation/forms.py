from __future__ import annotations

import itertools
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from mitra.core.fields import LocalizedDecimalField
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


# --- the unit scorecard's configuration ----------------------------------------------------------------------------

SCORE_MAX = Decimal("9999")


def _decimal_field(label: Any, **kwargs: Any) -> LocalizedDecimalField:
    return LocalizedDecimalField(
        label=label, required=False, min_value=0, max_value=SCORE_MAX, max_digits=6, decimal_places=2, **kwargs
    )


class _RowForm(forms.Form):
    """A row of a list (a band, a perspective): all blank is no row; partly filled needs its required fields."""

    needed: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        given = [name for name in self.fields if cleaned.get(name) not in (None, "", False)]
        if given and not self.errors:
            for name in self.needed:
                if cleaned.get(name) in (None, ""):
                    self.add_error(name, _("This field is required."))
        cleaned["_blank"] = not given and not self.errors
        return cleaned


class ScorecardBandForm(_RowForm):
    needed = ("min_index", "score", "label")

    min_index = _decimal_field(_("From index (%)"))
    score = _decimal_field(_("Score"))
    label = forms.CharField(label=_("Label"), max_length=60, required=False)


class ScorecardPerspectiveForm(_RowForm):
    needed = ("code", "name", "weight")

    code = forms.SlugField(label=_("Code"), max_length=20, required=False)
    name = forms.CharField(label=_("Perspective"), max_length=200, required=False)
    weight = _decimal_field(_("Weight (%)"))
    indicators = forms.CharField(
        label=_("Indicators"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('One indicator code per line; "code = weight" gives it a weight within the perspective (1).'),
    )
    is_illustrative = forms.BooleanField(label=_("Illustrative weight"), required=False)

    def __init__(self, *args: Any, indicators: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known = indicators or {}

    def clean_indicators(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        unknown, bad = [], []
        for line in (self.cleaned_data.get("indicators") or "").splitlines():
            if not line.strip():
                continue
            code, _sep, weight_text = line.partition("=")
            code = code.strip()
            weight = Decimal(1)
            if weight_text.strip():
                try:
                    weight = Decimal(weight_text.strip().replace(",", "."))
                except InvalidOperation:
                    bad.append(line.strip())
                    continue
                if not weight.is_finite() or weight <= 0 or weight > SCORE_MAX:
                    bad.append(line.strip())
                    continue
            if code not in self.known:
                unknown.append(code)
                continue
            items.append({"code": code, "weight": weight})
        errors = []
        if unknown:
            errors.append(
                _("No indicator with a target this year has the code %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        if bad:
            errors.append(_("A weight is a number above 0: %(lines)s.") % {"lines": "; ".join(bad)})
        if errors:
            raise forms.ValidationError(errors)
        return items


class _RowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def rows(self) -> list[forms.Form]:
        return [f for f in self.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("_blank")]


class BandFormSet(_RowFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        rows = self.rows()
        if not rows:
            raise forms.ValidationError(_("Give the bands that turn an achievement index into a score."))
        seen: dict[Decimal, forms.Form] = {}
        for form in rows:
            floor = form.cleaned_data["min_index"]
            if floor in seen:
                form.add_error("min_index", _("Another band starts at this index."))
            seen[floor] = form
        if not any(floor == 0 for floor in seen):
            rows[0].add_error("min_index", _("One band starts at index 0, so that every achievement earns a score."))
        ordered = sorted(rows, key=lambda f: f.cleaned_data.get("min_index") or 0)
        for low, high in itertools.pairwise(ordered):
            if "score" in high.cleaned_data and high.cleaned_data["score"] <= low.cleaned_data.get("score", -1):
                high.add_error("score", _("A band from a higher index must earn a higher score."))


class PerspectiveFormSet(_RowFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        rows = self.rows()
        if not rows:
            raise forms.ValidationError(_("Give at least one perspective."))
        codes: set[str] = set()
        for form in rows:
            code = form.cleaned_data["code"]
            if code in codes:
                form.add_error("code", _("Another perspective has this code."))
            codes.add(code)
            if form.cleaned_data["weight"] == 0:
                form.add_error("weight", _("A perspective's weight is above 0."))
        total = sum((form.cleaned_data.get("weight") or Decimal(0) for form in rows), Decimal(0))
        if total != 100 and rows[-1].cleaned_data.get("weight"):
            rows[-1].add_error(
                "weight",
                _("The perspectives' weights add up to %(total)s; they must add up to 100.")
                % {"total": f"{total.normalize():f}"},
            )


BandForms = forms.formset_factory(ScorecardBandForm, formset=BandFormSet, extra=2, max_num=20, absolute_max=20)
PerspectiveForms = forms.formset_factory(
    ScorecardPerspectiveForm, formset=PerspectiveFormSet, extra=2, max_num=12, absolute_max=12
)


class ScorecardForm(forms.Form):
    """A scorecard's own settings; its bands and perspectives are the two lists beside it."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrganisationUnit.objects.none())
    cap_pct = LocalizedDecimalField(
        label=_("Achievement index cap (%)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=SCORE_MAX,
        max_digits=6,
        decimal_places=2,
        help_text=_("An achievement above it counts as the cap; empty: not capped."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    is_illustrative = forms.BooleanField(label=_("Illustrative"), required=False)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the scorecard is configured already: the change becomes a new revision."),
    )
    expected_revision = version_field()

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            unit_field: Any = self.fields["unit"]
            unit_field.queryset = units
