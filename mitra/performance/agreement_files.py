"""A unit head's performance agreement (PK) as a signable DOCX and PDF, in the official format (PermenPAN-RB
53/2014; the 2017 bureau PK, appendix 3 of its report): the statement with both parties, the pledge, the place and
date with the two signature blocks; then the appendix with the indicators and targets, the programme, activity and
budget, signed again. The text is Indonesian whatever the reader's language: it is the official document.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string

from mitra.core import formatting

from .models import UnitAgreement

TITLE = "PERJANJIAN KINERJA TAHUN {year}"
OPENING = (
    "Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan, dan akuntabel serta berorientasi "
    "pada hasil, kami yang bertanda tangan di bawah ini:"
)
FIRST_ROLE = "selanjutnya disebut pihak pertama"
SECOND_ROLE = "selaku atasan pihak pertama, selanjutnya disebut pihak kedua"
APPENDIX = "LAMPIRAN PERJANJIAN KINERJA TAHUN {year}"
FIRST_PARTY = "Pihak Pertama"
SECOND_PARTY = "Pihak Kedua"
HEADERS = ("No", "Sasaran / Indikator Kinerja Biro", "Indikator Kinerja", "Target")


@dataclass
class Line:
    number: int
    parent: str
    indicator: str
    target: str


@dataclass
class AgreementText:
    """Everything both formats print, in order, so the DOCX and the PDF cannot say different things."""

    title: str
    unit: str
    opening: str
    first_name: str
    first_position: str
    second_name: str
    second_position: str
    pledge: list[str]
    place_date: str
    appendix_title: str
    lines: list[Line]
    programme: str
    activity: str
    budget: str
    revision_note: str
    illustrative: bool


def _target(value: Decimal, label: str, unit_of_measure: str) -> str:
    return label or f"{formatting.number(value, 2 if value != value.to_integral() else 0, 'id')} {unit_of_measure}"


def agreement_text(agreement: UnitAgreement) -> AgreementText:
    when = formatting.date(agreement.signed_on, "id") if agreement.signed_on else str(agreement.year)
    lines = [
        Line(
            number=i,
            parent=line.unit_indicator.indicator.name,
            indicator=line.unit_indicator.name,
            target=_target(line.target, line.target_label, line.unit_indicator.unit_of_measure),
        )
        for i, line in enumerate(agreement.lines.all(), start=1)
    ]
    revision = ""
    if agreement.revision > 1:
        revision = f"Revisi ke-{agreement.revision - 1}; alasan: {agreement.amendment_reason}"
    return AgreementText(
        title=TITLE.format(year=agreement.year),
        unit=agreement.unit.name.upper(),
        opening=OPENING,
        first_name=agreement.first_party_name,
        first_position=agreement.first_party_position,
        second_name=agreement.second_party_name,
        second_position=agreement.second_party_position,
        pledge=[p.strip() for p in agreement.pledge.split("\n") if p.strip()],
        place_date=f"{agreement.place}, {when}",
        appendix_title=APPENDIX.format(year=agreement.year),
        lines=lines,
        programme=agreement.programme,
        activity=agreement.activity,
        budget=formatting.rupiah(agreement.budget, "id"),
        revision_note=revision,
        illustrative=agreement.is_illustrative,
    )


def file_name(agreement: UnitAgreement, extension: str) -> str:
    suffix = f"-rev{agreement.revision}" if agreement.revision > 1 else ""
    return f"pk-{agreement.unit.code}-{agreement.year}{suffix}.{extension}"


def render_docx(agreement: UnitAgreement) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    text = agreement_text(agreement)
    doc = Document()

    def centred(value: str, bold: bool = True) -> None:
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(value).bold = bold

    def party(name: str, position: str, role: str) -> None:
        table = doc.add_table(rows=2, cols=3)
        for row, (label, value) in enumerate((("Nama", name), ("Jabatan", position))):
            cells = table.rows[row].cells
            cells[0].text, cells[1].text, cells[2].text = label, ":", value
        doc.add_paragraph(role)

    def signatures() -> None:
        doc.add_paragraph(text.place_date).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        table = doc.add_table(rows=3, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = SECOND_PARTY + ",", FIRST_PARTY + ","
        table.rows[1].cells[0].text = table.rows[1].cells[1].text = "\n\n\n"
        table.rows[2].cells[0].text, table.rows[2].cells[1].text = text.second_name, text.first_name

    centred(text.title)
    centred(text.unit)
    if text.revision_note:
        centred(text.revision_note, bold=False)
    doc.add_paragraph(text.opening)
    party(text.first_name, text.first_position, FIRST_ROLE)
    party(text.second_name, text.second_position, SECOND_ROLE)
    for paragraph in text.pledge:
        doc.add_paragraph(paragraph)
    signatures()
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    centred(text.appendix_title)
    centred(text.unit)
    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = header
    for line in text.lines:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text, cells[3].text = (
            str(line.number),
            line.parent,
            line.indicator,
            line.target,
        )
    if text.programme:
        doc.add_paragraph(f"Program: {text.programme}")
    if text.activity:
        doc.add_paragraph(f"Kegiatan: {text.activity}")
    doc.add_paragraph(f"Anggaran: {text.budget}")
    signatures()
    if text.illustrative:
        doc.add_paragraph("Contoh: sebagian isi dokumen ini ilustratif (data demo).")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_html(agreement: UnitAgreement) -> str:
    return render_to_string("performance/agreement_print.html", {"text": agreement_text(agreement)})


def render_pdf(agreement: UnitAgreement) -> bytes:
    from weasyprint import HTML  # imported here: it is heavy and only the PDF needs it

    return HTML(string=render_html(agreement)).write_pdf()  # type: ignore[no-any-return]
