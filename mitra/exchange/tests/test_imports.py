"""Excel imports: the appendix-4 table reproduces the year's measurement (the 2017 demo's, 22 sub-activities, and
a factory year's); bad workbooks are refused by row and column with nothing written."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from mitra.cooperation.models import Meeting
from mitra.core.models import AuditEntry
from mitra.core.tests.factories import AdminFactory, UserFactory
from mitra.exchange import imports, workbooks
from mitra.partners.models import Institution
from mitra.performance import selectors
from mitra.performance.models import QuarterEntry, QuarterReport
from mitra.performance.tests.factories import BUDGET_REALISED, BUDGET_SUBS, BudgetYear, budget_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages below are matched in English; the interface shows them in the user's language."""
    with translation.override("en"):
        yield


def forget_realisation(year: int) -> None:
    """A database with the year's plan but none of its realisation."""
    QuarterEntry.objects.filter(sub_activity__year=year).update(output_realised=None, budget_realised=None)
    QuarterReport.objects.filter(year=year).delete()


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_appendix4_import_reproduces_the_measurement(demo, user_of):
    # The 2017 report's appendix 4 (22 sub-activities) round-trips through the import.
    expected = selectors.measurement_json(2017)
    content = workbooks.appendix4(2017)
    forget_realisation(2017)
    assert selectors.measurement_json(2017)["budget"]["realized"] == 0
    preview = imports.run("appendix4", content, actor=user_of("admin"), options={"year": 2017}, commit=False)
    assert preview.ok, preview.all_errors
    assert len(preview.rows) == 22 and not preview.committed
    assert selectors.measurement_json(2017)["budget"]["realized"] == 0  # the preview wrote nothing
    result = imports.run("appendix4", content, actor=user_of("admin"), options={"year": 2017}, commit=True)
    assert result.ok and result.committed
    assert selectors.measurement_json(2017) == expected


@pytest.fixture
def own_year() -> BudgetYear:
    """A year of the test's own (2040 onwards): two sub-activities of a new division, all four quarters realised."""
    return budget_year(realised_quarters=4)


def edited_appendix4(year: int, edit) -> bytes:  # type: ignore[no-untyped-def]
    workbook = load_workbook(io.BytesIO(workbooks.appendix4(year)))
    edit(workbook.active)
    return save(workbook)


def dana_row(sheet, number: int) -> int:  # type: ignore[no-untyped-def]
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row, 1).value == f"{number}.":
            return row + 1
    raise AssertionError(number)


def test_appendix4_accepts_indonesian_thousands_separators(own_year):
    year, sub = own_year.year, own_year.subs[0]
    expected = selectors.measurement_json(year)
    ceiling, realised = BUDGET_SUBS[0][0], sum(budget for _output, budget in BUDGET_REALISED[0])
    assert (ceiling, realised) == (40_000_000, 37_500_000)
    assert expected["budget"]["realized"] == realised + sum(budget for _output, budget in BUDGET_REALISED[1])

    def as_text(sheet):  # type: ignore[no-untyped-def]
        row = dana_row(sheet, sub.number)
        assert (sheet.cell(row, 4).value, sheet.cell(row, 5).value) == (ceiling, realised)
        sheet.cell(row, 4).value = "Rp 40.000.000"
        sheet.cell(row, 5).value = "37.500.000"

    content = edited_appendix4(year, as_text)
    forget_realisation(year)
    assert selectors.measurement_json(year)["budget"]["realized"] == 0
    result = imports.run("appendix4", content, actor=AdminFactory.create(), options={"year": year}, commit=True)
    assert result.ok, result.all_errors
    assert selectors.measurement_json(year) == expected


@pytest.mark.parametrize(
    "edit,column,fragment",
    [
        (lambda s, n: s.cell(dana_row(s, n), 5, "=D9*0.9"), "Realisasi", "Formulas"),
        (lambda s, n: s.cell(dana_row(s, n), 5, "69,397.65"), "Realisasi", "not an amount"),
        (lambda s, n: s.cell(dana_row(s, n), 5, -5), "Realisasi", "negative"),
        (lambda s, n: s.cell(dana_row(s, n), 4, 1), "Target", "differs from the plan"),
        (lambda s, n: s.merge_cells("B7:C7"), "B", "Merged"),
    ],
)
def test_appendix4_errors_by_row_and_column_and_nothing_written(own_year, edit, column, fragment):
    # The error is in the second sub-activity: the first one, good, is not written either.
    year, number = own_year.year, own_year.subs[1].number
    content = edited_appendix4(year, lambda sheet: edit(sheet, number))
    forget_realisation(year)
    admin = AdminFactory.create()
    audit_count = AuditEntry.objects.count()
    result = imports.run("appendix4", content, actor=admin, options={"year": year}, commit=True)
    assert not result.ok and not result.committed
    assert any(e.column == column and fragment in e.message and e.row > 0 for e in result.all_errors), result.all_errors
    assert selectors.measurement_json(year)["budget"]["realized"] == 0
    assert AuditEntry.objects.count() == audit_count


