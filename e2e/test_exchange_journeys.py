"""Browser journeys of data exchange: marking a cooperation as development cooperation, the head of the bureau
marking it public, and downloading the IATI file."""

from __future__ import annotations

from lxml import etree
from playwright.sync_api import Page, expect

from e2e.conftest import log_in
from mitra.cooperation.models import Cooperation
from mitra.exchange import iati


def test_staff_marks_development_cooperation_and_downloads_the_iati_file(page: Page, site: str) -> None:
    log_in(page, site, "staf.bilateral")
    korea = Cooperation.objects.get(title="Kerjasama Korea")
    page.goto(site + f"/kerjasama/daftar/{korea.pk}/ubah/")
    page.get_by_label("Kerja sama pembangunan").select_option(label="Bantuan teknis yang diterima Badan POM")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(site + f"/kerjasama/daftar/{korea.pk}/")
    expect(page.get_by_role("definition").filter(has_text="Bantuan teknis yang diterima Badan POM")).to_be_visible()

    page.goto(site + "/pertukaran/impor/")  # marked but not public: left out, with the count on the page
    expect(page.get_by_text("Tidak dimasukkan ke berkas: 3 belum ditandai publik")).to_be_visible()

    page.context.clear_cookies()
    log_in(page, site, "kepala.biro")  # publishing is the head's decision
    page.goto(site + f"/publik/kelola/kerjasama/{korea.pk}/")
    page.get_by_label("Ringkasan publik (Indonesia)").fill("Kerja sama teknis dengan MFDS Korea.")
    page.get_by_role("button", name="Tampilkan di halaman publik").click()
    expect(page.get_by_text("Ditampilkan di halaman publik.")).to_be_visible()

    page.goto(site + "/pertukaran/impor/")
    expect(page.get_by_text("Tidak dimasukkan ke berkas: 2 belum ditandai publik")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh berkas IATI (XML)").click()
    assert download.value.suggested_filename == "mitra-iati-activities.xml"
    with open(download.value.path(), "rb") as f:
        content = f.read()
    assert iati.validate(content) == []
    titles = sorted(a.findtext("title/narrative") for a in etree.fromstring(content).findall("iati-activity"))
    assert titles == ["Kerjasama Korea"]
