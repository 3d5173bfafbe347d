"""Cells for the files Mitra writes, safe against formula injection: a text a user typed stays text.

In XLSX only a string that starts with "=" would become a formula, so such cells are written with the string
type. In CSV every spreadsheet program evaluates a cell starting with =, +, -, @, tab or carriage return, so
such a text gets a leading apostrophe (OWASP's advice); numbers and dates are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell

CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """The values of one row for `sheet.append`, with formula-like text kept as text."""
    cells: list[Any] = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def csv_text(text: str) -> str:
    """A text cell of a CSV file that no spreadsheet program will run as a formula."""
    return "'" + text if text.startswith(CSV_TRIGGERS) else text
