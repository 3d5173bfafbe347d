"""Print layout of the reports: nothing beyond the page's right edge, captions and group headings with their rows,
a cover with the emblem, roman front matter, numbers bound to their units; the same in DOCX; the monitoring
report's bureau total and numeric order.

The PDF checks read WeasyPrint's own laid-out pages (the boxes and their positions it draws into the PDF)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from mitra.performance import selectors as perf
from mitra.reports import generate
from mitra.reports.lakip import build_lakip
from mitra.reports.model import MONEY, NUMBER, PCT, Cell, Fig, Paragraph, Report, Section, Table
from mitra.reports.monitoring import build_monitoring
from mitra.reports.renderers import layout
from mitra.reports.renderers.html import render_document
from mitra.reports.renderers.pdf import PRINT_CSS

CM = 96 / 2.54  # WeasyPrint lays out in CSS pixels: 96 a inch
RIGHT_MARGIN = 2 * CM  # print.css


def _walk(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", []):
        yield from _walk(child)


def _pages(report: Report) -> list[Any]:
    html = render_document(report, PRINT_CSS, footnotes_inline=True, paged=True)
    return [p._page_box for p in HTML(string=html).render().pages]


def _cls(box: Any) -> str:
    element = getattr(box, "element", None)
    return (element.get("class") or "") if element is not None else ""


def _footer(page: Any) -> str:
    return "".join(
        b.text
        for m in _walk(page)
        if isinstance(m, boxes.MarginBox) and m.at_keyword == "@bottom-center"
        for b in _walk(m)
        if isinstance(b, boxes.TextBox)
    ).strip()


def _text(page: Any) -> str:
    return " ".join(b.text for b in _walk(page) if isinstance(b, boxes.TextBox))


def _check_pages(pages: list[Any]) -> dict[str, list[int]]:
    """Assert the layout rules on laid-out pages; return, per table, the pages it is on."""
    on_pages: dict[str, list[int]] = {}
    for n, page in enumerate(pages, 1):
        edge = page.margin_width() - RIGHT_MARGIN + 1
        for b in _walk(page):
            if isinstance(b, boxes.TextBox) and b.text.strip():
                assert b.position_x + b.width <= edge, f"page {n}: {b.text!r} runs off the right edge"
        for table in (b for b in _walk(page) if isinstance(b, boxes.TableBox)):
            key = table.element.get("id") if table.element is not None else None
            if not key:
                continue
            groups = [g for g in table.children if isinstance(g, boxes.TableRowGroupBox)]
            head = [r for g in groups if g.is_header for r in g.children]
            body = [r for g in groups if not g.is_header for r in g.children]
            # The caption (a row of the head) is on every page of the table, never without a row of its body.
            assert any("caption-row" in _cls(r) for r in head), f"page {n}: table {key} without its caption"
            assert body, f"page {n}: the caption of table {key} is alone at the foot of the page"
            rows = table.element.find("tbody").findall("tr")
            last = body[-1].element
            if last is not rows[-1]:
                assert "keep" not in (last.get("class") or ""), (
                    f"page {n}: table {key} leaves a group heading or a row with its continuation at the page foot"
                )
            on_pages.setdefault(key, []).append(n)
    return on_pages


# --- without the database ------------------------------------------------------------------------------------


def _money_table(columns: int) -> Table:
    """Like Table 1: a target, an indicator and a funding amount for each year."""
    fig = Fig("x", 9_600_000_000, MONEY)
    return Table(
        "t",
        "Tabel",
        ["Sasaran strategis", "Indikator kinerja", *[str(2015 + i) for i in range(columns)]],
        [
            [Cell("Meningkatnya koordinasi"), Cell("Jumlah pengembangan kerjasama internasional")]
            + [Cell(fig) for _ in range(columns)],
            [Cell("Kerangka pendanaan (Rp)", bold=True), Cell("")] + [Cell(fig, bold=True) for _ in range(columns)],
        ],
        [3, 3, *[1.4] * columns],
    )


def test_a_table_too_wide_for_portrait_goes_landscape_and_numbers_keep_their_width() -> None:
    narrow = layout.table_layout(_money_table(2), "id")
    assert not narrow.landscape and not narrow.compact
    wide = layout.table_layout(_money_table(5), "id")  # Table 1: five years of "Rp 9.600.000.000"
    assert wide.landscape
    assert sum(wide.widths_cm) == pytest.approx(layout.LANDSCAPE_CM)
    need = layout.text_cm("Rp 9.600.000.000") + layout.PAD_CM
    assert all(w >= need - 1e-6 for w in wide.widths_cm[2:])


def test_a_table_that_fits_in_smaller_type_stays_portrait() -> None:
    pct = Fig("p", Decimal("100"), PCT)
    money = Fig("m", 2_236_030_000, MONEY)
    t = Table(
        "units",
        "Unit",
        ["Unit", "Pagu", "Realisasi anggaran", "Rencana fisik", "Fisik", "Rencana keuangan", "Keuangan", "Status", "X"],
        [[Cell("Bagian Regional"), Cell(money), Cell(money)] + [Cell(pct)] * 4 + [Cell("Disetujui (terkunci)")] * 2],
        [2.5, 2, 2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2],
    )
    fit = layout.table_layout(t, "id")
    assert fit.compact and not fit.landscape


def test_group_headings_and_continuation_rows_keep_with_the_next_row() -> None:
    def row(no: str, name: str, bold: bool = False) -> list[Cell]:
        return [Cell(no), Cell(name, bold=bold), Cell(Fig("f", 1, NUMBER))]

    t = Table(
        "a4",
        "Lampiran 4",
        ["No", "Kegiatan", "Target"],
        [row("", "997. Peralatan", bold=True), row("22", "Peralatan kantor"), row("", ""), row("23", "Lain")],
    )
    assert layout.keep_with_next(t, "id") == [True, True, False, False]


def test_no_page_ends_on_a_group_heading_or_half_a_sub_activity() -> None:
    """Pushed down line by line, the table's page break falls at every row; it never leaves a heading or a row
    whose continuation follows at a page foot, and the caption always has a row below it."""
    rows: list[list[Cell]] = []
    for g in range(12):
        money = Cell(Fig(f"g{g}", 1_000_000, MONEY), bold=True)
        rows.append([Cell(""), Cell(f"99{g}. Kelompok {g}", bold=True), Cell(""), money])
        number = Cell(g + 1, NUMBER)
        rows.append([number, Cell(f"Sub kegiatan {g + 1}"), Cell("Input: dana"), Cell(Fig("x", 5, NUMBER))])
        rows.append([Cell(""), Cell(""), Cell("Output (laporan): dokumen"), Cell(Fig("y", 2, NUMBER))])
    table = Table("groups", "Tabel uji", ["No", "Kegiatan", "Indikator", "Target"], rows, [0.6, 4, 3, 2])
    pages_with_table = 0
    for filler in range(0, 48, 2):
        section = Section("s", "Bab", numbered_title=True)
        section.add(*[Paragraph([f"Baris {i}."]) for i in range(filler)], table)
        report = Report("lakip", "Uji", "Biro", 2017, "id", "Badan", [section], {})
        pages = _pages(report)
        pages_with_table += len(_check_pages(pages)["groups"])
    assert pages_with_table > 24  # the table did run over pages


def test_docx_cells_get_their_column_width_and_the_table_type_size() -> None:
    """Every cell of every row has its column's width (layout.table_layout) and every run the table's type size,
    the compact size for a table that fits a portrait page only so."""
    from docx.shared import Pt

    from mitra.reports.renderers.docx import render_docx

    narrow = Table("narrow", "Tabel sempit", ["No", "Uraian", "Nilai"], [], [0.6, 4, 2])
    narrow.rows = [[Cell(i, NUMBER), Cell(f"Kegiatan {i}"), Cell(Fig(f"n{i}", 1_000_000 * i, MONEY))] for i in range(5)]
    money = [Cell(Fig(f"m{c}", 12_345_678_901, MONEY)) for c in range(5)]
    compact = Table("compact", "Tabel padat", ["Uraian", *[f"Kolom {c}" for c in range(5)]], [[Cell("Baris"), *money]])
    assert not layout.table_layout(narrow, "id", layout.DOCX).compact
    assert layout.table_layout(compact, "id", layout.DOCX).compact
    section = Section("s", "Bab", numbered_title=True).add(narrow, compact)
    doc = Document(io.BytesIO(render_docx(Report("lakip", "Uji", "Biro", 2017, "id", "Badan", [section], {}))))
    for table, model in zip(doc.tables, (narrow, compact), strict=True):
        fit = layout.table_layout(model, "id", layout.DOCX)
        size = Pt(layout.DOCX.compact if fit.compact else layout.DOCX.size)
        assert len(table.rows) == len(model.rows) + 1
        for row in table.rows:
            assert [c.width.cm for c in row.cells] == pytest.approx(fit.widths_cm, abs=0.01)  # stored in twips
            runs = [run for c in row.cells for para in c.paragraphs for run in para.runs]
            assert runs and all(run.font.size == size for run in runs)


def test_numbers_are_bound_to_their_units() -> None:
    text = layout.nbsp("sebesar 96,07 % dan Rp 4.917.801.000, Nomor HK. 04.01 Tahun 2010, 25 orang, No HK.04.2")
    assert "96,07\u00a0%" in text and "Rp\u00a04.917.801.000" in text and "HK.\u00a004.01" in text
    assert "HK.\u206004.2" in text  # no break inside a reference code
    assert "Tahun\u00a02010" in text and "25\u00a0orang" in text
    assert "sebesar 96" in text  # other spaces still break


# --- the 2017 demo -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lakip_pdf_layout(demo: None) -> None:
    report = build_lakip(2017)
    pages = _pages(report)
    on_pages = _check_pages(pages)
    # Table 1 and appendix 1 (five years of funding) are on landscape pages, the others on portrait ones.
    for key in ("table-1", "appendix-1"):
        page = pages[on_pages[key][0] - 1]
        assert page.margin_width() > page.margin_height(), key
    assert pages[on_pages["table-5"][0] - 1].margin_width() < pages[on_pages["table-5"][0] - 1].margin_height()
    # Appendix 4 runs over several pages and none leaves a heading or half a sub-activity at its foot.
    assert len(on_pages["appendix-4"]) > 1
    # Cover: the emblem, the title, place and date; no page number.
    cover = pages[0]
    assert any(isinstance(b, boxes.ReplacedBox) for b in _walk(cover))
    assert "Laporan Kinerja (LAKIP) 2017" in _text(cover) and "Jakarta, 2018" in _text(cover)
    assert _footer(cover) == ""
    # Front matter in roman numerals, the first chapter starts at 1.
    footers = [_footer(p) for p in pages]
    first_chapter = next(i for i, p in enumerate(pages) if "BAB I. Pendahuluan" in _text(p) and i > 1)
    assert footers[1:first_chapter] == ["ii", "iii", "iv"][: first_chapter - 1]
    assert footers[first_chapter] == "1" and footers[first_chapter + 1] == "2"
    # The table of contents gives the front matter's pages in roman numerals too.
    toc = _text(pages[1])
    assert re.search(r"Kata Pengantar[\s.]*iii\b", toc) and re.search(r"BAB I\. Pendahuluan[\s.]*1\b", toc)


def _lines(page: Any) -> Iterator[str]:
    """The text of each line the page's document flow lays out (not the words of a chart: an image)."""
    for line in _walk(page):
        if isinstance(line, boxes.LineBox):
            yield "".join(b.text for b in _walk(line) if isinstance(b, boxes.TextBox))


