"""The registry as staff use it: record a PPWG meeting with its delegation, position paper, outcome report and
follow-ups, then find it on the forum's profile; record an agreement with its signed PDF and find it on the
partner's profile; and a colleague of another division can read but not edit."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import choose, log_in
from mitra.demo.pdf import minimal_pdf


def attach(page: Page, path: Path, category: str) -> None:
    section = page.get_by_test_id("attachments")
    section.locator("input[type=file]").set_input_files(str(path))
    section.get_by_label("Kategori").select_option(label=category)
    section.get_by_role("button", name="Lampirkan berkas").click()


def test_staff_records_a_ppwg_meeting_story_and_the_forum_profile_shows_it(page: Page, site: str, tmp_path: Path):
    log_in(page, site, "staf.regional")
    # The forum's profile → a new meeting, pre-linked to the forum.
    page.goto(site + "/mitra/forum/")
    page.get_by_role("link", name="ACCSQ Pharmaceutical Product Working Group").click()
    forum_url = page.url
    page.goto(site + "/kerjasama/pertemuan/baru/")
    page.get_by_label("Judul").fill("25th ACCSQ PPWG Meeting")
    choose(page, "Forum", "PPWG")
    choose(page, "Kerjasama", "ACCSQ Pharmaceutical PWG (PPWG)")
    page.get_by_label("Tanggal mulai").fill("2018-03-20")
    page.get_by_label("Tanggal berakhir").fill("2018-03-22")
    page.get_by_label("Kota").fill("Bandar Seri Begawan")
    choose(page, "Negara", "Brunei Darussalam")
    page.get_by_label("Badan POM berpartisipasi aktif").check()
    page.get_by_label("Bentuk partisipasi Badan POM").fill("Statement on the ASEAN MRA on GMP")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="25th ACCSQ PPWG Meeting")).to_be_visible()
    meeting_url = page.url

    # Delegation: a head of delegation from the bureau and an expert from a technical unit.
    page.get_by_test_id("delegation-form").locator("summary").click()
    choose(page, "Pegawai", "Agus Setiawan")
    choose(page, "Peran", "Ketua delegasi")
    page.get_by_role("button", name="Tambahkan ke delegasi").click()
    page.get_by_test_id("delegation-form").locator("summary").click()
    page.get_by_label("Nama", exact=True).fill("Farida Nuraini")
    page.get_by_label("Unit", exact=True).fill("Direktorat Standardisasi Obat")
    choose(page, "Peran", "Tenaga ahli teknis")
    page.get_by_role("button", name="Tambahkan ke delegasi").click()
    delegation = page.get_by_role("region", name="Delegasi")
    expect(delegation).to_contain_text("Agus Setiawan")
    expect(delegation).to_contain_text("Farida Nuraini")

    # The position paper used, written for this meeting.
    page.goto(site + "/kerjasama/posisi/baru/")
    page.get_by_label("Judul").fill("Posisi Indonesia pada 25th PPWG")
    page.get_by_label("Tahun").fill("2018")
    choose(page, "Forum", "PPWG")
    choose(page, "Pertemuan", "25th ACCSQ PPWG Meeting")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="Posisi Indonesia pada 25th PPWG")).to_be_visible()
    page.goto(meeting_url + "ubah/")
    choose(page, "Dokumen posisi yang digunakan", "Posisi Indonesia pada 25th PPWG")
    page.get_by_role("button", name="Simpan").click()

    # The outcome report, a real PDF.
    report = tmp_path / "laporan-ppwg.pdf"
    report.write_bytes(minimal_pdf("Outcome report of the 25th ACCSQ PPWG"))
    attach(page, report, "Laporan hasil pertemuan")
    expect(page.get_by_test_id("attachments")).to_contain_text("laporan-ppwg.pdf")

    # Two follow-ups.
    for description, due in (
        ("Komentar atas draf ASEAN guideline", "2018-04-30"),
        ("Sosialisasi hasil PPWG ke unit teknis", "2018-05-31"),
    ):
        page.goto(meeting_url)
        page.get_by_test_id("add-follow-up").click()
        page.get_by_label("Tindakan").fill(description)
        page.get_by_label("Tenggat").fill(due)
        page.get_by_role("button", name="Simpan").click()
        expect(page.get_by_text(description).first).to_be_visible()
    page.goto(meeting_url)
    expect(page.get_by_role("region", name="Tindak lanjut")).to_contain_text("Sosialisasi hasil PPWG")

    # The forum's profile, and ASEAN's (a parent forum) show the story.
    for url in (forum_url, site + "/mitra/forum/" + _forum_pk(page, site, "ASEAN") + "/"):
        page.goto(url)
        timeline = page.get_by_test_id("timeline")
        expect(timeline).to_contain_text("25th ACCSQ PPWG Meeting")
        expect(timeline).to_contain_text("Komentar atas draf ASEAN guideline")

    # A colleague of another division reads it but cannot edit it.
    page.get_by_role("button", name="Agus Setiawan").click()
    page.get_by_test_id("logout").click()
    log_in(page, site, "staf.oi")
    page.goto(meeting_url)
    expect(page.get_by_role("heading", name="25th ACCSQ PPWG Meeting")).to_be_visible()
    expect(page.get_by_test_id("edit")).to_have_count(0)
    expect(page.get_by_test_id("delegation-form")).to_have_count(0)
    response = page.goto(meeting_url + "ubah/")
    assert response is not None and response.status == 403


def _forum_pk(page: Page, site: str, acronym: str) -> str:
    page.goto(site + f"/mitra/forum/?q={acronym}")
    href = page.get_by_role("link", name="Association of Southeast Asian Nations").get_attribute("href")
    assert href
    return href.rstrip("/").rsplit("/", 1)[1]


def test_agreement_with_signed_pdf_appears_on_the_partner_profile(page: Page, site: str, tmp_path: Path):
    log_in(page, site, "staf.bilateral")
    page.goto(site + "/kerjasama/perjanjian/baru/")
    choose(page, "Kerjasama", "Kerjasama Korea")
    choose(page, "Jenis", "MoU / Nota Kesepahaman")
    page.get_by_label("Nomor").fill("HK.07.01.1.21.01.18.0001")
    page.get_by_label("Judul (bahasa Indonesia)").fill("Nota Kesepahaman Badan POM dan MFDS")
    page.get_by_label("Penanda tangan Badan POM").fill("Kepala Badan POM")
    page.get_by_label("Penanda tangan mitra").fill("Minister of Food and Drug Safety")
    page.get_by_label("Tempat penandatanganan").fill("Seoul")
    page.get_by_label("Tanggal penandatanganan").fill("2018-06-14")
    page.get_by_label("Tanggal berakhir").fill("2018-06-01")  # before the signing: refused at the field
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Tanggal berakhir tidak boleh sebelum tanggal penandatanganan.")).to_be_visible()
    page.get_by_label("Tanggal berakhir").fill("")
    page.get_by_label("Jangka waktu (bulan)").fill("60")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="Nota Kesepahaman Badan POM dan MFDS")).to_be_visible()
    expect(page.get_by_text("14 Juni 2023").first).to_be_visible()  # the end, from the duration

    signed = tmp_path / "mou-mfds-signed.pdf"
    signed.write_bytes(minimal_pdf("Memorandum of Understanding between BPOM and MFDS"))
    attach(page, signed, "Salinan bertanda tangan")
    expect(page.get_by_test_id("attachments")).to_contain_text("mou-mfds-signed.pdf")

    page.goto(site + "/mitra/instansi/?q=MFDS")
    page.get_by_role("link", name="Ministry of Food and Drug Safety").click()
    expect(page.get_by_role("region", name="Perjanjian")).to_contain_text("Nota Kesepahaman Badan POM dan MFDS")
    expect(page.get_by_test_id("timeline")).to_contain_text("Nota Kesepahaman Badan POM dan MFDS")
