"""A person opens the year's reports, previews the LAKIP, follows a figure to its computation, downloads it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import log_in


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
    figure.click()
    page.wait_for_url(site + "/kinerja/2017/pengukuran/")


def test_admin_sees_an_unknown_figure_refused(page: Page, site: str) -> None:
    log_in(page, site, "admin")
    page.goto(site + "/laporan/2017/narasi/summary/")
    expect(page.get_by_test_id("figure-list")).to_contain_text("budget.absorption_pct")
    page.locator("textarea").fill("Serapan {{ budget.absorbtion }}.")
    page.locator("form[novalidate] button.btn-primary").click()
    expect(page.locator("form[novalidate]")).to_contain_text("budget.absorbtion")
