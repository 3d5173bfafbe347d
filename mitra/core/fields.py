"""Form fields for numbers written the way people write them: Indonesian "7.633.760", "1.234.567,89", "Rp 7.633.760"
(English "7,633,760", "1,234,567.89"), shown back the same way ("1,00" rather than "1.00").

Used by the money and volume fields of the performance forms; the parsing is `parse_number`."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import formatting

# Separators of the language in use: (thousands, decimal).
SEPARATORS = {"id": (".", ","), "en": (",", ".")}
_CURRENCY = re.compile(r"^rp\.?", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def _separators(language: str | None) -> tuple[str, str]:
    return SEPARATORS.get((language or translation.get_language() or "id")[:2], SEPARATORS["id"])


def parse_number(text: str, language: str | None = None) -> Decimal:
    """The number in `text`, read with the separators of `language` (the active one when None).

    Accepted (Indonesian): "7633760", "7.633.760", "Rp 7.633.760", "1.234.567,89", "1234567,89", "-5", and the
    machine form "1.00" / "12.5" (a single point followed by one or two digits cannot be a thousands separator).
    Raises ValueError for anything else: letters, misplaced separators ("1.23.4"), two decimal marks."""
    thousands, decimal = _separators(language)
    value = _SPACES.sub("", _CURRENCY.sub("", text.strip()).strip())
    sign = ""
    if value[:1] in "-−" and value:
        sign, value = "-", value[1:]
    t, d = re.escape(thousands), re.escape(decimal)
    grouped = rf"\d{{1,3}}({t}\d{{3}})+"
    if re.fullmatch(rf"({grouped}|\d+)({d}\d+)?", value):
        normalised = value.replace(thousands, "").replace(decimal, ".")
    elif thousands == "." and re.fullmatch(r"\d+\.\d{1,2}", value):
        normalised = value  # "1.00", as a browser or a spreadsheet copies it
    else:
        raise ValueError(text)
    try:
        return Decimal(sign + normalised)
    except InvalidOperation as error:  # pragma: no cover - the patterns above admit only digits and one point
        raise ValueError(text) from error


def _example(money: bool) -> str:
    thousands, decimal = _separators(None)
    return f"Rp 7{thousands}633{thousands}760" if money else f"1{thousands}234{thousands}567{decimal}89"


class LocalizedDecimalField(forms.DecimalField):
    """A decimal typed and shown with the language's separators ("1.234,5" in Indonesian)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {"invalid": _("Enter a number, for example %(example)s.")}

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # the stubs give int
        if value in self.empty_values:
            return None
        if isinstance(value, (int, Decimal)):
            return Decimal(value)
        try:
            return parse_number(str(value))
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"example": _example(money=False)}
            ) from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return formatting.number(value, self.decimal_places or 0)
        return value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}  # no "step"/"min"/"max": the box is text, so that it takes separators


class LocalizedMoneyField(forms.IntegerField):
    """Whole rupiah, typed and shown with thousands separators; "Rp" in front is allowed ("Rp 7.633.760")."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Enter an amount in rupiah, for example %(example)s."),
        "whole": _("Rupiah amounts are whole numbers, without cents."),
    }

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            number = parse_number(str(value))
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"example": _example(money=True)}
            ) from None
        if number != number.to_integral_value():
            raise ValidationError(self.error_messages["whole"], code="whole")
        return int(number)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return formatting.number(value)
        return value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}
