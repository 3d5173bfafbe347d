"""Numbers typed the Indonesian way (core.fields), and numbers that stay with their unit on a page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from mitra.core.fields import LocalizedDecimalField, LocalizedMoneyField, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7633760", Decimal("7633760")),
        ("7.633.760", Decimal("7633760")),
        ("Rp 7.633.760", Decimal("7633760")),
        ("rp7.633.760", Decimal("7633760")),
        ("Rp. 7.633.760", Decimal("7633760")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("1234567,89", Decimal("1234567.89")),
        (" 1,00 ", Decimal("1.00")),
        ("1.00", Decimal("1.00")),  # the machine form the entry form used to show
        ("12.5", Decimal("12.5")),
        ("1.234", Decimal("1234")),  # Indonesian: a point before three digits groups thousands
        ("7\u00a0633\u00a0760", Decimal("7633760")),
        ("-5", Decimal("-5")),
    ],
)
def test_indonesian_numbers_are_read(text: str, expected: Decimal) -> None:
    assert parse_number(text, "id") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7,633,760", Decimal("7633760")), ("Rp 1,234,567.89", Decimal("1234567.89")), ("1.5", Decimal("1.5"))],
)
def test_english_numbers_are_read(text: str, expected: Decimal) -> None:
    assert parse_number(text, "en") == expected


@pytest.mark.parametrize("text", ["", "-", "abc", "12a", "1.23.4", "1,2,3", "1.234,5,6", "7.63.760", "Rp", "1..0"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text, "id")


class EntryForm(forms.Form):
    volume = LocalizedDecimalField(max_digits=14, decimal_places=2, min_value=0)
    amount = LocalizedMoneyField(min_value=0)


def test_the_form_takes_indonesian_input() -> None:
    with translation.override("id"):
        form = EntryForm({"volume": "1.234,5", "amount": "Rp 7.633.760"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data == {"volume": Decimal("1234.5"), "amount": 7633760}


def test_bad_input_gets_a_message_at_the_field_in_indonesian_and_english() -> None:
    with translation.override("id"):
        form = EntryForm({"volume": "satu", "amount": "7.633.760,50"})
        assert not form.is_valid()
        assert form.errors["volume"] == ["Masukkan angka, misalnya 1.234.567,89."]
        assert form.errors["amount"] == ["Jumlah rupiah adalah bilangan bulat, tanpa sen."]
        form = EntryForm({"volume": "1", "amount": "tujuh juta"})
        assert not form.is_valid()
        assert form.errors["amount"] == ["Masukkan jumlah dalam rupiah, misalnya Rp 7.633.760."]
    with translation.override("en"):
        form = EntryForm({"volume": "1,2,3", "amount": "-Rp"})
        assert not form.is_valid()
        assert form.errors["volume"] == ["Enter a number, for example 1,234,567.89."]
        assert form.errors["amount"] == ["Enter an amount in rupiah, for example Rp 7,633,760."]


def test_limits_still_apply() -> None:
    with translation.override("id"):
        form = EntryForm({"volume": "1,234", "amount": "-5"})
        assert not form.is_valid()
        assert set(form.errors) == {"volume", "amount"}  # three decimal places; below zero


def test_values_are_shown_the_indonesian_way() -> None:
    with translation.override("id"):
        form = EntryForm(initial={"volume": Decimal("1.00"), "amount": 7633760})
        assert 'value="1,00"' in str(form["volume"]) and 'value="7.633.760"' in str(form["amount"])
        # What the user typed comes back as typed when the form is shown again with an error.
        bound = EntryForm({"volume": "1.234,5", "amount": "x"})
        assert 'value="1.234,5"' in str(bound["volume"]) and 'value="x"' in str(bound["amount"])
    with translation.override("en"):
        assert 'value="7,633,760"' in str(EntryForm(initial={"amount": 7633760})["amount"])


def test_a_number_stays_with_its_unit_on_a_page() -> None:
    template = Template("{% load mitra_format %}{{ a|rupiah }}|{{ p|percent }}")
    with translation.override("id"):
        text = template.render(Context({"a": 4917801000, "p": Decimal(100)}))
    assert text == "Rp\u00a04.917.801.000|100,00\u00a0%"
