"""Issue 14, items 4 and 7: honest inputs (quarters not yet approved named, illustrative figures marked, XLSX
numbers) and what an evaluator expects in a LAKIP (indicators by year against the Renstra target, causes,
legal basis and organisation, vision and missions, Manual IKU, agreements signed, the PK's signatures)."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from mitra.core.models import OrganisationUnit
from mitra.core.tests.factories import StaffFactory, UnitFactory, bureau
from mitra.performance.models import (
    Activity,
    Output,
    Program,
    QuarterEntry,
    QuarterReport,
    ReportStatus,
    SubActivity,
)
from mitra.reports import evaluator, generate
from mitra.reports.lakip import build_lakip
from mitra.reports.model import PCT, Cell, Fig, Report, Section, Table
from mitra.reports.models import IssuedReport
from mitra.reports.renderers.xlsx import parse_target, render_xlsx

pytestmark = pytest.mark.django_db

YEAR = 2031  # a year of the factories' own, apart from the demo's 2017


def _sub(unit: OrganisationUnit, number: int = 1) -> SubActivity:
    program, _ = Program.objects.get_or_create(year=YEAR, code="P", defaults={"name": "Program uji"})
    activity, _ = Activity.objects.get_or_create(program=program, code="A", defaults={"name": "Kegiatan uji"})
    output, _ = Output.objects.get_or_create(activity=activity, code="001", defaults={"name": "Keluaran uji"})
    return SubActivity.objects.create(
        year=YEAR,
        output=output,
        number=number,
        name=f"Sub kegiatan {number}",
        owner_unit=unit,
        ceiling=1_000_000,
        output_target=Decimal(4),
        output_unit="dokumen",
    )


def _entry(sub: SubActivity, quarter: int, *, illustrative: bool = False) -> QuarterEntry:
    return QuarterEntry.objects.create(
        sub_activity=sub,
        quarter=quarter,
        planned_output=Decimal(1),
        planned_budget=250_000,
        output_realised=Decimal(1),
        budget_realised=200_000,
        is_illustrative=illustrative,
    )


# --- honest inputs, on factories ----------------------------------------------------------------------------


def test_quarters_not_approved_are_named_and_approved_ones_are_not():
    unit = UnitFactory.create(short_name="Bagian Uji")
    sub = _sub(unit)
    _entry(sub, 1)
    _entry(sub, 2)
    QuarterEntry.objects.create(sub_activity=sub, quarter=3, planned_output=Decimal(1))  # a plan only: not read
    QuarterReport.objects.create(year=YEAR, quarter=1, unit=unit, status=ReportStatus.APPROVED)
    QuarterReport.objects.create(year=YEAR, quarter=2, unit=unit, status=ReportStatus.SUBMITTED)
    found = evaluator.unapproved_quarters(YEAR)
    assert [(x.unit, x.quarter, x.status) for x in found] == [(unit, 2, ReportStatus.SUBMITTED)]
    with translation.override("id"):
        assert evaluator.describe_unapproved(found, YEAR) == "Bagian Uji, triwulan 2 2031 (Diajukan)"
        report = build_lakip(YEAR, "id")
    notice = _section(report, "data-notice")
    assert notice is not None
    text = _plain(notice)
    assert "Triwulan yang belum disetujui" in text and "Bagian Uji, triwulan 2 2031" in text
    # A quarter with realisation and no report at all is named too; once approved, nothing is named.
    _entry(_sub(unit, 2), 4)
    assert [x.quarter for x in evaluator.unapproved_quarters(YEAR)] == [2, 4]
    assert evaluator.unapproved_quarters(YEAR)[1].status == ""
    QuarterReport.objects.filter(year=YEAR, quarter=2).update(status=ReportStatus.APPROVED)
    QuarterReport.objects.create(year=YEAR, quarter=4, unit=unit, status=ReportStatus.APPROVED)
    assert evaluator.unapproved_quarters(YEAR) == []
    with translation.override("id"):
        report = build_lakip(YEAR, "id")
    notice = _section(report, "data-notice")
    assert notice is None or "Triwulan yang belum disetujui" not in _plain(notice)


def test_illustrative_quarters_and_staff_are_marked_and_real_ones_are_not():
    unit = UnitFactory.create()
    _entry(_sub(unit), 1)
    with translation.override("id"):
        report = build_lakip(YEAR, "id")
    captions = {t.key: t.caption for t in report.tables()} | {c.key: c.caption for c in report.charts()}
    assert "[ilustratif]" not in captions["table-9"] and "[ilustratif]" not in captions["physical-chart"]
    QuarterEntry.objects.update(is_illustrative=True)
    StaffFactory.create(unit=bureau(), is_illustrative=True)
    with translation.override("id"):
        report = build_lakip(YEAR, "id")
    captions = {t.key: t.caption for t in report.tables()} | {c.key: c.caption for c in report.charts()}
    for key in ("table-9", "physical-chart", "financial-chart", "staff", "staff-chart"):
        assert captions[key].endswith("[ilustratif]"), key
    assert "[ilustratif]" not in captions["table-8"]
    notice = _section(report, "data-notice")
    assert notice is not None and "profil SDM" in _plain(notice)


def test_the_illustrative_mark_shows_in_every_format():
    unit = UnitFactory.create()
    _entry(_sub(unit), 1, illustrative=True)
    with translation.override("en"):
        report = build_lakip(YEAR, "en")
        html = generate.render(report, "html").decode()
        docx = Document(io.BytesIO(generate.render(report, "docx")))
        wb = load_workbook(io.BytesIO(generate.render(report, "xlsx")))
        pdf = generate.render(report, "pdf")
    assert "Physical and financial realisation per quarter (cumulative) [illustrative]" in html
    assert any(p.text.endswith("[illustrative]") and "per quarter" in p.text for p in docx.paragraphs)
    assert str(wb["table-9"]["A1"].value).endswith("[illustrative]")
    assert "[illustrative]" in _pdf_text(pdf)


def test_xlsx_targets_are_numbers_with_their_unit_beside():
    assert parse_target("95 %", "id") == (0.95, "%")
    assert parse_target("95%", "en") == (0.95, "%")
    assert parse_target("31 dokumen kerjasama", "id") == (31, "dokumen kerjasama")
    assert parse_target("1.234,5 jam", "id") == (1234.5, "jam")
    assert parse_target("1,234.5 hours", "en") == (1234.5, "hours")
    assert parse_target("A (nilai minimal 80)", "id") is None
    table = Table(
        "t",
        "Caption",
        ["Indikator", "Target", "Capaian"],
        [
            [Cell("Tepat waktu"), Cell("95 %"), Cell(Fig("x.pct", Decimal("95.03"), PCT), PCT)],
            [Cell("Dokumen"), Cell("31 dokumen kerjasama"), Cell(None)],
            [Cell("SAKIP"), Cell("A (nilai minimal 80)"), Cell(None)],
        ],
        [3, 1, 1],
    )
    report = Report("lakip", "t", "s", YEAR, "id", "o", [Section("s", "S", [table])], {})
    with translation.override("id"):
        ws = load_workbook(io.BytesIO(render_xlsx(report)))["t"]
    assert [c.value for c in ws[3]] == ["Indikator", "Target", "Satuan", "Capaian"]
    assert ws["B4"].value == pytest.approx(0.95) and ws["B4"].number_format == "0.00%"
    assert ws["C4"].value is None
    assert ws["D4"].value == pytest.approx(0.9503) and ws["D4"].number_format == "0.00%"
    assert ws["B5"].value == 31 and ws["C5"].value == "dokumen kerjasama"
    assert ws["B6"].value == "A (nilai minimal 80)"


# --- the 2017 LAKIP from the demo, read back from each format -------------------------------------------------

EXPECTED_ID = [
    "Tentang Data Laporan Ini",
    "Triwulan yang belum disetujui",
    "Bagian Bilateral, triwulan 4 2017 (Draf)",
    "[ilustratif]",
    "Dasar Hukum dan Struktur Organisasi",
    "Nomor 53 Tahun 2014",
    "Struktur organisasi biro",
    "Subbagian Kerjasama ASEAN",
    "Visi, Misi dan Tujuan Strategis",
    "Obat dan Makanan Aman, Meningkatkan Kesehatan Masyarakat dan Daya Saing Bangsa",
    "Manual IKU",
    "Definisi operasional",
    "Register kerjasama Biro Kerjasama Luar Negeri (Mitra)",
    "Perbandingan Indikator dengan Tahun Sebelumnya dan Target Jangka Menengah",
    "terhadap target tahun 2019",
    "Analisis Penyebab Indikator di Bawah Target",
    "Menyusun jadwal partisipasi",
    "Kesepakatan yang ditandatangani tahun 2017",
    "Jordan Food and",
    "Tanda tangan perjanjian kinerja",
]


def _pdf_text(pdf: bytes) -> str:
    # pypdf (a dependency) rather than poppler's pdftotext, which a fresh machine may not have.
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return re.sub(r"\s+", " ", "\n".join(parts))


def test_the_2017_lakip_has_what_an_evaluator_expects_in_every_format(demo):
    texts = {}
    for fmt in ("html", "docx", "pdf"):
        content = generate.generate("lakip", 2017, fmt, "id", use_cache=False).content
        if fmt == "html":
            texts[fmt] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content.decode()).replace("&amp;", "&"))
        elif fmt == "docx":
            texts[fmt] = _docx_text(content)
        else:
            texts[fmt] = _pdf_text(content)
    for fmt, text in texts.items():
        for expected in EXPECTED_ID:
            assert expected in text, (fmt, expected)
        # The PK footnote speaks to the report's reader, not about Mitra.
        assert "Mitra memakai" not in text, fmt
    # The IKU against earlier years and the Renstra's target for 2019 (37): 28 realised is 75,68 % of it.
    assert "75,68 %" in texts["docx"] and "75,68 %" in texts["pdf"]
    wb = load_workbook(io.BytesIO(generate.generate("lakip", 2017, "xlsx", "id", use_cache=False).content))
    assert {"indicator-history", "causes", "manual-iku-iku", "agreements-signed", "vision-mission"} <= set(
        wb.sheetnames
    )
    assert str(wb["table-9"]["A1"].value).endswith("[ilustratif]")
    history = [c.value for row in wb["indicator-history"].iter_rows() for c in row]
    assert 37 in history and 25 in history
    # No target is text with its unit inside: the number in the target column, the unit beside it.
    for ws in wb.worksheets:
        header = [c.value for c in ws[3]] if ws.max_row >= 3 else []
        for col, name in enumerate(header):
            if name == "Target":
                assert header[col + 1] == "Satuan", ws.title
                for row in ws.iter_rows(min_row=4):
                    value = row[col].value
                    assert not (isinstance(value, str) and re.match(r"^\d", value)), (ws.title, value)
    pk = wb["table-2"]
    targets = [row[2].value for row in pk.iter_rows(min_row=4)]
    assert 31 in targets and "dokumen kerjasama" in [row[3].value for row in pk.iter_rows(min_row=4)]


def test_the_english_edition_says_its_narratives_are_indonesian(demo):
    with translation.override("en"):
        report = build_lakip(2017, "en")
    notice = _section(report, "data-notice")
    assert notice is not None
    text = _plain(notice)
    assert "exist only in Indonesian" in text and "Bagian Bilateral, quarter 4 2017 (Draft)" in text
    titles = [s.title for _level, s in report.walk()]
    assert "Causes of indicators below target" in titles and "Vision, missions and strategic goals" in titles
    charts = {c.key: c for c in report.charts()}
    assert "organisation-chart" in charts and "indicator-history-chart-iku" in charts
    assert charts["organisation-chart"].draw("svg").lstrip().startswith(b"<?xml")


def test_issuing_a_report_with_unapproved_quarters_needs_a_confirmation(demo, monkeypatch, user_of):
    from mitra.reports import services

    monkeypatch.setattr(services, "ISSUE_FORMATS", ("html",))
    with pytest.raises(CommandError, match=r"Bagian Bilateral, (quarter|triwulan) 4 2017"):
        call_command(
            "lakip", "issue", "--year", "2017", "--user", "kepala.biro", "--require-approved", stdout=StringIO()
        )
    assert not IssuedReport.objects.exists()
    out = StringIO()
    call_command("lakip", "issue", "--year", "2017", "--user", "kepala.biro", "--confirm-unapproved", stdout=out)
    assert IssuedReport.objects.filter(year=2017, revision=1).exists()


def test_the_issue_page_names_the_quarters_and_asks_to_confirm(demo, client_for, django_capture_on_commit_callbacks):
    head = client_for("kepala.biro")
    page = head.get("/laporan/2017/terbitkan/").content.decode()
    assert 'data-testid="unapproved-quarters"' in page and "Bagian Bilateral" in page
    response = head.post("/laporan/2017/terbitkan/", {"reason": ""})
    assert response.status_code == 200 and "confirm_unapproved" in response.context["form"].errors
    assert not IssuedReport.objects.exists()


# --- helpers ----------------------------------------------------------------------------------------------------


def _section(report: Report, key: str) -> Section | None:
    return next((s for _level, s in report.walk() if s.key == key), None)


def _plain(section: Section) -> str:
    from mitra.reports.model import Paragraph, plain

    return " ".join(plain(b.runs, "id") for b in section.blocks if isinstance(b, Paragraph))


def test_a_band_keeps_its_illustrative_mark_unless_told_otherwise():
    from mitra.performance import services as perf_services

    band = perf_services.band_save(
        actor=None, year=None, min_pct=Decimal("137.5"), label="Uji", is_illustrative=True, system=True
    )
    assert band.is_illustrative
    band = perf_services.band_save(actor=None, year=None, min_pct=Decimal("137.5"), label="Uji baru", system=True)
    assert band.is_illustrative and band.label == "Uji baru"
    assert evaluator.illustrative_parts(YEAR).bands
    band = perf_services.band_save(
        actor=None, year=None, min_pct=Decimal("137.5"), label="Uji baru", is_illustrative=False, system=True
    )
    assert not band.is_illustrative
