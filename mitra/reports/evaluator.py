"""What an evaluator (PermenPAN-RB 53/2014) and an honest reader expect in a LAKIP, added to the report model:

- a data notice: quarters not yet approved that the report uses, parts whose details are illustrative, and (in
  the English edition) that the narratives exist only in Indonesian;
- the legal basis and organisation structure, the vision, missions and goals, the Manual IKU of each key
  indicator, each indicator against earlier years and the Renstra's medium-term target (with a chart), the
  causes of each indicator below target (cause, solution, owner: the quarterly obstacles and follow-ups of the
  sub-activities serving it), the agreements signed in the year, and the PK's signature blocks.

Each piece is a new sub-section or block appended to the sections lakip.py builds, so the rest stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from mitra.cooperation import selectors as coop
from mitra.core import formatting
from mitra.core import selectors as core_selectors
from mitra.core.models import OrganisationUnit
from mitra.performance import selectors as perf
from mitra.performance.models import (
    AchievementBand,
    ActionPlan,
    IndicatorTarget,
    QuarterEntry,
    QuarterReport,
    ReportStatus,
    SourceKind,
    SubActivity,
    UnitIndicator,
    UnitIndicatorTarget,
)

from . import charts
from .model import NUMBER, PCT, Cell, Chart, Fig, Paragraph, Section, Styled, Table

# The regulation a LAKIP of this period is written under (named in the report's own introduction).
REPORTING_RULE = (
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 53 Tahun 2014 tentang Petunjuk "
    "Teknis Perjanjian Kinerja, Pelaporan Kinerja, dan Tata Cara Reviu atas Laporan Kinerja Instansi Pemerintah"
)

# --- honest inputs ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnapprovedQuarter:
    unit: OrganisationUnit
    quarter: int
    status: str  # a ReportStatus value, "" when the unit never opened its report of the quarter


def unapproved_quarters(year: int) -> list[UnapprovedQuarter]:
    """The (unit, quarter) pairs whose realisation the year's figures read but whose quarterly report is not
    approved (draft, submitted or verified, or never opened); in unit and quarter order."""
    used = (
        QuarterEntry.objects.filter(sub_activity__year=year)
        .exclude(output_realised__isnull=True, budget_realised__isnull=True)
        .values_list("sub_activity__owner_unit_id", "quarter")
        .distinct()
    )
    pairs = set(used)
    if not pairs:
        return []
    reports = {(r.unit_id, r.quarter): r.status for r in QuarterReport.objects.filter(year=year)}
    units = OrganisationUnit.objects.in_bulk({u for u, _q in pairs})
    out = [
        UnapprovedQuarter(units[u], q, reports.get((u, q), ""))
        for u, q in pairs
        if reports.get((u, q)) != ReportStatus.APPROVED
    ]
    return sorted(out, key=lambda x: (x.unit.path, x.quarter))


def describe_unapproved(found: list[UnapprovedQuarter], year: int) -> str:
    parts = []
    for x in found:
        status = str(ReportStatus(x.status).label) if x.status else _("not submitted")
        parts.append(
            _("%(unit)s, quarter %(q)s %(year)s (%(status)s)")
            % {"unit": x.unit.short_name or x.unit.name, "q": x.quarter, "year": year, "status": status}
        )
    return "; ".join(parts)


@dataclass(frozen=True)
class Illustrative:
    staff: bool
    quarters: bool  # quarterly spread of plan and realisation (Table 9, figures of quarters), obstacles
    bands: bool
    units: bool  # responsible units of sub-activities
    action_plans: bool = False  # the units' indicators, targets and action plans (action_plans.py)


def illustrative_parts(year: int) -> Illustrative:
    bureau = OrganisationUnit.objects.filter(code=settings.MITRA_TRAVEL_BUREAU).first()
    return Illustrative(
        staff=core_selectors.staff_members(unit=bureau).filter(is_illustrative=True).exists(),
        quarters=QuarterEntry.objects.filter(sub_activity__year=year, is_illustrative=True).exists(),
        bands=AchievementBand.objects.filter(is_illustrative=True).exists(),
        units=SubActivity.objects.filter(year=year, is_illustrative_unit=True).exists(),
        action_plans=ActionPlan.objects.filter(year=year, is_illustrative=True).exists()
        or UnitIndicatorTarget.objects.filter(year=year, is_illustrative=True).exists()
        or UnitIndicator.objects.filter(is_illustrative=True, action_plans__year=year).exists(),
    )


def mark_text() -> str:
    return _("[illustrative]")


def _mark(block: Table | Chart) -> None:
    if mark_text() not in block.caption:
        block.caption = f"{block.caption} {mark_text()}"


def _find(sections: list[Section], key: str) -> Section | None:
    stack = list(sections)
    while stack:
        s = stack.pop(0)
        if s.key == key:
            return s
        stack = s.children + stack
    return None


def _blocks(sections: list[Section], keys: set[str]) -> list[Table | Chart]:
    out: list[Table | Chart] = []
    stack = list(sections)
    while stack:
        s = stack.pop(0)
        out += [b for b in s.blocks if isinstance(b, (Table, Chart)) and b.key in keys]
        stack = s.children + stack
    return out


def indicator_years_chart(
    years: list[str],
    planned: list[Decimal | None],
    realised: list[Decimal | None],
    final: Decimal | None,
    labels: dict[str, Any],
) -> Callable[[str], bytes]:
    """Target and realisation by year (bars), with the plan's final-year target as a dashed line."""

    def draw(fmt: str) -> bytes:
        fig, ax = charts.plt.subplots(figsize=(7, 3))
        x = range(len(years))
        ax.bar(
            [i - 0.2 for i in x], [charts._f(v) for v in planned], width=0.4, color=charts.GREY, label=labels["target"]
        )
        bars = ax.bar(
            [i + 0.2 for i in x],
            [charts._f(v) for v in realised],
            width=0.4,
            color=charts.BLUE,
            label=labels["realised"],
        )
        ax.bar_label(bars, labels=[labels["fmt"](v) if v is not None else "–" for v in realised], padding=2, fontsize=7)
        if final is not None:
            ax.axhline(float(final), color=charts.ORANGE, linestyle="--", linewidth=1, label=labels["final"])
        ax.set_xticks(list(x), years)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False, fontsize=7)
        fig.tight_layout()
        return charts._save(fig, fmt)

    def picture() -> tuple[Any, ...]:
        return (
            "indicator-years",
            tuple(years),
            tuple(charts._f(v) for v in planned),
            tuple(charts._f(v) for v in realised),
            tuple(labels["fmt"](v) if v is not None else "–" for v in realised),
            None if final is None else float(final),
            *(str(labels[key]) for key in ("target", "realised", "final")),
        )

    return charts._kept(picture, draw)


