"""{% history_items history as items %}: a record's audit entries as people read them (see core/history.py)."""

from typing import Any

from django import template

from mitra.core import history

register = template.Library()


@register.simple_tag
def history_items(entries: Any) -> list[history.HistoryItem]:
    return history.describe(entries or [])
