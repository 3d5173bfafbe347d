"""XLSX: each of the report's tables on a sheet of its own, numbers as numbers with number formats."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from mitra.core.spreadsheets import xlsx_row

from ..model import MONEY, NUMBER, PCT, RATIO, Cell, Fig, Report, Table

FORMATS = {MONEY: '"Rp" #,##0', PCT: "0.00%", RATIO: "0.000", NUMBER: "#,##0.##"}
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")


def _sheet_name(key: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", key)[:31] or "sheet"
    name, i = base, 2
    while name.lower() in used:
        name = f"{base[:28]}-{i}"
        i += 1
    used.add(name.lower())
    return name


def _value(cell: Cell) -> tuple[object, str | None]:
    if isinstance(cell.value, Fig):
        fig = cell.value
        if fig.kind in FORMATS and fig.value is not None:
            number = fig.number
            fmt = "#,##0" if fig.kind == NUMBER and isinstance(number, int) else FORMATS[fig.kind]
            return number, fmt
        return (None if fig.value is None else str(fig.value)), None
    if cell.kind in FORMATS and cell.value not in (None, ""):
        return Fig("", cell.value, cell.kind).number, FORMATS[cell.kind] if cell.kind != NUMBER else "#,##0"
    return (cell.value if cell.value not in ("",) else None), None


# A target as written ("95 %", "31 dokumen kerjasama", "95%", "1,5 jam"): a number, then its unit.
TARGET_TEXT = re.compile(r"^\s*(\d{1,3}(?:[.,]\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?)\s*(%|[^\W\d].{0,40})?\s*$")


def parse_target(text: str, language: str) -> tuple[int | float, str] | None:
    """A target written as text, as a number and its unit (percentages as fractions of 1, unit "%"); None when
    the text is not a number with a unit (a grade such as "A (nilai minimal 80)" stays text)."""
    match = TARGET_TEXT.match(text or "")
    if not match:
        return None
    digits, unit = match.group(1), (match.group(2) or "").strip()
    thousands, decimal = (".", ",") if language == "id" else (",", ".")
    number = Decimal(digits.replace(thousands, "").replace(decimal, "."))
    if unit == "%":
        return float(number / 100), "%"
    return (int(number) if number == number.to_integral_value() else float(number)), unit


def _target_columns(table: Table) -> list[int]:
    return [i for i, h in enumerate(table.header) if h == _("Target")]


def _split_targets(table: Table, language: str) -> tuple[list[str], list[list[tuple[object, str | None, bool]]]]:
    """The header and rows as written to the sheet: each target column followed by a unit column, the target a
    number (with the percent format for percentages) and its unit beside it."""
    targets = _target_columns(table)
    header: list[str] = []
    for i, h in enumerate(table.header):
        header.append(h)
        if i in targets:
            header.append(_("Unit of measure"))
    rows: list[list[tuple[object, str | None, bool]]] = []
    for row in table.rows:
        out: list[tuple[object, str | None, bool]] = []
        for i, cell in enumerate(row):
            value, fmt = _value(cell)
            if i not in targets:
                out.append((value, fmt, cell.bold))
                continue
            unit = ""
            if isinstance(value, str):
                parsed = parse_target(value, language)
                if parsed is not None:
                    value, unit = parsed
                    fmt = FORMATS[PCT] if unit == "%" else ("#,##0" if isinstance(value, int) else "#,##0.##")
                    unit = "" if unit == "%" else unit
            out.append((value, fmt, cell.bold))
            out.append((unit or None, None, False))
        rows.append(out)
    return header, rows


def _write_table(ws, table: Table, language: str = "id") -> None:  # type: ignore[no-untyped-def]
    ws.append([table.caption])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([])
    header, written = _split_targets(table, language)
    ws.append(xlsx_row(ws, header))
    for c in ws[3]:
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="top")
    for values in written:
        ws.append(xlsx_row(ws, [v for v, _fmt, _bold in values]))
        for cell, (_v, fmt, bold) in zip(ws[ws.max_row], values, strict=False):
            if fmt:
                cell.number_format = fmt
            if bold:
                cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=isinstance(cell.value, str), vertical="top")
    total = sum(table.widths) or 1
    widths: list[float] = []
    for i, w in enumerate(table.widths or [1] * len(table.header)):
        widths.append(w)
        if i in _target_columns(table):
            widths.append(w)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(8, min(70, round(w / total * 120)))
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1


def render_xlsx(report: Report) -> bytes:
    with translation.override(report.language):
        return _render(report)


def _render(report: Report) -> bytes:
    wb = Workbook()
    used: set[str] = set()
    first = True
    for table in report.tables():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = _sheet_name(table.key, used)
        _write_table(ws, table, report.language)
    ws = wb.create_sheet(_sheet_name(_("figures"), used))
    ws.append([_("Figure name"), _("Meaning"), _("Value"), _("As shown")])
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
    for name, fig in sorted(report.figures.items()):
        value, fmt = _value(Cell(fig))
        ws.append([name, fig.label, value, fig.text(report.language)])
        if fmt:
            ws.cell(ws.max_row, 3).number_format = fmt
    for col, width in zip("ABCD", (34, 50, 18, 24), strict=True):
        ws.column_dimensions[col].width = width
    wb.properties.title = report.title
    wb.properties.creator = "Mitra"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
