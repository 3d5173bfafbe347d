"""Reading the bureau's workbooks strictly: every doubtful cell is an error at its row and column, never a guess.

Refused: a file that is not .xlsx, merged cells, formulas (paste values instead), dates typed as text other than
YYYY-MM-DD, numbers with decimals where whole rupiah are expected, negative figures. Accepted: numbers typed as
numbers, and as text with Indonesian ("5.239.601.000") or English ("5,239,601,000") thousands separators and an
optional "Rp" — the separators of money are unambiguous because rupiah are whole.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.cell_range import CellRange

MAX_ROWS = 20_000  # default of settings.MITRA_IMPORT_MAX_ROWS
MAX_CELLS = 400_000  # default of settings.MITRA_IMPORT_MAX_CELLS


@dataclass
class CellError:
    row: int  # 1-based, as Excel shows it; 0 for the file as a whole
    column: str  # header of the column, or ""
    message: str


class CellValueError(ValueError):
    pass


@dataclass
class RowOutcome:
    row: int
    label: str
    outcome: str = ""  # what the row does (or would do)
    errors: list[CellError] = field(default_factory=list)


class WorkbookError(Exception):
    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__("; ".join(e.message for e in errors))


def max_rows() -> int:
    return int(getattr(settings, "MITRA_IMPORT_MAX_ROWS", MAX_ROWS))


def max_cells() -> int:
    return int(getattr(settings, "MITRA_IMPORT_MAX_CELLS", MAX_CELLS))


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?\"")
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_ROW = re.compile(rb"<(?:\w+:)?row[\s/>]")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _too_big(rows: int, cells: int) -> CellError | None:
    if rows > max_rows():
        return CellError(0, "", _("The sheet has more than %(n)s rows.") % {"n": max_rows()})
    if cells > max_cells():
        return CellError(0, "", _("The workbook has more than %(n)s cells; split it.") % {"n": max_cells()})
    return None


def check_bounds(content: bytes) -> None:
    """Refuse a workbook too large to open, before openpyxl unpacks it (WorkbookError with the reason).

    The package's directory must pass the upload limits (documents.zipguard: unpacked size, member size and
    count); then each sheet's declared `<dimension>` and its actual rows and cells, counted while streaming the
    sheet's XML, must stay within MITRA_IMPORT_MAX_ROWS and MITRA_IMPORT_MAX_CELLS (the count stops at the limit).
    """
    from mitra.documents.zipguard import zip_problem

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise WorkbookError([CellError(0, "", _("This is not an Excel workbook (.xlsx)."))]) from error
    problem = zip_problem(io.BytesIO(content))
    if problem:
        archive.close()
        raise WorkbookError([CellError(0, "", problem)])
    with archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        cells = rows = 0
        for name in sheets:
            with archive.open(name) as stream:
                head = stream.read(4096)
                match = _DIMENSION.search(head)
                if match and match.group(3):
                    width = _column_number(match.group(3)) - _column_number(match.group(1)) + 1
                    height = int(match.group(4)) - int(match.group(2)) + 1
                    too_big = _too_big(height, cells + width * height)
                    if too_big:
                        raise WorkbookError([too_big])
                # The dimension may be missing or false: count what is there, and stop at the limit.
                carry = b""
                sheet_rows = 0
                chunk = head
                while True:
                    window = carry + chunk
                    # Count the tags that start before the last few bytes; those are counted with the next chunk.
                    cut = max(len(window) - 16, 0) if chunk else len(window)
                    cells += sum(1 for m in _CELL.finditer(window) if m.start() < cut)
                    sheet_rows += sum(1 for m in _ROW.finditer(window) if m.start() < cut)
                    too_big = _too_big(sheet_rows, cells)
                    if too_big:
                        raise WorkbookError([too_big])
                    if not chunk:
                        break
                    carry = window[cut:]
                    chunk = stream.read(1024 * 1024)
                rows = max(rows, sheet_rows)
                too_big = _too_big(rows, cells)
                if too_big:
                    raise WorkbookError([too_big])


@dataclass
class Sheet:
    """The cell values of a workbook's first worksheet as openpyxl's full load of the workbook gives them: rows 1 to
    `max_row` (the last row with a cell), each `width` wide (up to the last column with a cell), a missing cell
    None; and its merged ranges."""

    rows: list[tuple[Any, ...]]
    max_row: int
    width: int
    merged: list[CellRange]

    def iter_rows(self, min_row: int = 1, max_row: int | None = None) -> Iterator[tuple[Any, ...]]:
        """Rows `min_row` to `max_row` (the last by default), as openpyxl's `iter_rows(values_only=True)`."""
        empty = (None,) * self.width
        for number in range(min_row, (max_row or self.max_row) + 1):
            yield self.rows[number - 1] if number <= len(self.rows) else empty

    def row(self, number: int) -> tuple[Any, ...]:
        return next(self.iter_rows(number, number))


_NOT_A_WORKBOOK = (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError)
_MERGE = b"mergeCell"


