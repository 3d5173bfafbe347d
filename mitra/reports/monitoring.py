"""The quarterly monitoring report, for one unit or the whole bureau: plan against realisation, who is behind,
obstacles and follow-up plans. Built from performance.selectors.monitoring, like the monitoring page."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mitra.core import formatting, periods
from mitra.performance import selectors as perf

from . import action_plans, charts
from .model import MONEY, NUMBER, PCT, Cell, Chart, Fig, Paragraph, Report, Section, Styled, Table
from .progress import BUILDING, READING, Progress, step


def _pct(name: str, value, url: str) -> Cell:  # type: ignore[no-untyped-def]
    return Cell(Fig(name, value, PCT, url))


def _number(progress: Any) -> int:
    return int(progress.sub.number)


def build_monitoring(
    year: int, quarter: int, unit_code: str | None, language: str = "id", progress: Progress | None = None
) -> Report:
    with translation.override(language):
        step(progress, READING)
        mon = perf.monitoring(year, quarter)
        step(progress, BUILDING)
        units = [u for u in mon.units if unit_code in (None, "", u.unit.code)]
        # Numeric order: sub-activities by number, units by the number of their first sub-activity.
        units = sorted(
            [replace(u, subs=sorted(u.subs, key=_number)) for u in units],
            key=lambda u: min((_number(p) for p in u.subs), default=0),
        )
        if unit_code and not units:
            raise LookupError(f"No sub-activities of unit {unit_code!r} in {year}")
        url = reverse("performance:monitoring", args=[year]) + f"?triwulan={quarter}"
        figures: dict[str, Fig] = {}
        who = units[0].unit.name if unit_code else "Biro Kerjasama Luar Negeri"
        summary = Section("summary", _("Plan against realisation"))
        rows = []
        for u in units:
            c = u.unit.code
            row_figs = {
                f"unit.{c}.ceiling": Fig(f"unit.{c}.ceiling", u.ceiling, MONEY, url),
                f"unit.{c}.budget_cum": Fig(f"unit.{c}.budget_cum", u.budget_cum, MONEY, url),
                f"unit.{c}.physical_plan_pct": Fig(f"unit.{c}.physical_plan_pct", u.physical_plan_pct, PCT, url),
                f"unit.{c}.physical_pct": Fig(f"unit.{c}.physical_pct", u.physical_pct, PCT, url),
                f"unit.{c}.financial_plan_pct": Fig(f"unit.{c}.financial_plan_pct", u.financial_plan_pct, PCT, url),
                f"unit.{c}.financial_pct": Fig(f"unit.{c}.financial_pct", u.financial_pct, PCT, url),
            }
            figures.update(row_figs)
            rows.append(
                [Cell(u.unit.short_name or u.unit.name)]
                + [Cell(f) for f in row_figs.values()]
                + [
                    Cell(str(u.report.get_status_display()) if u.report else _("Draft")),
                    Cell(_("behind") if u.behind else _("on plan"), bold=u.behind),
                ]
            )
        if not unit_code and len(units) > 1:
            # The bureau's total: sums of the units, percentages over all its sub-activities (ceiling-weighted
            # like each unit's, from the same selector).
            bureau = mon.by_quarter[quarter - 1]
            total_figs = {
                "bureau.ceiling": Fig("bureau.ceiling", sum(u.ceiling for u in units), MONEY, url),
                "bureau.budget_cum": Fig("bureau.budget_cum", sum(u.budget_cum for u in units), MONEY, url),
                "bureau.physical_plan_pct": Fig("bureau.physical_plan_pct", bureau["physical_plan"], PCT, url),
                "bureau.physical_pct": Fig("bureau.physical_pct", bureau["physical"], PCT, url),
                "bureau.financial_plan_pct": Fig("bureau.financial_plan_pct", bureau["financial_plan"], PCT, url),
                "bureau.financial_pct": Fig("bureau.financial_pct", bureau["financial"], PCT, url),
            }
            figures.update(total_figs)
            rows.append(
                [Cell(_("Bureau total"), bold=True)]
                + [Cell(f, bold=True) for f in total_figs.values()]
                + [Cell(""), Cell("")]
            )
        summary.add(
            Table(
                "units",
                _("Units: plan against realisation, cumulative to quarter %(q)s") % {"q": quarter},
                [
                    _("Unit"),
                    _("Ceiling"),
                    _("Budget realised"),
                    _("Physical plan"),
                    _("Physical"),
                    _("Financial plan"),
                    _("Financial"),
                    _("Status"),
                    _("Assessment"),
                ],
                rows,
                [2.5, 2, 2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2],
            )
        )
        summary.add(
            Chart(
                "unit-chart",
                _("Physical and financial realisation against plan"),
                charts.unit_chart(
                    [
                        (
                            u.unit.short_name or u.unit.name,
                            u.physical_plan_pct,
                            u.physical_pct,
                            u.financial_plan_pct,
                            u.financial_pct,
                        )
                        for u in units
                    ],
                    {
                        "physical_plan": _("Physical plan"),
                        "physical": _("Physical"),
                        "financial_plan": _("Financial plan"),
                        "financial": _("Financial"),
                    },
                ),
            )
        )
        detail = Section("sub-activities", _("Sub-activities"))
        rows = []
        for p in sorted((p for u in units for p in u.subs), key=_number):
            n = p.sub.number
            rows.append(
                [
                    Cell(n, NUMBER),
                    Cell(p.sub.name, url=reverse("performance:sub-activity", args=[p.sub.pk])),
                    Cell(p.planned_output_cum, NUMBER),
                    Cell(p.output_cum, NUMBER),
                    Cell(p.planned_budget_cum, MONEY),
                    Cell(p.budget_cum, MONEY),
                    _pct(f"sub.{n}.physical_pct", p.physical_pct, url),
                    _pct(f"sub.{n}.financial_pct", p.financial_pct, url),
                ]
            )
        detail.add(
            Table(
                "sub-activities",
                _("Sub-activities, cumulative to quarter %(q)s") % {"q": quarter},
                [
                    "No",
                    _("Sub-activity"),
                    _("Output plan"),
                    _("Output"),
                    _("Budget plan"),
                    _("Budget"),
                    _("Physical"),
                    _("Financial"),
                ],
                rows,
                [0.6, 4.5, 1, 1, 2, 2, 1.2, 1.2],
            )
        )
        behind = Section("behind", _("Behind plan"))
        rows = []
        for u, p in sorted(((unit, p) for unit in units for p in unit.behind_subs), key=lambda up: _number(up[1])):
            what = ", ".join(
                w for w, b in ((_("physical"), p.physically_behind), (_("financial"), p.financially_behind)) if b
            )
            rows.append(
                [
                    Cell(p.sub.number, NUMBER),
                    Cell(p.sub.name),
                    Cell(u.unit.short_name or u.unit.name),
                    Cell(what),
                    Cell(p.obstacles),
                    Cell(p.follow_up),
                ]
            )
        if rows:
            behind.add(
                Table(
                    "behind",
                    _("Sub-activities behind plan, with obstacles and follow-up plans"),
                    ["No", _("Sub-activity"), _("Unit"), _("Behind"), _("Obstacles"), _("Follow-up plan")],
                    rows,
                    [0.6, 3.5, 1.5, 1.2, 3, 3],
                )
            )
        else:
            behind.add(Paragraph([_("No sub-activity is behind plan.")]))
        notes = Section("obstacles", _("Obstacles and follow-up plans"))
        rows = [
            [Cell(p.sub.number, NUMBER), Cell(p.sub.name), Cell(p.obstacles), Cell(p.follow_up)]
            for p in sorted((p for u in units for p in u.subs), key=_number)
            if p.obstacles or p.follow_up
        ]
        if rows:
            notes.add(
                Table(
                    "obstacles",
                    _("Obstacles and follow-up plans in quarter %(q)s") % {"q": quarter},
                    ["No", _("Sub-activity"), _("Obstacles"), _("Follow-up plan")],
                    rows,
                    [0.6, 3.5, 4, 4],
                )
            )
        else:
            notes.add(Paragraph([_("No obstacles were recorded for this quarter.")]))
        # The units' own indicators and action plans (of the unit's subtree for a unit's report), quarters 1 to q.
        scope = units[0].unit if unit_code else None
        tree = perf.cascade(year, quarter, unit=scope)
        figures.update(action_plans.action_plan_figures(tree))
        plans = action_plans.section(tree, figures, title=_("Action plans of the units"))
        intro = Paragraph(
            [
                _("Monitoring of quarter %(q)s %(year)s for %(who)s, as of ")
                % {"q": quarter, "year": year, "who": who},
                Styled(formatting.date(periods.quarter_bounds(year, quarter)[1], language), bold=True),
                ".",
            ]
        )
        summary.blocks.insert(0, intro)
        return Report(
            kind="monitoring",
            title=_("Quarterly monitoring report, quarter %(q)s %(year)s") % {"q": quarter, "year": year},
            subtitle=who,
            year=year,
            language=language,
            organisation="Badan Pengawas Obat dan Makanan",
            sections=[summary, detail, behind, plans, notes],
            figures=figures,
            toc_title=_("Table of contents"),
            place="Jakarta",
            date=formatting.date(periods.quarter_bounds(year, quarter)[1], language),
        )
