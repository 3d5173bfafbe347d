"""DOCX through python-docx: Word's own headings, tables, a table-of-contents field and page-number fields.

Word fills the TOC field when the document is opened (it asks to update fields); its headings are real
`Heading n` styles, so the navigation pane and a regenerated TOC work as in any hand-made report.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..model import Cell, Chart, Fig, Note, Paragraph, Report, Section, Styled, Table
from . import layout
from .emblem import emblem_raster

NUMERIC = {"money", "pct", "number", "ratio"}
MARGINS_CM = (2.5, 2.0, 2.2, 2.2)  # left, right, top, bottom: as print.css
PG_NUM_SUCCESSORS = (
    *("cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter"),
    *("docGrid", "printerSettings", "sectPrChange"),
)


def _page_numbers(section, fmt: str, start: int | None) -> None:  # type: ignore[no-untyped-def]
    """The section's page-number format (decimal, lowerRoman) and, when given, the number it starts at."""
    sect_pr = section._sectPr
    el = sect_pr.find(qn("w:pgNumType"))
    if el is None:
        el = OxmlElement("w:pgNumType")
        # Word wants the schema's order: pgNumType comes before these.
        after = [sect_pr.find(qn(f"w:{tag}")) for tag in PG_NUM_SUCCESSORS]
        successor = next((a for a in after if a is not None), None)
        if successor is not None:
            successor.addprevious(el)
        else:
            sect_pr.append(el)
    el.set(qn("w:fmt"), fmt)
    if start is None:
        el.attrib.pop(qn("w:start"), None)
    else:
        el.set(qn("w:start"), str(start))


def _orient(section, landscape: bool) -> None:  # type: ignore[no-untyped-def]
    long, short = Cm(29.7), Cm(21.0)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    left, right, top, bottom = MARGINS_CM
    section.left_margin, section.right_margin = Cm(left), Cm(right)
    section.top_margin, section.bottom_margin = Cm(top), Cm(bottom)


def _cant_split(row) -> None:  # type: ignore[no-untyped-def]
    """Word keeps the row on one page."""
    row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))  # before tblHeader, as the schema orders


def _keep_with_next(cells) -> None:  # type: ignore[no-untyped-def]
    """Word keeps a row on the page of the next one when its paragraphs keep with the next."""
    for c in cells:
        for para in c.paragraphs:
            para.paragraph_format.keep_with_next = True