def test_a_different_layout_or_file_is_refused():
    admin = AdminFactory.create()
    workbook = Workbook()
    workbook.active.append(["Nama", "Alamat"])
    result = imports.run("appendix4", save(workbook), actor=admin, options={"year": 2017}, commit=True)
    assert not result.ok and "appendix-4 layout" in result.errors[0].message
    result = imports.run("partners", save(workbook), actor=admin, commit=True)
    assert not result.ok and "expected layout" in result.errors[0].message
    result = imports.run("partners", b"PK not really", actor=admin, commit=True)
    assert "not an Excel workbook" in result.errors[0].message


def test_partner_import_all_or_nothing():
    staff = UserFactory.create()  # staff of a division of the bureau
    workbook = load_workbook(io.BytesIO(workbooks.list_template("partners")))
    sheet = workbook.active
    sheet.append([])  # empty rows are skipped
    sheet.append(["Food and Drug Authority", "", "FDA-X", "regulator", "ZZ", "", ""])  # unknown country
    count = Institution.objects.count()
    result = imports.run("partners", save(workbook), actor=staff, commit=True)
    assert not result.committed and Institution.objects.count() == count
    assert [(e.row, e.column) for e in result.all_errors] == [(4, "Negara (ISO)")]
    assert result.rows[0].outcome.startswith("new")  # the good row shows what it would do
    sheet.delete_rows(4)
    result = imports.run("partners", save(workbook), actor=staff, commit=True)
    assert result.committed and Institution.objects.count() == count + 1


def test_meeting_import_refuses_dates_as_text():
    staff = UserFactory.create()
    assert staff.unit is not None
    workbook = load_workbook(io.BytesIO(workbooks.list_template("meetings")))
    sheet = workbook.active
    sheet.delete_rows(2, sheet.max_row)  # the template's example row (another unit's)
    start, end = "14/03/2017", dt.date(2017, 3, 16)
    row = ["Pertemuan X", "", "", start, end, "Bangkok", "TH", "", "ya", staff.unit.code, ""]
    sheet.append(row)
    count = Meeting.objects.count()
    result = imports.run("meetings", save(workbook), actor=staff, commit=True)
    assert [(e.row, e.column) for e in result.all_errors] == [(2, "Mulai")]
    assert "date typed as text" in result.all_errors[0].message and Meeting.objects.count() == count


def test_a_choice_is_read_by_key_or_label_and_a_wrong_one_refused_at_every_row_it_stands_in():
    # A choice column is parsed once per distinct value in an import: the answer, and the refusal, hold for each row.
    workbook = load_workbook(io.BytesIO(workbooks.list_template("partners")))
    sheet = workbook.active
    sheet.delete_rows(2, sheet.max_row)
    for i, kind in enumerate(["Regulator", "university or research institute", "agency", "REGULATOR", "agency"]):
        sheet.append([f"Institution {i}", "", f"I{i}", kind, "KR", "", ""])
    result = imports.run("partners", save(workbook), actor=AdminFactory.create(), commit=False)
    message = "“agency” is not one of: regulator, ministry, development_agency, pharmacopoeia, university, "
    assert [(e.row, e.column, e.message[: len(message)]) for e in result.all_errors] == [
        (4, "Jenis", message),
        (6, "Jenis", message),
    ]
    sheet.delete_rows(6)
    sheet.delete_rows(4)
    result = imports.run("partners", save(workbook), actor=AdminFactory.create(), commit=True)
    assert result.committed, result.all_errors
    kinds = dict(Institution.objects.filter(name__startswith="Institution ").values_list("acronym", "kind"))
    assert kinds == {"I0": "regulator", "I1": "university", "I3": "regulator"}
