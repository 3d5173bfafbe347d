"""The quarterly cycle as people do it: staff enter their unit's quarter, the head verifies, leadership approves
and the quarter locks; the monitoring view then shows which unit is behind plan."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import log_in

REPORT = "/kinerja/2017/triwulan/4/ksln-bm/"


def switch_user(page: Page, site: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, site, username)


def test_quarter_is_entered_verified_approved_and_locked(page: Page, site: str):
    log_in(page, site, "staf.bilateral")
    page.goto(site + REPORT)
    expect(page.get_by_test_id("report-status")).to_be_visible()
    page.get_by_test_id("edit-entry-4").click()
    page.locator("[name=obstacles]").fill("Tujuh perjalanan batal karena undangan bersamaan.")
    page.locator("[name=follow_up]").fill("Jadwal partisipasi disusun bersama unit teknis.")
    page.get_by_test_id("save-entry").click()
    expect(page).to_have_url(site + REPORT)
    expect(page.get_by_test_id("entry-4")).to_contain_text("Tujuh perjalanan batal")

    # A negative amount is refused at the field, nothing saved.
    page.get_by_test_id("edit-entry-5").click()
    page.locator("[name=budget_realised]").fill("-100")
    page.get_by_test_id("save-entry").click()
    expect(page.locator("#id_budget_realised.is-invalid")).to_be_visible()
    page.goto(site + REPORT)

    page.get_by_test_id("submit-quarter").click()
    expect(page.get_by_test_id("report-status")).to_have_attribute("data-status", "submitted")
    expect(page.get_by_test_id("edit-entry-4")).to_have_count(0)

    switch_user(page, site, "kabag.bilateral")
    page.goto(site + REPORT)
    page.get_by_test_id("verify-quarter").click()
    expect(page.get_by_test_id("approve-quarter")).to_have_count(0)  # heads do not approve

    switch_user(page, site, "kepala.biro")
    page.goto(site + REPORT)
    page.get_by_test_id("approve-quarter").click()
    expect(page.get_by_test_id("report-locked")).to_be_visible()
    history = page.get_by_role("region", name="Riwayat")
    expect(history).to_contain_text("kepala.biro")
    expect(history).to_contain_text("kabag.bilateral")

    # The monitoring view of the quarter picks out the unit behind plan and draws the charts.
    page.goto(site + "/kinerja/2017/monitoring/?triwulan=4")
    expect(page.get_by_test_id("behind-unit-ksln-bm")).to_be_visible()
    expect(page.get_by_test_id("unit-ksln-bm")).to_have_attribute("data-behind", "true")
    expect(page.get_by_test_id("report-status-ksln-bm")).to_have_attribute("data-status", "approved")
    assert page.locator("#unit-chart").evaluate("c => c.width > 0 && !!window.Chart")
