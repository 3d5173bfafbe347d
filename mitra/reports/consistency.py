"""The check run before a report is issued: errors stop it, warnings are shown for a person to judge."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from mitra.core import formatting

from . import narrative
from .figures import YearData
from .model import Report
from .models import NarrativeKey

YEAR = re.compile(r"(?<![\d.,/])(20\d\d)(?![\d.,/])")
RANGE = re.compile(r"20\d\d\s*[–-]\s*20\d\d")
FAR_ABOVE = Decimal(120)


@dataclass(frozen=True)
class Finding:
    level: str  # "error" | "warning"
    where: str
    message: str


def check(report: Report, data: YearData, texts: dict[str, str]) -> list[Finding]:
    out: list[Finding] = []
    labels = {k: str(v) for k, v in NarrativeKey.choices}
    # 1. Narratives name only known figures.
    for key, text in texts.items():
        for err in narrative.validate(text, report.figures):
            out.append(Finding("error", f"{labels.get(key, key)}, {_('line')} {err.line}", err.message))
    # 2. A figure shown in several places is one value.
    seen: dict[str, set[str]] = defaultdict(set)
    for _where, fig in report.used_figures():
        seen[fig.name].add(repr(fig.value))
    for name, values in seen.items():
        if name and len(values) > 1:
            out.append(Finding("error", name, _("The figure has different values: %(v)s") % {"v": ", ".join(values)}))
        elif name in report.figures and repr(report.figures[name].value) not in values:
            out.append(Finding("error", name, _("The figure differs from the year's computed value.")))
    # 3. Years: headings carry the report's year; a year typed in a narrative is a warning (use {{ year }}).
    for _level, s in report.walk():
        for y in YEAR.findall(RANGE.sub("", s.title)):
            if int(y) != report.year:
                out.append(
                    Finding(
                        "error", s.title, _("The heading names %(y)s, not %(year)s.") % {"y": y, "year": report.year}
                    )
                )
    for key, text in texts.items():
        stripped = RANGE.sub("", narrative.FIGURE.sub("", text))
        for y in sorted(set(YEAR.findall(stripped))):
            out.append(
                Finding(
                    "error" if int(y) == report.year - 1 and key == NarrativeKey.CONCLUSIONS else "warning",
                    labels.get(key, key),
                    _("The text names the year %(y)s directly; refer to {{ year }} or {{ previous_year }} instead.")
                    % {"y": y},
                )
            )
        if re.search(r"(?<![\w{.])\d{1,3}(?:[.,]\d{3})+(?:,\d+)?(?![\w}])|\d+,\d+\s*%", stripped):
            out.append(
                Finding(
                    "warning",
                    labels.get(key, key),
                    _("The text contains typed amounts or percentages; refer to figures by name."),
                )
            )
    # 4. Sub-activity labels match the plan: each output indicator describes its own sub-activity.
    by_description: dict[str, list[int]] = defaultdict(list)
    for f in data.measurement.subs:
        if f.sub.output_description:
            by_description[f.sub.output_description.strip().lower()].append(f.sub.number)
    for description, numbers in by_description.items():
        units = {f.sub.output_unit for f in data.measurement.subs if f.sub.number in numbers}
        if len(numbers) > 1 and len(units) > 1:
            out.append(
                Finding(
                    "error",
                    ", ".join(map(str, numbers)),
                    _("Sub-activities with different output units share the output label “%(d)s”.")
                    % {"d": description},
                )
            )
    # 5. Achievements far outside the usual bands, and missing quarters.
    bands = data.measurement.settings.bands
    lowest = min((b.min_pct for b in bands), default=Decimal(0))
    for f in data.measurement.subs:
        for what, pct in ((_("output"), f.output_pct), (_("input"), f.input_pct)):
            if pct is not None and (pct > FAR_ABOVE or pct < lowest):
                out.append(
                    Finding(
                        "warning",
                        f"{f.sub.number}. {f.sub.name}",
                        _("The %(what)s achievement %(pct)s is outside the usual bands.")
                        % {"what": what, "pct": formatting.percent(pct)},
                    )
                )
        quarters = {
            q.quarter for q in f.sub.quarters.all() if q.budget_realised is not None or q.output_realised is not None
        }
        missing = [q for q in (1, 2, 3, 4) if q not in quarters]
        if missing:
            out.append(
                Finding(
                    "warning",
                    f"{f.sub.number}. {f.sub.name}",
                    _("No realisation entered for quarter(s) %(q)s.") % {"q": ", ".join(map(str, missing))},
                )
            )
    for r in data.measurement.indicators:
        if r.achievement_pct is not None and (r.achievement_pct > FAR_ABOVE or r.achievement_pct < lowest):
            out.append(
                Finding(
                    "warning",
                    r.indicator.name,
                    _("The achievement %(pct)s is outside the usual bands.")
                    % {"pct": formatting.percent(r.achievement_pct)},
                )
            )
        if r.source == "computed" and not r.source_available:
            out.append(Finding("error", r.indicator.name, _("The indicator's source gives no figure.")))
    return out


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == "error"]
