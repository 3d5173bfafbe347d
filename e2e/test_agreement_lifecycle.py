"""An agreement's life as the bilateral division records it: a negotiation with a foreign regulator refused until
the Foreign Ministry is consulted, the next step of a signed MoU with its document, a deliverable with its owner,
and the owner's "my work"; a colleague of another division reads it all and records nothing."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import log_in
from mitra.demo.pdf import minimal_pdf


def test_staff_record_a_step_with_its_document_and_a_deliverable(page: Page, site: str, tmp_path: Path):
    log_in(page, site, "staf.bilateral")
    page.goto(site + "/kerjasama/perjanjian/")
    page.get_by_role("link", name="Nota Kesepahaman Badan POM dan ONSSA Maroko").click()
    agreement_url = page.url
    lifecycle = page.get_by_test_id("lifecycle")
    expect(lifecycle.get_by_test_id("current-step")).to_have_text("Berlaku")
    expect(lifecycle.get_by_test_id("step-history")).to_contain_text("Konsultasi dengan Kementerian Luar Negeri")

    # The next step: implementation, dated, with who decided it; a step dated in the future is refused first.
    lifecycle.get_by_test_id("record-step").click()
    page.get_by_label("Tahap").select_option(label="Pelaksanaan")
    page.get_by_label("Tanggal").fill("2099-01-01")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("step-form")).to_contain_text("Tanggal langkah tidak boleh di masa depan.")
    page.get_by_label("Tanggal").fill("2018-02-01")
    page.get_by_label("Diputuskan oleh").fill("Kepala Bagian Kerja Sama Bilateral")
    page.get_by_label("Rujukan").fill("ND-12/KSLN/2018")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("current-step")).to_have_text("Pelaksanaan")

    # The step's own page takes its document.
    page.get_by_test_id("step-history").get_by_role("link", name="Pelaksanaan").click()
    report = tmp_path / "rencana-kerja-onssa.pdf"
    report.write_bytes(minimal_pdf("Work plan BPOM ONSSA 2018"))
    section = page.get_by_test_id("attachments")
    section.locator("input[type=file]").set_input_files(str(report))
    section.get_by_label("Kategori").select_option(label="Lainnya")
    section.get_by_role("button", name="Lampirkan berkas").click()
    expect(page.get_by_test_id("attachments")).to_contain_text("rencana-kerja-onssa.pdf")
    page.get_by_test_id("back-to-agreement").click()

    # A deliverable of the agreement, owned by the staff member, due soon.
    page.get_by_test_id("add-deliverable").click()
    page.get_by_label("Luaran perjanjian").fill("Laporan pelaksanaan tahun pertama")
    page.get_by_label("Penanggung jawab", exact=True).select_option(label="Dewi Lestari")
    page.get_by_label("Tenggat").fill("2018-03-01")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="Laporan pelaksanaan tahun pertama")).to_be_visible()
    page.goto(agreement_url)
    expect(page.get_by_test_id("deliverables")).to_contain_text("Laporan pelaksanaan tahun pertama")
    expect(page.get_by_test_id("deliverable-summary")).to_contain_text("0/1")

    # It is overdue today, so it waits in the owner's "my work".
    page.goto(site + "/")
    expect(page.get_by_role("main")).to_contain_text("Laporan pelaksanaan tahun pertama")

    # The pipeline shows the agreement under "Term ended" (signed in 2017 for five years), not under its last step.
    page.goto(site + "/kerjasama/perjanjian/alur/")
    expect(page.get_by_test_id("pipeline-expired")).to_contain_text("ONSSA")
    expect(page.locator('[data-testid="pipeline-implementation"]', has_text="ONSSA")).to_have_count(0)

    # A colleague of another division reads, and cannot record.
    page.context.clear_cookies()
    log_in(page, site, "staf.regional")
    page.goto(agreement_url)
    expect(page.get_by_test_id("current-step")).to_have_text("Pelaksanaan")
    expect(page.get_by_test_id("record-step")).to_have_count(0)
    expect(page.get_by_test_id("add-deliverable")).to_have_count(0)