def _slug(code: str) -> str:
    return code.replace("-", "_")  # as figures._slug: figure names use underscores


class Builder(Protocol):
    """What the sections need of lakip.LakipBuilder (not imported: lakip imports this module)."""

    d: Any
    f: dict[str, Fig]
    texts: dict[str, str]
    language: str

    def table(
        self, key: str, caption: str, header: list[str], rows: list[list[Cell]], widths: list[float], numbered: bool
    ) -> Table: ...


def _target_name(code: str, year: int, report_year: int) -> str:
    return f"indicator.{code}.target" if year == report_year else f"indicator.{code}.target_{year}"


def _realised_name(code: str, year: int, report_year: int) -> str:
    return f"indicator.{code}.realized" if year == report_year else f"indicator.{code}.realized_{year}"


def _value(figs: dict[str, Fig], name: str) -> Decimal | None:
    fig = figs.get(name)
    return None if fig is None or fig.value is None else Decimal(fig.value)


def history_figures(year: int, m: perf.Measurement, plan: Any, figures: dict[str, Fig]) -> dict[str, Fig]:
    """Each indicator's targets in the plan's other years, its realisation in earlier years (entered, or computed
    from the registry for years whose records Mitra holds), and the share of the plan's final-year target reached;
    the report year's own target and realisation are the figures figures.py already names."""
    out: dict[str, Fig] = {}
    if plan is None:
        return out
    years = list(plan.years)
    held = set(SubActivity.objects.filter(year__in=years).values_list("year", flat=True))
    results = {r.indicator.pk: r for r in m.indicators}
    targets = {
        (t.indicator_id, t.year): t for t in IndicatorTarget.objects.filter(indicator__in=list(results), year__in=years)
    }
    for pk, r in results.items():
        ind = r.indicator
        code = _slug(ind.code)
        url = perf.indicator_url(ind, year)
        for y in years:
            if y == year:
                continue
            t = targets.get((pk, y))
            out[f"indicator.{code}.target_{y}"] = Fig(
                f"indicator.{code}.target_{y}", t.target if t else None, NUMBER, url, ind.name
            )
            if y > year:
                continue
            if t is not None and t.realised is not None:
                value = t.realised
            elif ind.source_kind == SourceKind.COMPUTED and y in held and t is not None:
                value = perf.indicator_result(ind, t, y, m.settings.bands).realised
            else:
                value = None
            out[f"indicator.{code}.realized_{y}"] = Fig(f"indicator.{code}.realized_{y}", value, NUMBER, url, ind.name)
        final = targets.get((pk, plan.end_year))
        share = (
            (Decimal(r.realised) / final.target * 100).quantize(Decimal("0.01"))
            if final is not None and final.target and r.realised is not None
            else None
        )
        out[f"indicator.{code}.of_final_target_pct"] = Fig(
            f"indicator.{code}.of_final_target_pct", share, PCT, url, ind.name
        )
    signed = coop.agreements().filter(date_signed__year=year).count()
    out["agreements.signed"] = Fig("agreements.signed", signed, NUMBER, "", _("Agreements signed in the year"))
    return out


