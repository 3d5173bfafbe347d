"""The rows of a profile's lists (partners/_profile.html), each list written in one call: its timeline
({% timeline_rows %}), its open follow-ups ({% follow_up_rows %}), its cooperations and agreements
({% record_rows %}), and the country page's partner institutions ({% labelled_rows %}). A profile shows up to a
hundred events and fifty records a list; as template markup each row took a dozen variable lookups and several
filters (~40-90 µs a row, a sixth of the country page at ten years of data). The HTML is the same as the loops'
was: each value escaped as `{{ }}` escapes it, dates as `|tanggal`, kinds as `|verbose_kind`, titles as `|clip`,
choices as `get_<field>_display`."""

from __future__ import annotations

import html
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from mitra.core.choices import choice_label
from mitra.core.record_urls import RecordUrls
from mitra.core.templatetags.mitra_format import clip, tanggal, verbose_kind

register = template.Library()


def _escaped(value: Any) -> str:
    """`conditional_escape(value)` for the rows' values, a plain str escaped directly: the same text, without the
    check for lazy text that wraps Django's escape() (~1 µs a call, four a timeline row)."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


# The whitespace the template's loop wrote around each row, kept so that the page does not change.
ROW = (
    "\n        {heading}\n"
    '        <li><span class="small text-body-secondary">{when}</span>\n'
    '          <span class="badge text-bg-light border">{kind}</span>\n'
    '          <a href="{url}">{title}</a> <span class="small text-body-secondary">{detail}</span></li>\n'
    "        "
)


@register.simple_tag
def timeline_rows(items: list[Any]) -> SafeString:
    """The events' rows, a year heading before the first event of each year (as `{% ifchanged item.year %}`)."""
    kinds: dict[type, str] = {}
    rows = []
    year = None
    for item in items:
        heading = ""
        if item.year != year:
            year = item.year
            heading = f'<li class="year-heading">{_escaped(localize(year))}</li>'
        model = type(item.record)
        if model not in kinds:
            kinds[model] = _escaped(verbose_kind(item.record))
        when = tanggal(item.date) if item.date else localize(item.year)
        rows.append(
            ROW.format(
                heading=heading,
                when=_escaped(when),
                kind=kinds[model],
                url=_escaped(item.url),
                title=_escaped(clip(item.record, 100)),
                detail=_escaped(item.detail),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


@register.simple_tag
def follow_up_rows(follow_ups: list[Any]) -> SafeString:
    """The open follow-ups' rows of the "Needs attention" box, those overdue today marked."""
    today = timezone.localdate()
    due = _escaped(gettext("Follow-up due"))
    badge = f' <span class="badge text-bg-danger">{_escaped(gettext("overdue"))}</span>'
    marked = ' class="overdue"'
    url_of = RecordUrls()
    rows = []
    for f in follow_ups:
        overdue = f.is_overdue(today)
        url, title = _escaped(url_of(f)), _escaped(clip(f.description, 90))
        rows.append(
            f"<li{marked if overdue else ''}>{due} {_escaped(tanggal(f.due_date))}: "
            f'<a href="{url}">{title}</a>{badge if overdue else ""}</li>'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


@register.simple_tag
def record_rows(records: list[Any], choice: str, day: str = "") -> SafeString:
    """Records' rows: the title linked, then the label of their `choice` field (as `get_<choice>_display`) and, given
    `day`, that date (`label · date`)."""
    url_of = RecordUrls()
    rows = []
    for record in records:
        detail: str = _escaped(choice_label(record, choice))
        if day:
            detail = f"{detail} · {_escaped(tanggal(getattr(record, day)))}"
        rows.append(
            f'<li class="py-1 border-bottom"><a href="{_escaped(url_of(record))}">'
            f'{_escaped(record.title)}</a> <span class="small text-body-secondary">{detail}</span></li>'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


@register.simple_tag
def labelled_rows(records: Any, choice: str) -> SafeString:
    """Records' rows in a plain list: the record linked by its name (`str()`), then the label of its `choice` field
    (the country page's partner institutions: 23 for Indonesia at ten years of data, ~50 µs a row as template
    markup)."""
    url_of = RecordUrls()
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<li><a href="{_escaped(url_of(record))}">{_escaped(str(record))}</a> '
            f'<span class="small text-body-secondary">{_escaped(choice_label(record, choice))}</span></li>'
            for record in records
        )
    )