def _field(paragraph, instruction: str, placeholder: str = "") -> None:  # type: ignore[no-untyped-def]
    """A complex field (TOC, PAGE …) that Word computes."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run._r.append(begin)
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(sep)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _shade(cell, color: str) -> None:  # type: ignore[no-untyped-def]
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), color)
    tc_pr.append(shd)


class DocxRenderer:
    def __init__(self, report: Report):
        self.r = report
        self.doc = Document()
        self.notes: list[str] = []
        self.front = layout.front_matter(report)
        self.landscape = False
        self.body_started = False

    def setup(self) -> None:
        section = self.doc.sections[0]
        _orient(section, False)
        section.different_first_page_header_footer = True  # the cover has no number
        _page_numbers(section, "lowerRoman", 1)  # front matter: i, ii, iii …
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(footer, "PAGE", "1")
        styles = self.doc.styles
        styles["Normal"].font.name = "Calibri"
        styles["Normal"].font.size = Pt(11)
        for name, size in (("Heading 1", 15), ("Heading 2", 12.5), ("Heading 3", 11.5)):
            styles[name].font.size = Pt(size)
            styles[name].font.color.rgb = RGBColor(0x1F, 0x5F, 0xA8)
        for name in ("Heading 1", "Heading 2", "Heading 3", "Heading 4", "Caption"):
            styles[name].paragraph_format.keep_with_next = True
        self.doc.core_properties.title = self.r.title
        self.doc.core_properties.author = "Mitra"
        self.doc.core_properties.language = self.r.language

    def new_section(self, landscape: bool, body_start: bool = False) -> None:
        """A section on a new page, in the orientation asked; the body's first restarts the numbers at 1."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        _orient(section, landscape)
        section.different_first_page_header_footer = False
        _page_numbers(section, "decimal", 1 if body_start else None)
        self.landscape = landscape

    def runs(self, paragraph, runs: list) -> None:  # type: ignore[no-untyped-def,type-arg]
        for run in runs:
            if isinstance(run, Fig):
                paragraph.add_run(layout.nbsp(run.text(self.r.language)))
            elif isinstance(run, Styled):
                r = paragraph.add_run(layout.nbsp(run.text))
                r.bold, r.italic = run.bold or None, run.italic or None
            elif isinstance(run, Note):
                self.notes.append(run.text)
                r = paragraph.add_run(str(len(self.notes)))
                r.font.superscript = True
            else:
                paragraph.add_run(layout.nbsp(str(run)))

    def paragraph(self, p: Paragraph) -> None:
        style = {"bullet": "List Bullet", "number": "List Number", "subheading": "Heading 4"}.get(p.style)
        para = self.doc.add_paragraph(style=style)
        self.runs(para, p.runs)
        if p.style == "signature":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif p.style == "body":
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    def cell_text(self, cell: Cell) -> str:
        return layout.nbsp(cell.text(self.r.language))

    def table(self, t: Table) -> None:
        fit = layout.table_layout(t, self.r.language, layout.DOCX)
        caption = self.doc.add_paragraph(style="Caption")
        caption.paragraph_format.keep_with_next = True  # the caption stays with the table's first rows
        caption.add_run(t.caption).bold = True
        table = self.doc.add_table(rows=1, cols=len(t.header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, h in enumerate(t.header):
            c = table.rows[0].cells[i]
            c.text = ""
            c.paragraphs[0].add_run(h).bold = True
            _shade(c, "DCE6F1")
        _repeat_header(table.rows[0])
        _cant_split(table.rows[0])
        _keep_with_next(table.rows[0].cells)
        keep = layout.keep_with_next(t, self.r.language)
        for row, keep_row in zip(t.rows, keep, strict=True):
            added = table.add_row()
            _cant_split(added)
            cells = added.cells
            for i, cell in enumerate(row[: len(t.header)]):
                para = cells[i].paragraphs[0]
                run = para.add_run(self.cell_text(cell))
                run.bold = cell.bold or None
                kind = cell.value.kind if isinstance(cell.value, Fig) else cell.kind
                if kind in NUMERIC:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if keep_row:
                _keep_with_next(cells)
        # Widths that leave every number whole (layout.py); a wide table's section is landscape (section()).
        table.autofit = False
        # The grid too: LibreOffice lays a table out by its grid columns, Word by its cells' widths.
        for grid_col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), fit.widths_cm, strict=False):
            grid_col.set(qn("w:w"), str(int(Cm(w).twips)))
        # Each row's cells once: python-docx finds a row's cells anew on every `row.cells` (issue 17).
        widths = [Cm(w) for w in fit.widths_cm]
        size = Pt(layout.DOCX.compact if fit.compact else layout.DOCX.size)
        for row in table.rows:
            cells = row.cells
            for c, w in zip(cells, widths, strict=False):
                c.width = w
            for c in cells:
                for para in c.paragraphs:
                    for run in para.runs:
                        run.font.size = size
        self.doc.add_paragraph()

    def chart(self, c: Chart) -> None:
        self.doc.add_picture(io.BytesIO(c.draw("png")), width=Cm(min(c.width_cm, 16)))
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the picture stays with its caption
        cap = self.doc.add_paragraph(c.caption, style="Caption")
        cap.paragraph_format.keep_with_next = False
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def section(self, s: Section, level: int) -> None:
        wide = layout.is_wide(s, self.r.language, layout.DOCX)
        if level == 1 and s.key not in self.front and not self.body_started:
            self.body_started = True  # the first chapter: a new section numbered 1, 2, 3 …
            self.new_section(wide, body_start=True)
        elif wide != self.landscape:  # a section break on a new page, in the other orientation
            self.new_section(wide)
        elif s.page_break:
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        heading = self.doc.add_heading(layout.nbsp(s.title), level=min(level, 9))
        heading.paragraph_format.keep_with_next = True
        for b in s.blocks:
            if isinstance(b, Paragraph):
                self.paragraph(b)
            elif isinstance(b, Table):
                self.table(b)
            elif isinstance(b, Chart):
                self.chart(b)
        for child in s.children:
            self.section(child, level + 1)
        if level == 1 and self.notes:
            self.doc.add_paragraph(_("Notes"), style="Heading 4")
            for i, text in enumerate(self.notes, 1):
                para = self.doc.add_paragraph()
                para.add_run(f"{i}. {text}").font.size = Pt(9)
            self.notes = []

    def cover(self) -> None:
        """Emblem, organisation, title, unit, place and date, centred on the first page."""
        emblem = emblem_raster()
        if emblem is not None:
            self.doc.add_paragraph().paragraph_format.space_before = Cm(3)
            self.doc.add_picture(str(emblem), width=Cm(4.2))
            self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cover = self.doc.add_paragraph()
        cover.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cover.add_run(self.r.organisation + "\n\n").font.size = Pt(14)
        self.doc.add_paragraph(self.r.title, style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
        sub = self.doc.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        sub.add_run(self.r.subtitle).font.size = Pt(14)
        where = ", ".join(p for p in (self.r.place, self.r.date) if p)
        if where:
            para = self.doc.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.paragraph_format.space_before = Cm(4)
            para.add_run(where).font.size = Pt(13)
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def render(self) -> bytes:
        self.setup()
        self.cover()
        self.doc.add_paragraph(self.r.toc_title or _("Contents"), style="TOC Heading")
        _field(self.doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', _("Right-click and choose Update Field."))
        for s in self.r.sections:
            self.section(s, 1)
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def render_docx(report: Report) -> bytes:
    return DocxRenderer(report).render()
