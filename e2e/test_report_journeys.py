"""A person opens the year's reports, previews the LAKIP, follows a figure to its computation, downloads it; a
report that takes longer than a page load is made in the background with its progress shown."""

from __future__ import annotations

import hashlib
import re
import shutil

from playwright.sync_api import Page, expect

from e2e.conftest import log_in
from mitra.reports import generate


def test_reader_previews_and_downloads_the_lakip(page: Page, site: str) -> None:
    log_in(page, site, "pembaca")
    page.goto(site + "/laporan/2017/")
    expect(page.get_by_test_id("consistency")).to_be_visible()
    page.get_by_role("link", name="Preview").or_(page.get_by_role("link", name="Pratinjau")).first.click()
    figure = page.locator('[data-testid="report-preview"] a.fig[data-fig="budget.absorption_pct"]').first
    expect(figure).to_have_text("93,86 %")
    with page.expect_download() as download:
        page.locator(".d-print-none a", has_text="XLSX").click()
    assert download.value.suggested_filename == "LAKIP-2017-Biro-KSLN.xlsx"
    if "/laporan/tugas/" in page.url:  # not made within a second (a busy machine): its job page sent it; go back
        page.go_back()
    figure.click()
    page.wait_for_url(site + "/kinerja/2017/pengukuran/")


def test_admin_sees_an_unknown_figure_refused(page: Page, site: str) -> None:
    log_in(page, site, "admin")
    page.goto(site + "/laporan/2017/narasi/summary/")
    expect(page.get_by_test_id("figure-list")).to_contain_text("budget.absorption_pct")
    page.locator("textarea").fill("Serapan {{ budget.absorbtion }}.")
    page.locator("form[novalidate] button.btn-primary").click()
    expect(page.locator("form[novalidate]")).to_contain_text("budget.absorbtion")


def test_reader_downloads_the_pdf_through_the_progress_page(page: Page, site: str) -> None:
    # Nothing cached from an earlier test: the PDF has to be made, which takes longer than a page load.
    shutil.rmtree(generate.cache_dir(), ignore_errors=True)
    log_in(page, site, "pembaca")
    page.goto(site + "/laporan/2017/")
    with page.expect_download(timeout=120_000) as download:
        page.get_by_test_id("lakip-pdf").click()
        page.wait_for_url(re.compile(r".*/laporan/tugas/\d+/$"))
        expect(page.get_by_test_id("job-progress")).to_be_visible()
        expect(page.get_by_test_id("job-stage")).not_to_be_empty()
        expect(page.get_by_test_id("job-done")).to_be_visible(timeout=120_000)
    assert download.value.suggested_filename == "LAKIP-2017-Biro-KSLN.pdf"
    path = download.value.path()
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
    expect(page.get_by_test_id("job-progress")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_test_id("job-download")).to_have_attribute("href", re.compile(r"/laporan/tugas/\d+/unduh/$"))
    # Made once: the button's link now answers with the cached file itself, as a download too.
    again = page.request.get(site + "/laporan/2017/lakip.pdf", max_redirects=0)
    assert again.status == 200 and again.headers["x-report-cached"] == "1"
    assert again.headers["content-disposition"] == 'attachment; filename="LAKIP-2017-Biro-KSLN.pdf"'
    assert again.body().startswith(b"%PDF-")


def test_head_of_bureau_issues_the_lakip_and_downloads_the_issued_file(page: Page, site: str, monkeypatch) -> None:
    from mitra.reports import services

    monkeypatch.setattr(services, "ISSUE_FORMATS", ("html",))  # the PDFs and DOCX take long; the flow is the point
    log_in(page, site, "kepala.biro")
    page.goto(site + "/laporan/2017/")
    expect(page.get_by_test_id("issue-status")).to_contain_text("Inspektorat Utama Badan POM")
    page.get_by_test_id("issue-button").click()
    # The demo's bilateral division has not had its fourth quarter approved: the page names it and asks to confirm.
    expect(page.get_by_test_id("unapproved-quarters")).to_be_visible()
    page.get_by_test_id("issue-confirm").click()
    expect(page.locator("#id_confirm_unapproved")).to_have_class(re.compile("is-invalid"))
    page.locator("#id_confirm_unapproved").check()
    page.get_by_test_id("issue-confirm").click()
    page.wait_for_url(re.compile(r".*/laporan/2017/#terbit$"))
    revisions = page.get_by_test_id("issued-revisions")
    for _attempt in range(60):  # the files are made by a task in a thread: reload until the revision is there
        if revisions.count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(revisions).to_contain_text("Ratna Kusumawati")
    link = revisions.locator('a[href$="/terbit/1/id.html"]')
    expected = (link.get_attribute("title") or "").removeprefix("SHA-256 ")
    response = page.request.get(site + "/laporan/2017/terbit/1/id.html")
    assert response.status == 200
    assert hashlib.sha256(response.body()).hexdigest() == expected
    expect(page.get_by_test_id("review-button")).to_be_visible()  # a correction starts with a new review