@pytest.mark.django_db
def test_lakip_pdf_numbers_never_part_from_their_units(demo: None) -> None:
    # The laid-out lines, not the PDF's text: the PDF's charts carry their words as text (charts.SVG_TEXT), and a
    # chart's "%" axis title after its "100" tick is no broken percentage.
    text = "\n".join(line for page in _pages(build_lakip(2017)) for line in _lines(page))
    assert "93,86\xa0%" in text  # the document's numbers are there, with their bound units
    assert not re.search(r"\d\s*\n\s*%", text), "a percentage broken from its % sign"
    assert not re.search(r"\bRp\s*\n", text), "Rp broken from its amount"
    assert not re.search(r"\bHK\.\s*\n", text)


@pytest.mark.django_db
def test_lakip_docx_layout(demo: None) -> None:
    doc = Document(io.BytesIO(generate.generate("lakip", 2017, "docx", use_cache=False).content))
    sections = doc.sections
    numbering = [s._sectPr.find(qn("w:pgNumType")) for s in sections]
    assert numbering[0] is not None and numbering[0].get(qn("w:fmt")) == "lowerRoman"
    assert numbering[1] is not None and numbering[1].get(qn("w:fmt")) == "decimal"
    assert numbering[1].get(qn("w:start")) == "1"
    assert all(n is not None and n.get(qn("w:start")) is None for n in numbering[2:])  # numbers run on
    assert sections[0].different_first_page_header_footer  # the cover has no number
    assert doc.inline_shapes, "the cover's emblem"
    # Which section each table's caption is in: a paragraph holding a sectPr closes its section.
    index, captions = 0, {}
    for p in doc.paragraphs:
        if p.style is not None and p.style.name == "Caption" and p._p.getnext().tag == qn("w:tbl"):
            assert p.paragraph_format.keep_with_next, p.text
            captions[p.text] = index
        if p._p.pPr is not None and p._p.pPr.find(qn("w:sectPr")) is not None:
            index += 1
    table_1 = next(i for text, i in captions.items() if text.startswith("Tabel 1."))
    table_5 = next(i for text, i in captions.items() if text.startswith("Tabel 5."))
    assert sections[table_1].orientation == 1
    assert (sections[table_1].page_width or 0) > (sections[table_1].page_height or 0)
    assert sections[table_5].orientation == 0
    appendix_1 = next(i for text, i in captions.items() if text.startswith("Target kinerja"))
    assert sections[appendix_1].orientation == 1
    # Rows never split; the appendix 4 group heading "997." keeps with its first row.
    for table in doc.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
    heading = next(
        row
        for t in doc.tables
        for row in t.rows
        if len(row.cells) > 1 and row.cells[1].text.startswith("997.") and not row.cells[0].text
    )
    assert heading.cells[1].paragraphs[0].paragraph_format.keep_with_next
    # Numbers keep their units in Word too.
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert any(re.fullmatch(r"Rp\u00a0[\d.]+", c) for c in cells)
    assert not any(re.search(r"\d %|Rp \d", c) for c in cells)


