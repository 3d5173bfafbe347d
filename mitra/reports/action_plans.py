"""Action plans (rencana aksi) in the reports: per bureau indicator and unit, the unit indicator's target of the year,
the quarterly targets with the actions planned to reach them, what the quarterly realisation reports against them,
and whether the unit is behind its plan (naming it).

Both the LAKIP (chapter III, after the analysis of the key indicator) and the quarterly monitoring report draw the
same section from `performance.selectors.cascade`, the read the performance tree and the monitoring page use. Every
number is a named figure (`action.<unit>.<indicator>.*`, `action_plans.*`), registered with the year's figures
(figures.year_data) or the monitoring report's, so the one-value check covers it.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from mitra.performance import selectors as perf

from .evaluator import mark_text
from .model import NUMBER, Cell, Fig, Inline, Paragraph, Section, Styled, Table, runs

KEY = "action-plans"
QUARTERS_KEY = "action-plans-quarters"


def _slug(code: str) -> str:
    return code.replace("-", "_")  # as figures._slug: figure names use underscores


def prefix(row: perf.UnitIndicatorProgress) -> str:
    """The figure names' stem of one unit indicator: action.<unit code>.<unit indicator code> (unique: a unit's
    indicator codes are unique within the unit)."""
    return f"action.{_slug(row.unit.code)}.{_slug(row.unit_indicator.code)}"


def _unit_name(row: perf.UnitIndicatorProgress) -> str:
    return str(row.unit.short_name or row.unit.name)


def _quarters(tree: perf.Cascade, row: perf.UnitIndicatorProgress) -> list[int]:
    """The quarters of the row's action plan up to the report's quarter."""
    return sorted(q for q in row.plans if q <= tree.quarter)


def units_with_indicators(tree: perf.Cascade) -> list[str]:
    return sorted({row.unit.code for row in tree.rows})


def is_illustrative(tree: perf.Cascade) -> bool:
    """Whether any unit indicator, target or action plan shown is marked illustrative (not from an official source)."""
    return any(
        row.unit_indicator.is_illustrative
        or row.target_illustrative
        or any(p.is_illustrative for q, p in row.plans.items() if q <= tree.quarter)
        for row in tree.rows
    )


def action_plan_figures(tree: perf.Cascade) -> dict[str, Fig]:
    """The figures of the action plans up to the tree's quarter: per unit indicator its year target, each quarter's
    target and realisation (a quarter not yet realised has no realisation figure), the cumulative plan and
    realisation over the quarters reported; and how many units have indicators and how many are behind."""
    figs: dict[str, Fig] = {}
    url = reverse("performance:cascade", args=[tree.year]) + f"?triwulan={tree.quarter}"

    def add(name: str, value: object, label: str) -> None:
        figs[name] = Fig(name, value, NUMBER, url, label)

    for row in tree.rows:
        p = prefix(row)
        what = f"{_unit_name(row)}: {row.unit_indicator.name}"
        if row.target is not None:
            add(f"{p}.target", row.target, _("Unit target of the year (%(what)s)") % {"what": what})
        for q in _quarters(tree, row):
            plan = row.plans[q]
            add(f"{p}.q{q}.target", plan.target, _("Quarter %(q)s target (%(what)s)") % {"q": q, "what": what})
            if plan.realised is not None:
                add(
                    f"{p}.q{q}.realised",
                    plan.realised,
                    _("Realised in quarter %(q)s (%(what)s)") % {"q": q, "what": what},
                )
        if _quarters(tree, row):
            planned = _("Planned in the quarters reported (%(what)s)") % {"what": what}
            realised = _("Realised in the quarters reported (%(what)s)") % {"what": what}
            add(f"{p}.planned_cum", row.planned_cum, planned)
            add(f"{p}.realised_cum", row.realised_cum, realised)
    add("action_plans.units", len(units_with_indicators(tree)), _("Units with cascaded indicators"))
    add("action_plans.units_behind", len(tree.behind_units), _("Units behind their action plan"))
    return figs


def _fig(figs: dict[str, Fig], name: str) -> Cell:
    fig = figs.get(name)
    return Cell(fig, fig.kind) if fig else Cell(None)


def _assessment(tree: perf.Cascade, row: perf.UnitIndicatorProgress) -> str:
    if not _quarters(tree, row):
        return _("no action plan")
    text = str(_("behind plan") if row.behind else _("on plan"))
    if any(row.plans[q].realised is None for q in _quarters(tree, row)):
        text += " " + _("(quarters not yet reported)")
    return text


def section(
    tree: perf.Cascade, figs: dict[str, Fig], *, title: str, note_illustrative: bool = True, key: str = KEY
) -> Section:
    """The section: who is behind (named, with the figures behind it), the unit indicators' plan against
    realisation, and each quarter's target, planned actions and realisation."""
    s = Section(key, title)
    q = tree.quarter
    s.add(
        Paragraph(
            [
                _(
                    "The bureau's indicators are cascaded to its units; each unit plans its indicator's target over "
                    "the quarters with the actions that will reach it (rencana aksi) and reports what it realised in "
                    "each quarter. A unit is behind its plan when, over the quarters it has reported up to quarter "
                    "%(q)s, it realised less than it planned (more, for an indicator where lower is better); a "
                    "quarter not yet reported is not counted."
                )
                % {"q": q}
            ]
        )
    )
    if not tree.rows:
        s.add(Paragraph([_("No indicator is cascaded to the units for this year yet.")]))
        return s
    if tree.behind:
        named: list[Inline] = []
        for i, row in enumerate(tree.behind):
            p = prefix(row)
            if i:
                named.append("; ")
            named += [Styled(_unit_name(row), bold=True), " — "]
            named += runs(
                _("%(indicator)s: %(realised)s realised of %(planned)s planned"),
                indicator=row.unit_indicator.name,
                realised=figs[f"{p}.realised_cum"],
                planned=figs[f"{p}.planned_cum"],
            )
        lead = runs(
            _("Units behind their action plan (%(behind)s of %(units)s units with cascaded indicators): "),
            behind=figs["action_plans.units_behind"],
            units=figs["action_plans.units"],
        )
        s.add(Paragraph([*lead, *named, "."]))
    else:
        s.add(Paragraph([_("Every unit is on its action plan.")]))
    if note_illustrative and is_illustrative(tree):
        s.add(
            Paragraph(
                [
                    Styled(_("Illustrative details: "), bold=True),
                    _(
                        "the units' indicators, targets and action plans marked %(mark)s are not taken from an "
                        "official source."
                    )
                    % {"mark": mark_text()},
                ]
            )
        )
    summary: list[list[Cell]] = []
    detail: list[list[Cell]] = []
    for branch in tree.branches:
        summary.append(
            [Cell(_("Bureau indicator"), bold=True), Cell(branch.indicator.name, bold=True)] + [Cell("")] * 4
        )
        for row in branch.rows:
            p = prefix(row)
            unit = ("– " * row.depth) + _unit_name(row)
            summary.append(
                [
                    Cell(unit, bold=row.behind),
                    Cell(row.unit_indicator.name),
                    _fig(figs, f"{p}.target"),
                    _fig(figs, f"{p}.planned_cum"),
                    _fig(figs, f"{p}.realised_cum"),
                    Cell(_assessment(tree, row), bold=row.behind),
                ]
            )
            quarters = _quarters(tree, row)
            if not quarters:
                detail.append(
                    [
                        Cell(_unit_name(row)),
                        Cell(row.unit_indicator.name),
                        Cell(""),
                        Cell(None),
                        Cell(_("no action plan")),
                        Cell(""),
                        Cell(""),
                    ]
                )
            for i, n in enumerate(quarters):
                plan = row.plans[n]
                reported = plan.realised is not None
                detail.append(
                    [
                        Cell(_unit_name(row) if i == 0 else ""),
                        Cell(row.unit_indicator.name if i == 0 else ""),
                        Cell(_("Q%(q)s") % {"q": n}),
                        _fig(figs, f"{p}.q{n}.target"),
                        Cell("\n".join(f"• {a}" for a in plan.action_list)),
                        _fig(figs, f"{p}.q{n}.realised") if reported else Cell(_("not reported")),
                        Cell(plan.realisation_note),
                    ]
                )
    summary_table = Table(
        key,
        _("Unit indicators: action plan against realisation, quarters reported up to quarter %(q)s") % {"q": q},
        [
            _("Unit"),
            _("Unit indicator"),
            _("Year target"),
            _("Planned"),
            _("Realised"),
            _("Assessment"),
        ],
        summary,
        [2.2, 4.5, 1.1, 1.1, 1.1, 2],
    )
    detail_table = Table(
        QUARTERS_KEY if key == KEY else f"{key}-quarters",
        _("Quarterly targets, planned actions and realisation up to quarter %(q)s") % {"q": q},
        [
            _("Unit"),
            _("Unit indicator"),
            _("Quarter"),
            _("Quarter target"),
            _("Planned actions"),
            _("Realised"),
            _("What was done"),
        ],
        detail,
        [1.8, 3, 0.9, 1, 4, 1, 3.3],
    )
    if note_illustrative and is_illustrative(tree):
        for table in (summary_table, detail_table):
            table.caption = f"{table.caption} {mark_text()}"
    s.add(summary_table, detail_table)
    return s


def lakip_section(tree: perf.Cascade, figs: dict[str, Fig]) -> Section:
    """The LAKIP's section (chapter III, part A): the year, all four quarters. Illustrative records are named in
    the report's data notice (evaluator.py), which marks these tables."""
    return section(tree, figs, title=_("Action plans of the units"), note_illustrative=False)


def insert_after(sections: list[Section], after: str, new: Section) -> bool:
    """Put `new` right after the child section keyed `after` (anywhere in the tree); False when there is none."""
    stack = list(sections)
    while stack:
        s = stack.pop(0)
        keys = [c.key for c in s.children]
        if after in keys:
            s.children.insert(keys.index(after) + 1, new)
            return True
        stack = s.children + stack
    return False
