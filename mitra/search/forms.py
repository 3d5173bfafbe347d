"""The search box and the facet filters, as sent in the query string."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .registry import DOCUMENT_KIND, all_kinds, kind_label


def kind_choices() -> list[tuple[str, Any]]:
    return (
        [("", _("All kinds"))] + [(s.key, s.label) for s in all_kinds()] + [(DOCUMENT_KIND, kind_label(DOCUMENT_KIND))]
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, strip=True)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=kind_choices)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    scope = forms.ChoiceField(
        label=_("Scope"),
        required=False,
        choices=[("", "—"), ("bilateral", "bilateral"), ("regional", "regional"), ("multilateral", "multilateral")],
    )
    unit = forms.IntegerField(label=_("Unit"), required=False, min_value=1, max_value=2**31 - 1)
    partner = forms.IntegerField(label=_("Partner"), required=False, min_value=1, max_value=2**31 - 1)
    country = forms.CharField(
        label=_("Country"),
        required=False,
        max_length=2,
        validators=[RegexValidator(r"^[A-Za-z]{2}$", _("Choose a country from the list."))],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def valid_values(self) -> dict[str, Any]:
        """The fields that passed validation (a bad filter is reported and left out, the rest still applies)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