def _mentions_merges(content: bytes) -> bool:
    """Whether a part of the package holds the word "mergeCell" (or cannot be read), streamed."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            try:
                with archive.open(name) as stream:
                    tail = b""
                    while chunk := stream.read(1024 * 1024):
                        if _MERGE in tail + chunk:
                            return True
                        tail = chunk[1 - len(_MERGE) :]
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
                return True  # the full load meets the same part, and answers as it always did
    return False


def _read_fully(content: bytes) -> Sheet:
    book = load_workbook(io.BytesIO(content), data_only=False)
    sheet = book.worksheets[0]
    merged: list[CellRange] = list(sheet.merged_cells.ranges)
    max_row, width = sheet.max_row, sheet.max_column
    return Sheet([tuple(r) for r in sheet.iter_rows(values_only=True)], max_row, width, merged)


def _read_streaming(content: bytes) -> Sheet:
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the size comes from the cells, not from the <dimension> the file states
        # A row without cells comes as an empty sequence; every other row up to its last cell.
        read = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    max_row = max((number for number, r in enumerate(read, start=1) if r), default=1)
    width = max((len(r) for r in read), default=0) or 1
    rows = [r if len(r) == width else r + (None,) * (width - len(r)) for r in read[:max_row]]
    return Sheet(rows, max_row, width, [])


def read_sheet(content: bytes) -> Sheet:
    """The first worksheet of the workbook `content`; WorkbookError when it is too large (`check_bounds`) or not a
    workbook.

    The sheet is streamed in openpyxl's read-only mode, which makes no object per cell (openpyxl's full load was a
    fifth of an import's time), with its size taken from its cells, not from the `<dimension>` it states (some
    writers store a wrong one). Read-only mode does not read merged cells, and the full load changes a merged
    range's cells (all but the first become empty; the sheet grows to cover the range): a workbook whose package
    mentions merged cells is loaded fully, as before, so that it is refused with the same messages."""
    check_bounds(content)
    try:
        return _read_fully(content) if _mentions_merges(content) else _read_streaming(content)
    except _NOT_A_WORKBOOK as error:
        raise WorkbookError([CellError(0, "", _("This is not an Excel workbook (.xlsx)."))]) from error


def check_sheet(sheet: Sheet) -> list[CellError]:
    errors = []
    for merged in sheet.merged:
        errors.append(
            CellError(
                merged.min_row,
                get_column_letter(merged.min_col),
                _("Merged cells (%(range)s) are not accepted; unmerge them and fill each cell.")
                % {"range": str(merged)},
            )
        )
    if sheet.max_row > max_rows():
        errors.append(CellError(0, "", _("The sheet has more than %(n)s rows.") % {"n": max_rows()}))
    return errors


def is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def text(value: Any) -> str:
    if value is None:
        return ""
    if is_formula(value):
        raise CellValueError(_("Formulas are not accepted; paste the values instead."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_MONEY = re.compile(r"^(?:rp\.?\s*)?(\d{1,3}(?:([.,])\d{3})?(?:\2\d{3})*|\d+)(?:,-|,00|\.00)?$", re.IGNORECASE)


def money(value: Any, required: bool = True) -> int | None:
    """Whole rupiah, from a number cell or text such as "Rp 5.239.601.000"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CellValueError(_("Enter an amount in rupiah."))
        return None
    if is_formula(value):
        raise CellValueError(_("Formulas are not accepted; paste the values instead."))
    if isinstance(value, bool):
        raise CellValueError(_("Enter an amount in rupiah, not yes/no."))
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellValueError(_("Rupiah are whole numbers: %(value)s has decimals.") % {"value": value})
        amount = int(value)
    else:
        raw = str(value).strip().replace("\u00a0", " ")
        match = _MONEY.match(raw.replace(" ", "") if raw.lower().startswith("rp") else raw)
        if not match:
            raise CellValueError(
                _("“%(value)s” is not an amount in rupiah (e.g. 5239601000 or Rp 5.239.601.000).") % {"value": raw}
            )
        amount = int(re.sub(r"[.,]", "", match.group(1)))
    if amount < 0:
        raise CellValueError(_("The amount cannot be negative."))
    return amount


_VOLUME = re.compile(r"^(\d+(?:,\d+)?)(?:\s+\S.*)?$")


def volume(value: Any) -> Decimal:
    """A quantity, from a number cell or text such as "3 laporan" or "2,5" (Indonesian decimal comma)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellValueError(_("Enter a quantity."))
    if is_formula(value):
        raise CellValueError(_("Formulas are not accepted; paste the values instead."))
    if isinstance(value, bool):
        raise CellValueError(_("Enter a quantity, not yes/no."))
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        raw = str(value).strip()
        match = _VOLUME.match(raw)
        if not match:
            raise CellValueError(_("“%(value)s” is not a quantity (e.g. 3 or “3 laporan”).") % {"value": raw})
        try:
            number = Decimal(match.group(1).replace(",", "."))
        except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
            raise CellValueError(str(error)) from error
    if number < 0:
        raise CellValueError(_("The quantity cannot be negative."))
    return number


def date(value: Any, required: bool = True) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CellValueError(_("Enter a date."))
        return None
    if is_formula(value):
        raise CellValueError(_("Formulas are not accepted; paste the values instead."))
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError as error:
            raise CellValueError(_("“%(value)s” is not a valid date.") % {"value": raw}) from error
    raise CellValueError(
        _("“%(value)s” is a date typed as text; format the cell as a date, or write it as YYYY-MM-DD.") % {"value": raw}
    )


def is_empty_row(values: tuple[Any, ...]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)
