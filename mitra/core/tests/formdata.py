"""What a browser would send back from a form page: every field as its widget renders it (hidden ones too)."""

from __future__ import annotations

from typing import Any

from django import forms


def posted(form: forms.BaseForm, **changes: Any) -> dict[str, Any]:
    """The form as shown (initial values of a fresh form, the data of a re-shown one), with `changes` typed in."""
    data: dict[str, Any] = {}
    for bound in form:
        widget = bound.field.widget
        value = bound.value()
        if isinstance(widget, forms.CheckboxInput):
            if widget.check_test(value):
                data[bound.html_name] = "on"
            continue
        shown = widget.format_value(value)
        if isinstance(shown, list | tuple):
            data[bound.html_name] = [str(v) for v in shown if v not in (None, "")]
        else:
            data[bound.html_name] = "" if shown is None else str(shown)
    return {**data, **changes}


def page_form(response: Any) -> forms.BaseForm:
    form = response.context["form"]
    assert isinstance(form, forms.BaseForm)
    return form
