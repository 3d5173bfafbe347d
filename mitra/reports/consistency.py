"""The check run before a report is issued: errors stop it, warnings are shown for a person to judge."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from mitra.core import formatting
from mitra.performance import metrics
from mitra.performance import selectors as perf

from . import narrative
from .figures import YearData
from .model import Fig, Report
from .models import NarrativeKey

YEAR = re.compile(r"(?<![\d.,/])(20\d\d)(?![\d.,/])")
RANGE = re.compile(r"20\d\d\s*[–-]\s*20\d\d")
# A regulation or decree cited by number and year ("Nomor 29 Tahun 2010", "No. 53 of 2014", "Nomor 12/2015") names
# the year of the regulation, not a year the report is about.
CITATION = re.compile(
    r"\b(?:Nomor|No\.?|Number)\s*[\w./-]*\d[\w./-]*\s*(?:(?:Tahun|of|Year)\s+|/)20\d\d", re.IGNORECASE
)
# The first number of a typed target label ("31 dokumen kerjasama", "95 %", "A (nilai minimal 80)").
LABEL_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
SAKIP_GRADE_WORD = re.compile(r"(?<![\w])(AA|A|BB|B|CC|C|D)(?![\w])")
TARGET_LABEL = re.compile(r"^(indicator|pk)\.([\w-]+)\.target_label$")


@dataclass(frozen=True)
class Finding:
    level: str  # "error" | "warning"
    where: str
    message: str


def _same(value: Any) -> str:
    """A value as compared: numbers by their value (71.74 == 71.740), everything else as text."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, Decimal, float)):
        return str(Decimal(value).normalize())
    return str(value)


def _label_number(label: str) -> Decimal | None:
    m = LABEL_NUMBER.search(label)
    return Decimal(m.group(0).replace(",", ".")) if m else None


def printed(report: Report, quantities: dict[str, str]) -> dict[str, dict[str, set[str]]]:
    """Every quantity the report prints, with each value it prints it with and where: figures in tables, narratives
    and appendices by the quantity they show (`quantities`: a figure's name → the quantity it shows, as
    YearData.quantities; a name not in it is its own quantity), and what typed target labels state."""
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for where, fig in report.used_figures():
        if not fig.name:
            continue
        quantity = quantities.get(fig.name, fig.name)
        label = TARGET_LABEL.match(fig.name)
        if label:
            code = label.group(2)
            target = quantities.get(f"indicator.{code}.target", f"indicator.{code}.target")
            number = _label_number(str(fig.value))
            if number is not None:
                seen[target][_same(number)].add(where)
            grade = SAKIP_GRADE_WORD.search(str(fig.value))
            if grade and target == "sakip.target":
                seen["sakip.target_grade"][grade.group(1)].add(where)
            continue
        seen[quantity][_same(fig.value)].add(where)
    return seen


def one_value(report: Report, quantities: dict[str, str]) -> list[Finding]:
    """One value everywhere: a quantity printed anywhere in the report (tables, narratives, appendices, typed target
    labels) has one value, and it is the report's own computed figure; a table shows a quantity in one row only.
    The LAKIP's check and the monitoring report's issue both use it."""
    out: list[Finding] = []
    seen = printed(report, quantities)
    canonical = {quantities.get(name, name): fig for name, fig in report.figures.items()}
    for quantity, values in seen.items():
        if len(values) > 1:
            shown = "; ".join(f"{v} ({', '.join(sorted(w))})" for v, w in sorted(values.items()))
            out.append(
                Finding("error", quantity, _("The report prints this with different values: %(v)s") % {"v": shown})
            )
        elif quantity in canonical and _same(canonical[quantity].value) not in values:
            out.append(Finding("error", quantity, _("The figure differs from the year's computed value.")))
    # 2b. A table shows a quantity once (one row for the SAKIP score, not an indicator row and a row of its own).
    for table in report.tables():
        rows_of: dict[str, set[int]] = defaultdict(set)
        for i, row in enumerate(table.rows):
            for cell in row:
                if isinstance(cell.value, Fig) and cell.value.name:
                    rows_of[quantities.get(cell.value.name, cell.value.name)].add(i)
        for quantity, rows in rows_of.items():
            if len(rows) > 1:
                out.append(
                    Finding(
                        "error",
                        table.caption,
                        _("%(q)s is shown in %(n)s rows of the table.") % {"q": quantity, "n": len(rows)},
                    )
                )
    return out


# How long the reports page keeps a year's findings at one data version (a new version is a new key at once; this
# only bounds how long a finding made by older code can be shown after an upgrade).
FINDINGS_SECONDS = 24 * 60 * 60


def year_findings(year: int, language: str) -> list[Finding]:
    """The check of the year's LAKIP in `language` (the active language), as the reports page shows it.

    Building the LAKIP to check it reads some eighty queries; the result is kept in Django's cache under the
    version the report files are cached under (`generate.data_version`: the newest audited write of any record a
    report reads, narratives included; and today's date when an indicator depends on it), so the page builds the
    report again only after the data changed. Issuing checks afresh (`services.issue_check`), never from here."""
    from . import generate
    from .lakip import LakipBuilder, narratives

    key = f"reports.findings:{year}:{language}:{generate.data_version()}:{generate.data_date(year)}"
    found: list[Finding] | None = cache.get(key)
    if found is None:
        from .figures import year_data

        data = year_data(year)
        texts = narratives(year)
        found = check(LakipBuilder(data, texts, language).build(), data, texts)
        cache.set(key, found, FINDINGS_SECONDS)
    return found


