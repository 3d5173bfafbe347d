"""Browser journey: a requesting unit writes the terms of reference of a trip and downloads the application package
for the State Secretariat (SE Mensesneg B-32/M/S/LN.00/12/2024)."""

from __future__ import annotations

import io

from docx import Document
from playwright.sync_api import Page, expect

from e2e.conftest import log_in


def test_unit_writes_the_terms_of_reference_and_downloads_the_application_package(page: Page, site: str) -> None:
    log_in(page, site, "staf.bilateral")
    page.goto(site + "/perjalanan/baru/")
    form = page.get_by_test_id("request-form")
    form.locator("[name=purpose]").fill("Dialog regulator obat Indonesia–Jepang")
    form.locator("[name=destination_city]").fill("Tokyo")
    form.locator("[name=destination_country]").select_option("JP")
    form.locator("[name=departure_date]").fill("2030-06-10")
    form.locator("[name=return_date]").fill("2030-06-14")
    form.locator("[name=delegation_kind]").select_option("dialogue")
    form.get_by_label("Urgensi").fill("Jepang menawarkan kerja sama reliance tahun ini.")
    form.get_by_label("Biaya dan manfaat").fill("Biaya tiket; manfaat: percepatan registrasi.")
    form.get_by_label("Rencana tindak lanjut").fill("Menyusun draf MoU bersama PMDA.")
    form.get_by_label("Korespondensi dengan Perwakilan RI").fill("Nota KBRI Tokyo No. 77 tanggal 2 Mei 2030.")
    form.locator("[name=funding_source]").select_option("unit")
    form.get_by_label("Sponsor", exact=True).fill("PMDA menanggung akomodasi.")
    form.locator("[name=estimated_cost]").fill("60000000")
    form.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "draft")
    # One person is too few for a dialogue delegation: the page warns.
    traveller = page.get_by_test_id("traveller-form")
    traveller.locator("[name=staff_member]").select_option(label="Dewi Lestari (Bagian Bilateral)")
    traveller.locator("[name=role]").fill("Ketua delegasi")
    traveller.get_by_role("button").click()
    expect(page.get_by_test_id("traveller-row")).to_have_count(1)
    expect(page.locator('[data-warning="delegation-size"]')).to_be_visible()

    with page.expect_download() as download:
        page.get_by_test_id("package-docx").click()
    assert download.value.suggested_filename.endswith(".docx")
    with open(download.value.path(), "rb") as f:
        document = Document(io.BytesIO(f.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Jepang menawarkan kerja sama reliance" in text and "Nota KBRI Tokyo No. 77" in text
    assert "PMDA menanggung akomodasi." in text and "Ketua delegasi" in cells
