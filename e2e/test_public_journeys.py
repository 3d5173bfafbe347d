"""The public page (issue 19.6): an anonymous visitor reads what the head marked public; the head marks a record."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from .conftest import log_in


def test_the_head_marks_a_cooperation_public_and_a_visitor_reads_it(page: Page, site: str, browser: Browser):
    visitor = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844}).new_page()
    visitor.goto(site + "/publik/")
    expect(visitor.get_by_role("heading", name="Kerja sama internasional Badan POM")).to_be_visible()
    expect(visitor.get_by_text("Nota Kesepahaman Badan POM dan ONSSA Maroko").first).to_be_visible()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways on a phone
    visitor.goto(site + "/kerjasama/")  # the registry itself stays closed
    expect(visitor).to_have_url(re.compile(r"/akun/masuk/"))

    log_in(page, site, "kepala.biro")
    page.goto(site + "/kerjasama/")
    page.get_by_role("link", name="Halaman publik").click()  # click 1
    page.get_by_label("Judul atau nomor").fill("Yordania")
    page.get_by_role("button", name="Saring").click()  # click 2
    page.get_by_role("row").filter(has_text="Kerjasama Yordania").get_by_role("link", name=re.compile("^Atur")).click()
    title = page.get_by_role("heading", level=1).inner_text()
    page.get_by_label("Ringkasan publik (Indonesia)").fill("Kerja sama pengawasan obat dengan JFDA Yordania.")
    page.get_by_role("button", name="Tampilkan di halaman publik").click()  # click 4
    expect(page.get_by_text("Ditampilkan di halaman publik.")).to_be_visible()

    visitor.goto(site + "/publik/")
    visitor.get_by_role("link", name=title).first.click()
    expect(visitor.get_by_text("Kerja sama pengawasan obat dengan JFDA Yordania.")).to_be_visible()
    visitor.context.close()