def check(report: Report, data: YearData, texts: dict[str, str]) -> list[Finding]:
    out: list[Finding] = []
    labels = {k: str(v) for k, v in NarrativeKey.choices}
    # 1. Narratives name only known figures.
    for key, text in texts.items():
        for err in narrative.validate(text, report.figures):
            out.append(Finding("error", f"{labels.get(key, key)}, {_('line')} {err.line}", err.message))
    # 2. One value everywhere (and one row per quantity in a table).
    out += one_value(report, data.quantities)
    # 2c. Output reported by sub-activities and the registry's records of the same kind agree, or the report says
    # why they differ.
    shown_names = {fig.name for _where, fig in report.used_figures()}
    for rec in data.reconciliations:
        if rec.difference == 0:
            continue
        subs = ", ".join(map(str, rec.subs))
        facts = {"subs": subs, "reported": _same(rec.reported), "recorded": rec.recorded, "what": rec.label}
        if f"records.{rec.key}.difference" in shown_names:
            out.append(
                Finding(
                    "warning",
                    subs,
                    _(
                        "Sub-activities %(subs)s report %(reported)s %(what)s, the registry holds %(recorded)s; "
                        "the report states the difference."
                    )
                    % facts,
                )
            )
        else:
            out.append(
                Finding(
                    "error",
                    subs,
                    _(
                        "Sub-activities %(subs)s report %(reported)s %(what)s, the registry holds %(recorded)s, "
                        "and the report does not explain the difference."
                    )
                    % facts,
                )
            )
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
        stripped = CITATION.sub("", RANGE.sub("", narrative.FIGURE.sub("", text)))
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
    # 5. Achievements below every band of the year's band table (the table that names the categories; its top
    # band has no ceiling, so nothing lies above it), and missing quarters.
    bands = data.measurement.settings.bands
    for f in data.measurement.subs:
        for what, pct in ((_("output"), f.output_pct), (_("input"), f.input_pct)):
            if pct is not None and bands and metrics.category(pct, bands) is None:
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
        if r.achievement_pct is not None and bands and metrics.category(r.achievement_pct, bands) is None:
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
    # 6. The report agrees with the measurement (`mitra measurement`, the API) figure by figure.
    out += against_measurement(report, perf.measurement_as_json(data.measurement, records=False))
    return out


def _measured(measurement: dict[str, Any]) -> dict[str, Any]:
    """The measurement JSON's figures under the report's figure names."""
    out: dict[str, Any] = {
        "budget.ceiling": measurement["budget"]["ceiling"],
        "budget.realized": measurement["budget"]["realized"],
        "budget.absorption_pct": measurement["budget"]["absorption_pct"],
    }
    for o in measurement["outputs"]:
        for key in ("ceiling", "realized", "absorption_pct"):
            out[f"output.{o['code']}.{key}"] = o[key]
    for s in measurement["sub_activities"]:
        for key in ("ceiling", "realized", "input_pct", "output_target", "output_realized", "output_pct"):
            out[f"sub.{s['number']}.{key}"] = s[key]
        for key in ("efficiency_index", "efficiency_level"):
            out[f"sub.{s['number']}.{key}"] = s[key]
    for i in measurement["indicators"]:
        code = i["code"].replace("-", "_")
        for key in ("target", "realized", "achievement_pct", "category"):
            out[f"indicator.{code}.{key}"] = i[key]
    sakip = measurement["sakip"]
    out.update(
        {
            "sakip.score": sakip["score"],
            "sakip.grade": sakip["grade"],
            "sakip.target": sakip["target"],
            "sakip.achievement_pct": sakip["achievement_pct"],
        }
    )
    return out


def _places(value: Any) -> int:
    text = str(value)
    return len(text.split(".")[1]) if "." in text else 0


def against_measurement(report: Report, measurement: dict[str, Any]) -> list[Finding]:
    """Each figure the report prints that the measurement also gives has the measurement's value (compared at the
    measurement's precision: percentages to 2 places, ratios to 3)."""
    out = []
    measured = _measured(measurement)
    names = {fig.name: fig for _where, fig in report.used_figures()}
    for name, fig in sorted(names.items()):
        if name not in measured:
            continue
        expected, value = measured[name], fig.value
        if expected is None or value is None or (isinstance(expected, str) and not _is_number(expected)):
            same = (expected is None and value is None) or str(expected) == str(value)
        else:
            rounded = metrics.rounded(Decimal(value), _places(expected))
            same = rounded is not None and rounded == Decimal(str(expected))
        if not same:
            out.append(
                Finding(
                    "error",
                    name,
                    _("The report prints %(r)s; the measurement (mitra measurement) gives %(m)s.")
                    % {"r": _same(value), "m": expected},
                )
            )
    return out


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def across_editions(reports: list[Report], quantities: dict[str, str]) -> list[Finding]:
    """The editions of one report (each language; every format draws the same report model) print each quantity
    with one value."""
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for report in reports:
        for quantity, shown in printed(report, quantities).items():
            for value in shown:
                values[quantity][value].add(report.language)
    out = []
    for quantity, shown in values.items():
        if len(shown) > 1:
            text = "; ".join(f"{v} ({', '.join(sorted(langs))})" for v, langs in sorted(shown.items()))
            out.append(
                Finding("error", quantity, _("The editions print this with different values: %(v)s") % {"v": text})
            )
    return out


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == "error"]
