"""Template workbooks for each import, and the appendix-4 table of a year (which is also its import template)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from mitra.core.spreadsheets import xlsx_row

from .imports import APPENDIX4_HEADERS, LIST_KINDS

OUTPUT_UNIT_WORDS = {
    "report": "laporan",
    "document": "dokumen",
    "study": "kajian",
    "trip": "Trip",
    "edition": "Edisi",
    "event": "kegiatan",
    "person": "orang",
    "unit": "unit",
}


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def list_template(kind: str) -> bytes:
    spec = LIST_KINDS[kind]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = spec.sheet_title
    sheet.append([c.header for c in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in spec.template_rows():
        sheet.append(row)
    for index, column in enumerate(spec.columns, start=1):
        sheet.cell(row=1, column=index).comment = None
        if "Tanggal" in column.header or column.header in {"Mulai", "Selesai", "Mulai berlaku", "Berakhir"}:
            for row_cells in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                for cell in row_cells:
                    cell.number_format = "yyyy-mm-dd"
    return _save(workbook)


def _qty(value: Decimal | int | str | None, unit: str) -> str:
    if value is None:
        return ""
    number = Decimal(str(value))
    shown = str(int(number)) if number == number.to_integral_value() else str(number.normalize()).replace(".", ",")
    return f"{shown} {OUTPUT_UNIT_WORDS.get(unit, unit)}"


def _pct(value: str | None) -> str:
    return f"{value}%" if value is not None else ""


def appendix4(year: int, with_realisation: bool = True) -> bytes:
    """Appendix 4 of the report for `year`, from the measurement; without realisation it is the import template."""
    from mitra.performance import selectors

    data = selectors.measurement_json(year)
    subs_by_output: dict[str, list[dict[str, Any]]] = {}
    for sub in data["sub_activities"]:
        subs_by_output.setdefault(sub["output_code"], []).append(sub)
    descriptions = {s.number: s.output_description for s in selectors.sub_activities(year)}
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Lampiran 4"
    sheet.append(["PENGUKURAN KINERJA KEGIATAN"])
    sheet.append(["Unit Organisasi Eselon II : Biro Kerjasama Luar Negeri"])
    sheet.append([f"Tahun Anggaran : {year}"])
    sheet.append([])
    sheet.append(APPENDIX4_HEADERS)
    for cell in sheet[5]:
        cell.font = Font(bold=True)

    def money_row(
        label: str, ceiling: int, realised: int | None, pct: str | None, first: str = "", name: str = ""
    ) -> None:
        sheet.append(
            xlsx_row(
                sheet,
                [
                    first,
                    name,
                    label,
                    ceiling,
                    realised if with_realisation else None,
                    _pct(pct) if with_realisation else "",
                ],
            )
        )
        for col in (4, 5):
            sheet.cell(row=sheet.max_row, column=col).number_format = "#,##0"

    budget = data["budget"]
    money_row("", budget["ceiling"], budget["realized"], budget["absorption_pct"], name="Jumlah")
    for output in data["outputs"]:
        money_row(
            f"{output['code']}. {output['name']}", output["ceiling"], output["realized"], output["absorption_pct"]
        )
        for sub in subs_by_output.get(output["code"], []):
            sheet.append([f"{sub['number']}.", sub["name"], "Input:"])
            money_row("Dana", sub["ceiling"], sub["realized"], sub["input_pct"])
            sheet.append(
                [
                    "",
                    "",
                    "Output:",
                    _qty(sub["output_target"], sub["output_unit"]),
                    _qty(sub["output_realized"], sub["output_unit"]) if with_realisation else None,
                    _pct(sub["output_pct"]) if with_realisation else "",
                ]
            )
            sheet.append(["", "", descriptions.get(sub["number"], "")])
    for letter, width in zip("ABCDEF", (6, 60, 50, 18, 18, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    return _save(workbook)