def organisation_chart(tree: tuple[str, list[tuple[str, list[str]]]]) -> Callable[[str], bytes]:
    """The bureau's box on top, its divisions in a row below, each division's sub-divisions stacked under it."""
    import textwrap

    root, divisions = tree

    def draw(fmt: str) -> bytes:
        n = max(1, len(divisions))
        depth = max([len(subs) for _name, subs in divisions] or [0])
        fig, ax = charts.plt.subplots(figsize=(8, 1.6 + 0.75 * depth))
        width, height = 1.0 / n, 1.0 / (depth + 2)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.axis("off")

        def box(x: float, y: float, text: str, bold: bool = False) -> None:
            wrapped = "\n".join(textwrap.wrap(text, 26))
            ax.text(
                x,
                y,
                wrapped,
                ha="center",
                va="center",
                fontsize=6.5,
                fontweight="bold" if bold else "normal",
                bbox={"boxstyle": "round,pad=0.4", "fc": "#eef3fa" if bold else "white", "ec": charts.BLUE},
            )

        top = 1 - height / 2
        box(0.5, top, root, bold=True)
        bar = top - height * 0.6
        if divisions:
            ax.plot([0.5, 0.5], [top - height * 0.3, bar], color=charts.GREY, linewidth=0.8)
            xs = [width * (i + 0.5) for i in range(n)]
            ax.plot([xs[0], xs[-1]], [bar, bar], color=charts.GREY, linewidth=0.8)
        for i, (name, subs) in enumerate(divisions):
            x = width * (i + 0.5)
            y = top - height * 1.2
            ax.plot([x, x], [bar, y + height * 0.3], color=charts.GREY, linewidth=0.8)
            box(x, y, name, bold=True)
            for j, sub in enumerate(subs, 1):
                box(x, y - height * j, sub)
            if subs:
                ax.plot(
                    [x, x],
                    [y - height * 0.3, y - height * len(subs) + height * 0.3],
                    color=charts.GREY,
                    linewidth=0.8,
                    zorder=0,
                )
        return charts._save(fig, fmt)

    def picture() -> tuple[Any, ...]:
        return ("organisation", str(root), tuple((str(name), tuple(str(s) for s in subs)) for name, subs in divisions))

    return charts._kept(picture, draw)


def _text(value: object, bold: bool = False) -> Cell:
    return Cell("" if value is None else str(value), bold=bold)


