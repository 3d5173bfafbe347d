"""The form renderer: Django's own, with one change for every select of every form (settings.FORM_RENDERER).

An empty choice left as Django's "---------" reads "— pilih —" ("— choose —"): model choice fields and blank model
choices of forms, and any hand-made ("", "---------") choice. List filters say "Semua" ("All") instead, through
django-filter's own setting (FILTERS_EMPTY_CHOICE_LABEL), before they reach the renderer.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

DJANGO_EMPTY_LABEL = "---------"
EMPTY_LABEL = _("— choose —")


class MitraFormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict):
            relabel_empty_choices(widget.get("optgroups") or ())
        return super().render(template_name, context, request)


def relabel_empty_choices(optgroups: Any) -> None:
    """Give the empty option(s) of a select's option groups a readable label, in place."""
    for _group, options, _index in optgroups:
        for option in options:
            if option.get("value") in ("", None) and str(option.get("label")) == DJANGO_EMPTY_LABEL:
                option["label"] = EMPTY_LABEL
