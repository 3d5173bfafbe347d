"""Preparing for a forum: the regional division adds an agenda item to a meeting and asks the Directorate of Drug
Registration (a unit outside the bureau) to answer; the directorate's staff member finds it in "my work" (with the
menu badge) and answers; the bureau downloads the meeting's briefing book, which carries the answer."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from playwright.sync_api import Page, expect

from e2e.conftest import log_in

MEETING = "24th ACCSQ Pharmaceutical Product Working Group Meeting"
ITEM = "Draf ASEAN guideline on stability study"
ANSWER = "Direktorat Registrasi Obat mendukung draf dengan catatan masa transisi."


def test_a_unit_answers_from_my_work_and_the_bureau_downloads_the_briefing_book(page: Page, site: str) -> None:
    # The coordinating division adds the agenda item and asks the directorate to answer.
    log_in(page, site, "staf.regional")
    page.goto(site + "/kerjasama/pertemuan/?q=Pharmaceutical")
    page.get_by_role("link", name=MEETING).click()
    meeting_url = page.url
    page.get_by_test_id("add-agenda-item").click()
    page.get_by_label("Judul").fill(ITEM)
    page.get_by_label("Yang diminta").fill("Tanggapan atas draf pedoman uji stabilitas.")
    page.get_by_label("Unit menjawab paling lambat").fill("2017-03-30")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name=ITEM)).to_be_visible()
    page.get_by_test_id("assign-form").locator("summary").click()
    page.get_by_test_id("assign-form").locator("select[name=units]").select_option(label="Direktorat Registrasi Obat")
    page.get_by_role("button", name="Minta jawaban").click()
    expect(page.get_by_test_id("assignments")).to_contain_text("Direktorat Registrasi Obat")
    expect(page.get_by_test_id("assignments")).to_contain_text("terlambat")

    # The directorate's staff member (not bureau staff) sees it in "my work" and the menu badge, and answers.
    page.context.clear_cookies()
    log_in(page, site, "staf.registrasi")
    work = page.get_by_test_id("my-work")
    expect(work).to_contain_text("Agenda yang harus dijawab")
    expect(work).to_contain_text(ITEM)
    expect(page.locator('[data-testid="nav-badge"][data-for="/kerjasama/"]')).to_be_visible()
    work.locator("li", has_text=ITEM).get_by_role("link", name="Jawab").click()
    page.get_by_role("button", name="Simpan jawaban").click()
    expect(page.locator(".invalid-feedback, .is-invalid").first).to_be_visible()  # an empty answer is refused
    page.get_by_label("Jawaban").fill(ANSWER)
    page.get_by_role("button", name="Simpan jawaban").click()
    expect(page.get_by_test_id("assignments")).to_contain_text(ANSWER)
    page.goto(site + "/")
    expect(page.get_by_test_id("my-work")).not_to_contain_text(ITEM)

    # The bureau downloads the briefing book; the directorate's answer is in it, under the agenda.
    page.context.clear_cookies()
    log_in(page, site, "staf.regional")
    page.goto(meeting_url)
    expect(page.get_by_test_id("meeting-report")).to_contain_text("Laporan pertemuan")
    with page.expect_download() as download:
        page.get_by_test_id("briefing-docx").click()
    path = download.value.path()
    doc = Document(io.BytesIO(Path(path).read_bytes()))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert any("Agenda dan jawaban unit" in h for h in headings)
    assert any("Delegasi" in h for h in headings)
    cells = " ".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    assert ANSWER in cells and ITEM in cells
    with page.expect_download() as pdf_download:
        page.get_by_test_id("briefing-pdf").click()
    assert Path(pdf_download.value.path()).read_bytes()[:5] == b"%PDF-"