@pytest.mark.django_db
def test_monitoring_report_has_a_bureau_total_and_numeric_order(demo: None) -> None:
    report = build_monitoring(2017, 4, None)
    units = next(t for t in report.tables() if t.key == "units")
    total = units.rows[-1]
    assert total[0].value == "Jumlah biro" and all(c.bold for c in total[:7])
    mon = perf.monitoring(2017, 4)
    assert total[1].value.value == sum(u.ceiling for u in mon.units)
    assert total[2].value.value == sum(u.budget_cum for u in mon.units)
    assert total[6].value.value == mon.by_quarter[3]["financial"]
    assert report.figures["bureau.ceiling"].value == 5_239_601_000
    # Units in the order of their sub-activities' numbers, sub-activities by number.
    first_numbers = {u.unit.short_name or u.unit.name: min(p.sub.number for p in u.subs) for u in mon.units}
    shown = [r[0].value for r in units.rows[:-1]]
    assert [first_numbers[name] for name in shown] == sorted(first_numbers[name] for name in shown)
    for key in ("sub-activities", "behind", "obstacles"):
        table = next((t for t in report.tables() if t.key == key), None)
        if table is not None:
            numbers = [int(r[0].value) for r in table.rows]
            assert numbers == sorted(numbers), key
    assert len(next(t for t in report.tables() if t.key == "sub-activities").rows) == 22
    _check_pages(_pages(report))
    # One unit's report has no bureau total.
    code = mon.units[0].unit.code
    one = next(t for t in build_monitoring(2017, 4, code).tables() if t.key == "units")
    assert [r[0].value for r in one.rows] == [mon.units[0].unit.short_name or mon.units[0].unit.name]
