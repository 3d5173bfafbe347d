"""Issue 18, items 3 and 4 in the reports: the LAKIP (chapter III) and the quarterly monitoring report show the units'
action plans — per indicator and unit the quarterly targets, the planned actions, the realisation and whether the
unit is behind its plan, naming it — every number a named figure the one-value check covers.

Edge cases on factories (a unit with no action plan, a quarter not reported, a unit behind plan); the demo only for
the golden check of the 2017 LAKIP."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from mitra.core.models import OrganisationUnit
from mitra.core.tests.factories import SubdivisionFactory, UnitFactory
from mitra.performance import services
from mitra.performance.models import Activity, Indicator, Output, Program, SubActivity, UnitIndicator
from mitra.performance.tests.factories import (
    IndicatorFactory,
    IndicatorTargetFactory,
    UnitIndicatorFactory,
    UnitIndicatorTargetFactory,
    action_plan_year,
)
from mitra.reports import action_plans, consistency, generate
from mitra.reports.figures import year_data
from mitra.reports.lakip import LakipBuilder, build_lakip, narratives
from mitra.reports.model import Fig, Paragraph, Report, Section, Table, plain
from mitra.reports.monitoring import build_monitoring

pytestmark = pytest.mark.django_db

BEHIND_ID = "tertinggal dari rencana (ada triwulan yang belum dilaporkan)"


class Tree:
    """A bureau indicator cascaded to three divisions: one on plan (quarters III and IV not reported), one behind
    plan by quarter II, one with a target but no action plan."""

    def __init__(self) -> None:
        self.indicator: Indicator = IndicatorFactory.create()
        self.year = self.indicator.plan.start_year
        IndicatorTargetFactory.create(indicator=self.indicator, year=self.year, target=Decimal(20))
        self.on_plan = self._unit_indicator("Bagian Tepat")
        self.behind = self._unit_indicator("Bagian Lambat")
        self.no_plan = self._unit_indicator("Bagian Kosong")
        for ui, target in ((self.on_plan, 12), (self.behind, 8), (self.no_plan, 4)):
            UnitIndicatorTargetFactory.create(unit_indicator=ui, year=self.year, target=Decimal(target))
        action_plan_year(self.on_plan, [3, 3, 3, 3])
        action_plan_year(self.behind, [2, 2, 2, 2])
        self._realise(self.on_plan, [3, 4], "Rapat selesai")
        self._realise(self.behind, [2, 0], "Mitra menunda pertemuan")

    def _unit_indicator(self, short_name: str) -> UnitIndicator:
        unit = UnitFactory.create(short_name=short_name)
        return UnitIndicatorFactory.create(indicator=self.indicator, unit=unit)

    @staticmethod
    def _realise(ui: UnitIndicator, amounts: list[int], note: str) -> None:
        for plan, amount in zip(ui.action_plans.order_by("quarter"), amounts, strict=False):
            services.action_plan_realise(
                actor=None, action_plan=plan, realised=Decimal(amount), realisation_note=note, system=True
            )

    def prefix(self, ui: UnitIndicator) -> str:
        return f"action.{ui.unit.code.replace('-', '_')}.{ui.code.replace('-', '_')}"

    @property
    def units(self) -> list[OrganisationUnit]:
        return [self.on_plan.unit, self.behind.unit, self.no_plan.unit]


@pytest.fixture
def tree() -> Tree:
    return Tree()


def _section(report: Report, key: str = action_plans.KEY) -> Section:
    return next(s for _level, s in report.walk() if s.key == key)


def _table(section: Section, key: str) -> Table:
    return next(b for b in section.blocks if isinstance(b, Table) and b.key == key)


def _texts(section: Section, language: str) -> list[str]:
    return [plain(b.runs, language) for b in section.blocks if isinstance(b, Paragraph)]


def _rows(table: Table, language: str) -> list[list[str]]:
    return [[c.text(language) for c in row] for row in table.rows]


# --- the figures -------------------------------------------------------------------------------------------------


def test_figures_per_unit_and_quarter_count_only_quarters_reported(tree: Tree) -> None:
    figs = year_data(tree.year).figures
    on, behind, none = tree.prefix(tree.on_plan), tree.prefix(tree.behind), tree.prefix(tree.no_plan)
    assert figs[f"{on}.target"].value == Decimal(12)
    assert [figs[f"{on}.q{q}.target"].value for q in (1, 2, 3, 4)] == [3, 3, 3, 3]
    assert figs[f"{on}.q2.realised"].value == Decimal(4)
    assert f"{on}.q3.realised" not in figs  # quarter III is not reported: no realisation figure
    # Planned and realised over the quarters reported (I and II), not the year's plan.
    assert (figs[f"{on}.planned_cum"].value, figs[f"{on}.realised_cum"].value) == (6, 7)
    assert (figs[f"{behind}.planned_cum"].value, figs[f"{behind}.realised_cum"].value) == (4, 2)
    # The unit with no action plan has its year target and nothing else.
    assert figs[f"{none}.target"].value == Decimal(4)
    assert not [n for n in figs if n.startswith(f"{none}.") and n != f"{none}.target"]
    # Counted in the LAKIP's figures of the factory year: the three units, one behind.
    assert figs["action_plans.units"].value == 3
    assert figs["action_plans.units_behind"].value == 1


# --- the LAKIP ---------------------------------------------------------------------------------------------------


def test_lakip_chapter_three_names_the_unit_behind_plan_and_shows_every_quarter(tree: Tree) -> None:
    report = build_lakip(tree.year, "en")
    chapter = _section(report, "chapter-3")
    keys = [c.key for c in chapter.children]
    assert keys.index(action_plans.KEY) == keys.index("analysis") + 1  # part A, after the key indicator
    s = _section(report)
    text = " ".join(_texts(s, "en"))
    assert "Units behind their action plan (1 of 3 units" in text
    assert "Bagian Lambat" in text and "2 realised of 4 planned" in text
    assert "Bagian Tepat" not in text and "Bagian Kosong" not in text  # only the unit behind is named

    summary = _rows(_table(s, action_plans.KEY), "en")
    by_unit = {row[0]: row for row in summary}
    assert by_unit["Bureau indicator"][1] == tree.indicator.name
    assert by_unit["Bagian Lambat"][2:] == ["8", "4", "2", "behind plan (quarters not yet reported)"]
    assert by_unit["Bagian Tepat"][2:] == ["12", "6", "7", "on plan (quarters not yet reported)"]
    assert by_unit["Bagian Kosong"][2:] == ["4", "", "", "no action plan"]

    detail = _rows(_table(s, action_plans.QUARTERS_KEY), "en")
    assert ["Bagian Kosong", tree.no_plan.name, "", "", "no action plan", "", ""] in detail
    on_plan = detail[: next(i for i, r in enumerate(detail) if r[0] == "Bagian Lambat")]
    assert [r[2] for r in on_plan] == ["Q1", "Q2", "Q3", "Q4"]  # the year: all four quarters
    assert [r[5] for r in on_plan] == ["3", "4", "not reported", "not reported"]
    assert on_plan[0][4] == "• Rapat koordinasi\n• Penyusunan draf" and on_plan[0][6] == "Rapat selesai"


def test_lakip_passes_the_one_value_check_in_both_languages(tree: Tree) -> None:
    data = year_data(tree.year)
    texts = narratives(tree.year)
    editions = []
    for language in ("id", "en"):
        with translation.override(language):
            report = LakipBuilder(data, texts, language).build()
        assert consistency.one_value(report, data.quantities) == []
        editions.append(report)
    assert consistency.across_editions(editions, data.quantities) == []
    shown = {fig.name for _where, fig in editions[0].used_figures()}
    behind = tree.prefix(tree.behind)
    assert {f"{behind}.q2.realised", f"{behind}.realised_cum", "action_plans.units_behind"} <= shown
    # Every figure the section prints is one of the year's named figures (what an issued LAKIP freezes).
    section_names = {fig.name for where, fig in editions[0].used_figures() if where.startswith(action_plans.KEY)}
    assert section_names and section_names <= set(data.figures)


def test_the_check_catches_a_second_value_for_an_action_plan_figure(tree: Tree) -> None:
    """The section prints its numbers as named figures: the unit's realisation printed with another value in the
    table than in the sentence naming the unit is an error of the one-value check."""
    data = year_data(tree.year)
    report = LakipBuilder(data, {}, "en").build()
    name = f"{tree.prefix(tree.behind)}.realised_cum"
    summary = _table(_section(report), action_plans.KEY)
    cell = next(c for row in summary.rows for c in row if isinstance(c.value, Fig) and c.value.name == name)
    cell.value = Fig(name, Decimal(3))
    findings = consistency.one_value(report, data.quantities)
    assert [f.where for f in findings] == [name], findings
    assert "2 (action-plans)" in findings[0].message and "3 (action-plans/action-plans)" in findings[0].message


def test_illustrative_action_plans_are_named_in_the_data_notice(tree: Tree) -> None:
    plan = tree.behind.action_plans.get(quarter=1)
    services.action_plan_set(
        actor=None,
        system=True,
        unit_indicator=tree.behind,
        year=tree.year,
        quarter=1,
        target=plan.target,
        actions=plan.actions,
        is_illustrative=True,
    )
    report = build_lakip(tree.year, "en")
    notice = " ".join(_texts(_section(report, "data-notice"), "en"))
    assert "the units' targets and action plans" in notice
    assert _table(_section(report), action_plans.KEY).caption.endswith("[illustrative]")


def test_lakip_without_a_cascade_says_so(db: None) -> None:
    indicator = IndicatorFactory.create()
    report = build_lakip(indicator.plan.start_year, "en")
    s = _section(report)
    assert _texts(s, "en")[-1] == "No indicator is cascaded to the units for this year yet."
    assert not [b for b in s.blocks if isinstance(b, Table)]


# --- the monitoring report ---------------------------------------------------------------------------------------


def test_monitoring_shows_the_quarters_reported_up_to_its_quarter(tree: Tree) -> None:
    first = _section(build_monitoring(tree.year, 1, None, "en"))
    assert "Every unit is on its action plan." in _texts(first, "en")
    detail = _rows(_table(first, action_plans.QUARTERS_KEY), "en")
    assert {r[2] for r in detail} == {"Q1", ""}  # quarter I only
    second = build_monitoring(tree.year, 2, None, "en")
    s = _section(second)
    assert any("Bagian Lambat" in t and "2 realised of 4 planned" in t for t in _texts(s, "en"))
    assert second.figures["action_plans.units_behind"].value == 1
    assert f"{tree.prefix(tree.behind)}.q3.target" not in second.figures
    assert consistency.one_value(second, {}) == []
    editions = [build_monitoring(tree.year, 2, None, language) for language in ("id", "en")]
    assert consistency.across_editions(editions, {}) == []


def test_a_units_monitoring_report_shows_that_unit_and_the_units_beneath_it(tree: Tree) -> None:
    sub_unit = SubdivisionFactory.create(parent=tree.behind.unit, short_name="Subbag Lambat")
    child = UnitIndicatorFactory.create(parent=tree.behind, unit=sub_unit)
    action_plan_year(child, [1, 1, 1, 1])
    program = Program.objects.create(year=tree.year, code="P", name="Program uji")
    activity = Activity.objects.create(program=program, code="A", name="Kegiatan uji")
    output = Output.objects.create(activity=activity, code="001", name="Keluaran uji")
    SubActivity.objects.create(
        year=tree.year,
        output=output,
        number=1,
        name="Sub kegiatan uji",
        owner_unit=tree.behind.unit,
        ceiling=1_000_000,
        output_target=Decimal(4),
        output_unit="dokumen",
    )
    report = build_monitoring(tree.year, 2, tree.behind.unit.code, "en")
    s = _section(report)
    units = [row[0] for row in _rows(_table(s, action_plans.KEY), "en")]
    assert units == ["Bureau indicator", "Bagian Lambat", "– Subbag Lambat"]  # not the other divisions
    assert report.figures["action_plans.units"].value == 2
    assert any("Bagian Lambat" in t for t in _texts(s, "en"))
    assert consistency.one_value(report, {}) == []


def test_generated_files_carry_the_section(tree: Tree) -> None:
    """The LAKIP's new section, rendered to DOCX, PDF and XLSX and opened back (the report cut to chapter III, so
    the PDF is quick)."""
    full = build_lakip(tree.year, "id")
    report = replace(full, sections=[_section(full, "chapter-3")])
    caption = "Target triwulanan, aksi yang direncanakan dan realisasi sampai triwulan 4"

    doc = Document(io.BytesIO(generate.render(report, "docx")))
    assert "Rencana Aksi Unit Kerja" in [p.text for p in doc.paragraphs]
    rows = [[c.text.replace("\xa0", " ") for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["Bagian Lambat", tree.behind.name, "8", "4", "2", BEHIND_ID] in rows
    assert ["", "", "TW 3", "3", "• Rapat koordinasi\n• Penyusunan draf", "belum dilaporkan", ""] in rows

    reader = PdfReader(io.BytesIO(generate.render(report, "pdf")))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages).replace("\xa0", " ")
    assert "Rencana Aksi Unit Kerja" in text and caption in text
    assert "Bagian Lambat — " in text and "realisasi 2 dari rencana 4" in text
    assert "belum ada rencana aksi" in text

    wb = load_workbook(io.BytesIO(generate.render(report, "xlsx")))
    ws = wb[action_plans.KEY]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert ["Bagian Lambat", tree.behind.name, 8, 4, 2, BEHIND_ID] in values
    quarters = [[c.value for c in row] for row in wb[action_plans.QUARTERS_KEY].iter_rows(min_row=4)]
    assert wb[action_plans.QUARTERS_KEY]["A1"].value == caption
    assert ["", "", "TW 2", 2, "• Rapat koordinasi\n• Penyusunan draf", 0, "Mitra menunda pertemuan"] in [
        [v if v is not None else "" for v in row] for row in quarters
    ]
    figures = {row[0].value: row[2].value for row in wb["angka"].iter_rows(min_row=2)}
    assert figures[f"{tree.prefix(tree.behind)}.realised_cum"] == 2


# --- the demo (golden) -------------------------------------------------------------------------------------------


def test_demo_2017_lakip_names_the_multilateral_sub_division_and_passes_the_check(demo: None) -> None:
    data = year_data(2017)
    texts = narratives(2017)
    editions = []
    for language in ("id", "en"):
        with translation.override(language):
            report = LakipBuilder(data, texts, language).build()
        assert consistency.errors(consistency.check(report, data, texts)) == []
        editions.append(report)
    assert consistency.across_editions(editions, data.quantities) == []
    f = data.figures
    multilateral = "action.ksln_bm_multilateral.dok_multilateral"
    assert (f[f"{multilateral}.planned_cum"].value, f[f"{multilateral}.realised_cum"].value) == (5, 4)
    assert (f["action_plans.units"].value, f["action_plans.units_behind"].value) == (5, 1)
    text = " ".join(_texts(_section(editions[1]), "en"))
    assert "Subbag Multilateral — Jumlah dokumen kerjasama multilateral: 4 realised of 5 planned" in text
    assert len(_table(_section(editions[1]), action_plans.QUARTERS_KEY).rows) == 32  # 8 unit indicators × 4