class EvaluatorSections:
    """Adds the pieces above to a LakipBuilder's sections (in place)."""

    def __init__(self, builder: Builder):
        self.b = builder
        self.d = builder.d
        self.year = builder.d.year
        self.language = builder.language

    def extend(self, sections: list[Section]) -> None:
        self.notice(sections)
        chapter_one = _find(sections, "chapter-1")
        if chapter_one is not None:
            chapter_one.children.append(self.legal_basis())
        chapter_two = _find(sections, "chapter-2")
        if chapter_two is not None:
            chapter_two.children.insert(0, self.vision_mission())
            chapter_two.children.append(self.manual_iku())
        chapter_three = _find(sections, "chapter-3")
        if chapter_three is not None:
            chapter_three.children.append(self.indicator_history())
            chapter_three.children.append(self.causes())
        activities = _find(sections, "activities")
        if activities is not None:
            activities.add(*self.agreements_signed())
        for key, doc in (("appendix-2", self.d.rkt), ("appendix-3", self.d.pk)):
            section = _find(sections, key)
            if section is not None and doc is not None:
                section.add(*self.signatures(doc, key))

    # --- the data notice ------------------------------------------------------------------------------------

    def notice(self, sections: list[Section]) -> None:
        lines: list[Paragraph] = []
        unapproved = unapproved_quarters(self.year)
        if unapproved:
            lines.append(
                Paragraph(
                    [
                        Styled(_("Quarters not yet approved: "), bold=True),
                        _(
                            "this report uses the realisation of %(list)s. Their figures may still change when "
                            "these quarters are verified and approved."
                        )
                        % {"list": describe_unapproved(unapproved, self.year)},
                    ]
                )
            )
        ill = illustrative_parts(self.year)
        marked: set[str] = set()
        parts: list[str] = []
        if ill.staff:
            marked |= {"staff", "staff-chart"}
            parts.append(_("the staff profile (chapter I)"))
        if ill.quarters:
            marked |= {"table-9", "physical-chart", "financial-chart", "causes"}
            parts.append(_("the spread of plan and realisation over the quarters and the quarterly obstacles"))
        if ill.bands:
            marked |= {"table-4"}
            parts.append(_("the achievement categories"))
        if ill.units:
            parts.append(_("the responsible unit of each sub-activity"))
        if ill.action_plans:
            marked |= {"action-plans", "action-plans-quarters"}
            parts.append(_("the units' targets and action plans"))
        for block in _blocks(sections, marked):
            _mark(block)
        self.illustrative_keys = marked
        if parts:
            lines.append(
                Paragraph(
                    [
                        Styled(_("Illustrative details: "), bold=True),
                        _(
                            "%(parts)s are not taken from an official source; tables and figures built on them are "
                            "marked %(mark)s."
                        )
                        % {"parts": "; ".join(parts), "mark": mark_text()},
                    ]
                )
            )
        if self.language != "id" and self.b.texts:
            lines.append(
                Paragraph(
                    [
                        Styled(_("Language: "), bold=True),
                        _(
                            "the narrative sections of this report exist only in Indonesian and are reproduced as "
                            "written; headings, tables and figures are in English. Achievement categories (Baik, "
                            "Cukup …), grades and the names of units, plans and indicators are the bureau's own "
                            "Indonesian terms."
                        ),
                    ]
                )
            )
        if lines:
            s = Section("data-notice", _("About the data of this report"), numbered_title=False)
            s.add(*lines)
            at = next((i for i, x in enumerate(sections) if x.key == "summary"), 0)
            sections.insert(at + 1 if sections and sections[at].key == "summary" else 0, s)

    # --- chapter I: legal basis and organisation ------------------------------------------------------------

    def legal_basis(self) -> Section:
        s = Section("legal-basis", _("1.5 Legal basis and organisation structure"))
        basis: list[str] = [REPORTING_RULE]
        plan = self.d.plan
        if plan is not None and plan.decree:
            basis.append(_("Strategic plan %(name)s: %(decree)s") % {"name": plan.name, "decree": plan.decree})
        for doc in (self.d.pk, self.d.rkt):
            if doc is None:
                continue
            signed = (
                _(", signed on %(date)s") % {"date": formatting.date(doc.signed_on, self.language)}
                if doc.signed_on
                else ""
            )
            parties = ", ".join(filter(None, [doc.first_party_position, doc.second_party_position]))
            basis.append(f"{doc.get_kind_display()} {self.year} ({parties}){signed}")
        if basis:
            s.add(Paragraph([Styled(_("Legal basis"), bold=True)], "subheading"))
            s.add(*[Paragraph([line], "bullet") for line in basis])
        bureau = OrganisationUnit.objects.filter(code=settings.MITRA_TRAVEL_BUREAU).first()
        rows: list[list[Cell]] = []

        def visit(node: core_selectors.UnitNode, depth: int) -> None:
            u = node.unit
            name = u.name_en if self.language == "en" and u.name_en else u.name
            rows.append([_text(("— " * depth) + name, bold=depth == 0), _text(u.get_kind_display())])
            for child in node.children:
                visit(child, depth + 1)

        def find(nodes: list[core_selectors.UnitNode]) -> core_selectors.UnitNode | None:
            for n in nodes:
                if bureau is not None and n.unit.pk == bureau.pk:
                    return n
                hit = find(n.children)
                if hit:
                    return hit
            return None

        root = find(core_selectors.unit_tree())
        if root is not None:
            visit(root, 0)

            def label(u: OrganisationUnit) -> str:
                return u.name_en if self.language == "en" and u.name_en else u.name

            tree = (label(root.unit), [(label(c.unit), [label(g.unit) for g in c.children]) for c in root.children])
            s.add(Chart("organisation-chart", _("Organisation chart of the bureau"), organisation_chart(tree), 16))
            s.add(
                self.b.table(
                    "organisation",
                    _("Organisation structure of the bureau"),
                    [_("Unit"), _("Kind")],
                    rows,
                    [5, 2],
                    numbered=False,
                )
            )
        return s

    # --- chapter II: vision, missions, goals; Manual IKU -------------------------------------------------------

    def vision_mission(self) -> Section:
        s = Section("vision-mission", _("Vision, missions and strategic goals"))
        plan = self.d.plan
        if plan is None:
            s.add(Paragraph([_("No strategic plan covers this year.")]))
            return s
        goals = [g.text for g in plan.goals.all()]
        targets = [t.text for t in plan.strategic_targets.all()]
        rows = [
            [_text(_("Vision"), bold=True), _text(plan.vision)],
            [
                _text(_("Missions"), bold=True),
                _text("\n".join(f"{i}. {m}" for i, m in enumerate(plan.mission_list, 1))),
            ],
            [_text(_("Goals"), bold=True), _text("\n".join(f"{i}. {g}" for i, g in enumerate(goals, 1)))],
            [_text(_("Strategic targets"), bold=True), _text("\n".join(f"{i}. {t}" for i, t in enumerate(targets, 1)))],
        ]
        s.add(
            self.b.table(
                "vision-mission",
                _("Vision, missions, goals and strategic targets (%(name)s)") % {"name": plan.name},
                [_("Element"), _("Content")],
                rows,
                [1.5, 6],
                numbered=False,
            )
        )
        return s

    def manual_iku(self) -> Section:
        s = Section("manual-iku", _("Operational definition of the key indicators (Manual IKU)"))
        key = [r.indicator for r in self.d.measurement.indicators if r.indicator.is_key]
        if not key:
            s.add(Paragraph([_("No key indicator has a target this year.")]))
        missing = _("not recorded")
        for ind in key:
            rows = [
                [_text(_("Indicator"), bold=True), _text(ind.name)],
                [_text(_("Operational definition"), bold=True), _text(ind.definition or missing)],
                [_text(_("Formula"), bold=True), _text(ind.formula or missing)],
                [_text(_("Unit of measure"), bold=True), _text(ind.unit_of_measure)],
                [_text(_("Data source"), bold=True), _text(ind.data_source or missing)],
                [_text(_("Measurement frequency"), bold=True), _text(ind.frequency or missing)],
            ]
            s.add(
                self.b.table(
                    f"manual-iku-{ind.code}",
                    _("Manual IKU: %(name)s") % {"name": ind.name},
                    [_("Element"), _("Content")],
                    rows,
                    [2, 6],
                    numbered=False,
                )
            )
        return s

    # --- chapter III: indicators over the years; causes ------------------------------------------------------

    def indicator_history(self) -> Section:
        s = Section("indicator-history", _("Indicators against earlier years and the medium-term target"))
        plan = self.d.plan
        if plan is None:
            return s
        years = [y for y in plan.years if y <= self.year]
        end = plan.end_year
        f = self.b.f
        rows: list[list[Cell]] = []
        charts_: list[Chart] = []
        for r in self.d.measurement.indicators:
            code = _slug(r.indicator.code)

            def fig(name: str) -> Cell:
                found = f.get(name)
                return Cell(found, found.kind) if found else Cell(None)

            rows.append(
                [_text(r.indicator.name, bold=True), _text(_("Target"))]
                + [fig(_target_name(code, y, self.year)) for y in years]
                + [fig(_target_name(code, end, self.year)), _text("")]
            )
            rows.append(
                [_text(""), _text(_("Realisation"))]
                + [fig(_realised_name(code, y, self.year)) for y in years]
                + [_text(""), fig(f"indicator.{code}.of_final_target_pct")]
            )
            if r.indicator.is_key:
                planned = [_value(f, _target_name(code, y, self.year)) for y in years]
                realised = [_value(f, _realised_name(code, y, self.year)) for y in years]
                labels = {
                    "target": _("Target"),
                    "realised": _("Realisation"),
                    "final": _("Target %(end)s") % {"end": end},
                    "fmt": lambda v: formatting.number(v, 0 if v == v.to_integral_value() else 2, self.language),
                }
                charts_.append(
                    Chart(
                        f"indicator-history-chart-{code}",
                        _("%(name)s: realisation by year against the target for %(end)s")
                        % {"name": r.indicator.name, "end": end},
                        indicator_years_chart(
                            [str(y) for y in years],
                            planned,
                            realised,
                            _value(f, _target_name(code, end, self.year)),
                            labels,
                        ),
                        14,
                    )
                )
        s.add(
            Paragraph(
                [
                    _(
                        "Each indicator's realisation in the years of the strategic plan so far, against its yearly "
                        "target and the plan's target for %(end)s. Years whose records Mitra does not hold are "
                        "shown as –."
                    )
                    % {"end": end}
                ]
            )
        )
        s.add(
            self.b.table(
                "indicator-history",
                _("Indicators %(first)s–%(year)s against the target for %(end)s")
                % {"first": years[0] if years else self.year, "year": self.year, "end": end},
                [
                    _("Indicator"),
                    _("Figure"),  # Target or Realisation (a header a screen reader can announce)
                    *[str(y) for y in years],
                    _("Target %(end)s") % {"end": end},
                    _("Of the %(end)s target") % {"end": end},
                ],
                rows,
                [3.5, 1.3, *[1] * len(years), 1.2, 1.3],
                numbered=False,
            )
        )
        s.add(*charts_)
        return s

    def causes(self) -> Section:
        s = Section("causes", _("Causes of indicators below target"))
        below = [
            r
            for r in self.d.measurement.indicators
            if r.achievement_pct is not None and r.achievement_pct < Decimal(100)
        ]
        if not below:
            s.add(Paragraph([_("Every indicator reached its target; no cause to analyse.")]))
            return s
        subs = (
            SubActivity.objects.filter(year=self.year, indicator__in=[r.indicator for r in below])
            .select_related("owner_unit")
            .prefetch_related("quarters")
            .order_by("number")
        )
        by_indicator: dict[int, list[SubActivity]] = {}
        for sub in subs:
            by_indicator.setdefault(sub.indicator_id or 0, []).append(sub)
        rows: list[list[Cell]] = []
        for r in below:
            first = True
            entries = [
                (sub, q)
                for sub in by_indicator.get(r.indicator.pk, [])
                for q in sorted(sub.quarters.all(), key=lambda q: q.quarter)
                if q.obstacles.strip() or q.follow_up.strip()
            ]
            pct = formatting.percent(r.achievement_pct, 2, self.language)
            head = f"{r.indicator.name} ({pct})"
            if not entries:
                rows.append(
                    [
                        _text(head, bold=True),
                        _text(_("No obstacle was recorded in the quarterly reports.")),
                        _text(""),
                        _text(""),
                    ]
                )
                continue
            for sub, q in entries:
                unit = sub.owner_unit.short_name or sub.owner_unit.name
                rows.append(
                    [
                        _text(head if first else "", bold=first),
                        _text(
                            _("Sub-activity %(sub)s, quarter %(q)s: %(text)s")
                            % {"sub": sub.number, "q": q.quarter, "text": q.obstacles.strip() or "–"}
                        ),
                        _text(q.follow_up.strip() or "–"),
                        _text(unit),
                    ]
                )
                first = False
        s.add(
            Paragraph(
                [
                    _(
                        "For each indicator below its target: the obstacles and follow-ups that the units recorded in "
                        "their quarterly reports for the sub-activities serving it, and the unit responsible."
                    )
                ]
            )
        )
        table = self.b.table(
            "causes",
            _("Causes, solutions and owners of indicators below target"),
            [_("Indicator (achievement)"), _("Cause (sub-activity, quarter)"), _("Solution"), _("Owner")],
            rows,
            [2.5, 4, 3.5, 1.5],
            numbered=False,
        )
        if "causes" in getattr(self, "illustrative_keys", set()):
            _mark(table)
        s.add(table)
        return s

    # --- supporting activities: agreements signed in the year --------------------------------------------------

    def agreements_signed(self) -> list[Table | Paragraph]:
        signed = list(coop.agreements().filter(date_signed__year=self.year).order_by("date_signed", "title"))
        if not signed:
            return [Paragraph([_("No agreement was signed in %(year)s.") % {"year": self.year}])]
        rows = [
            [
                Cell(i, NUMBER),
                _text(a.title_en if self.language == "en" and a.title_en else a.title),
                _text(a.get_kind_display()),
                _text(a.counterpart or ""),
                _text(formatting.date(a.date_signed, self.language) if a.date_signed else ""),
                _text(a.place_signed),
            ]
            for i, a in enumerate(signed, 1)
        ]
        table = self.b.table(
            "agreements-signed",
            _("Agreements signed in %(year)s") % {"year": self.year},
            ["No", _("Agreement"), _("Type"), _("Counterpart"), _("Signed on"), _("Place")],
            rows,
            [0.6, 5, 1.5, 2.5, 1.5, 1.5],
            numbered=False,
        )
        if any(a.is_illustrative for a in signed):
            _mark(table)
        return [
            Paragraph(
                [
                    _("Agreements signed in %(year)s: ") % {"year": self.year},
                    self.b.f["agreements.signed"],
                    ".",
                ]
            ),
            table,
        ]

    # --- appendix 3: the PK's signature blocks ---------------------------------------------------------------

    def signatures(self, doc: Any, key: str) -> list[Table | Paragraph]:
        """The document's signature block: the second party (the superior) on the left when there is one, the
        first party (the head of the unit) on the right under the place and date of signing."""
        place = "Jakarta"
        when = formatting.date(doc.signed_on, self.language) if doc.signed_on else str(self.year)
        space = "\n\n\n\n"
        header: list[str] = []
        cells: list[Cell] = []
        if doc.second_party_name:
            header.append(_("Second party"))
            cells.append(_text(f"\n{doc.second_party_position}{space}{doc.second_party_name}"))
        header.append(_("First party"))
        cells.append(_text(f"{place}, {when}\n{doc.first_party_position}{space}{doc.first_party_name}"))
        caption = (
            _("Signatures of the performance agreement")
            if key == "appendix-3"
            else _("Signature of the annual performance plan")
        )
        return [self.b.table(f"{key}-signatures", caption, header, [cells], [1] * len(cells), numbered=False)]
