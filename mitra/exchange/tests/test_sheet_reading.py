"""Reading an import's sheet (spreadsheet.read_sheet, issue 17): streamed in openpyxl's read-only mode, it gives the
values openpyxl's full load gives, whatever size the file states in its <dimension>; a workbook with merged cells
is still refused with the messages of the full load."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from django.utils import translation
from openpyxl import Workbook

from mitra.core.tests.factories import AdminFactory, UserFactory
from mitra.exchange import imports, workbooks
from mitra.exchange import spreadsheet as xl
from mitra.exchange.tests.test_bounds import stating
from mitra.partners.models import Institution
from mitra.performance.tests.factories import budget_year

pytestmark = pytest.mark.django_db
PARTNER_HEADERS = [c.header for c in imports.LIST_KINDS["partners"].columns]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def varied() -> bytes:
    """Rows of different widths, gaps, dates in several formats, a time, a duration, formulas, booleans, numbers,
    and styled empty cells right and below of the values."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Judul", "Mulai", "Jumlah"])
    sheet.append(["a", dt.date(2017, 1, 2), 5239601000, True, "=SUM(C2:C3)"])
    sheet.append([None, dt.datetime(2017, 1, 2, 3, 4), 2.5])
    sheet["A6"] = "after a gap"
    sheet["B6"] = 42737
    sheet["B6"].number_format = "d-mmm-yy"
    sheet["C6"] = dt.time(8, 30)
    sheet["D6"] = dt.timedelta(hours=30)
    sheet["D6"].number_format = "[h]:mm:ss"
    sheet["B7"] = "2017-01-02"
    sheet["G4"].number_format = "0.00"  # an empty cell that widens the sheet
    sheet["A9"].number_format = "yyyy-mm-dd"  # an empty cell that lengthens it
    return save(workbook)


@pytest.mark.parametrize("dimension", ["keep", "A1:A2", "A1", "A1:Z500", None])
def test_the_streamed_sheet_is_the_full_loads_whatever_dimension_it_states(dimension):
    content = varied()
    full = xl._read_fully(content)
    assert (full.max_row, full.width, full.merged) == (9, 7, [])
    streamed = xl._read_streaming(content if dimension == "keep" else stating(content, dimension))
    assert streamed == full
    assert list(streamed.iter_rows(min_row=2, max_row=3)) == [
        ("a", dt.datetime(2017, 1, 2), 5239601000, True, "=SUM(C2:C3)", None, None),
        (None, dt.datetime(2017, 1, 2, 3, 4), 2.5, None, None, None, None),
    ]


def test_a_partner_workbook_stating_a_wrong_size_imports_every_row_and_column():
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(PARTNER_HEADERS)
    for i in range(5):
        sheet.append([f"Agency {i}", f"Badan {i}", f"AG{i}", "regulator", "KR", "https://example.invalid", f"n{i}"])
    result = imports.run("partners", stating(save(workbook), "A1:A2"), actor=AdminFactory.create(), commit=True)
    assert result.ok and result.committed, result.all_errors
    assert [r.row for r in result.rows] == [2, 3, 4, 5, 6]
    agency = Institution.objects.get(name="Agency 4")
    assert (agency.acronym, agency.country_id, agency.website, agency.notes) == (
        "AG4",
        "KR",
        "https://example.invalid",
        "n4",
    )


def test_merged_cells_are_refused_with_the_full_loads_messages():
    staff = UserFactory.create()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(PARTNER_HEADERS)
    sheet.append(["Food and Drug Authority", "", "FDA-X", "regulator", "KR", "", ""])
    sheet.merge_cells("C2:D2")
    result = imports.run("partners", save(workbook), actor=staff, commit=True)
    assert not result.committed and not result.rows
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "C", "Merged cells (C2:D2) are not accepted; unmerge them and fill each cell.")
    ]
    # A merged header: the full load empties all but the first cell of the range, and the layout error says so.
    sheet.unmerge_cells("C2:D2")
    sheet.merge_cells("A1:B1")
    result = imports.run("partners", save(workbook), actor=staff, commit=True)
    assert [(e.row, e.column) for e in result.errors] == [(1, "A"), (1, "")]
    assert "found Nama | – | Singkatan | Jenis" in result.errors[1].message


def test_a_cell_beyond_the_row_limit_is_found_whatever_dimension_the_file_states(settings):
    settings.MITRA_IMPORT_MAX_ROWS = 10
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(PARTNER_HEADERS)
    sheet.append(["Food and Drug Authority", "", "FDA-X", "regulator", "KR", "", ""])
    sheet["A40"].number_format = "0.00"  # an empty cell, but a cell
    content = stating(save(workbook), "A1:G2")
    xl.check_bounds(content)  # three rows in the file: within the limit
    result = imports.run("partners", content, actor=AdminFactory.create(), commit=True)
    assert [(e.row, e.message) for e in result.errors] == [(0, "The sheet has more than 10 rows.")]


def test_the_appendix4_workbook_reads_the_same_streamed_and_fully():
    content = workbooks.appendix4(budget_year(realised_quarters=4).year)
    assert not xl._mentions_merges(content)
    assert xl._read_streaming(content) == xl._read_fully(content)
