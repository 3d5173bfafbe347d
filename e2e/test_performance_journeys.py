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
    page.get_by_test_id("confirm-step").click()  # approving locks: it asks first
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


class Clicks:
    """Counts the clicks a journey takes (reported in the user guide and the issue's closing note)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator) -> None:  # type: ignore[no-untyped-def]
        locator.click()
        self.count += 1


def test_the_quarter_reaches_head_and_leadership_through_my_work_and_the_approvals_inbox(page: Page, site: str):
    # Staff: the home page links straight to the draft quarter (2 clicks: open, submit; before: 4 to find it + 1).
    log_in(page, site, "staf.bilateral")
    click = Clicks()
    click(page.get_by_test_id("my-work").locator(f'a[href="{REPORT}"]'))
    click(page.get_by_test_id("submit-quarter"))
    expect(page.get_by_test_id("report-status")).to_have_attribute("data-status", "submitted")
    assert click.count == 2

    # Head of division: the menu's badge shows the quarter waiting; Performance → Approvals → Review → Verify.
    switch_user(page, site, "kabag.bilateral")
    nav = page.get_by_role("navigation", name="Navigasi utama")
    expect(nav.locator('[data-testid="nav-badge"][data-for="/kinerja/"]')).to_contain_text("1")
    click = Clicks()
    click(nav.get_by_role("button", name="Kinerja"))
    click(nav.get_by_role("link", name="Persetujuan"))
    row = page.get_by_test_id("approval-2017-4-ksln-bm")
    expect(row).to_contain_text("Verifikasi")
    click(row.get_by_role("link", name="Tinjau"))
    expect(page.locator("[name=reason]")).to_be_hidden()  # the reason belongs to "return", folded with it
    click(page.get_by_test_id("verify-quarter"))
    expect(page.get_by_test_id("report-status")).to_have_attribute("data-status", "verified")
    assert click.count == 4
    history = page.get_by_role("region", name="Riwayat")
    expect(history.get_by_test_id("history-status").first).to_have_text("Diajukan → Diverifikasi")

    # Leadership: Performance → Approvals → Review → Approve and lock… → confirm (the one step that locks asks).
    switch_user(page, site, "kepala.biro")
    nav = page.get_by_role("navigation", name="Navigasi utama")
    click = Clicks()
    click(nav.get_by_role("button", name="Kinerja"))
    click(nav.get_by_role("link", name="Persetujuan"))
    click(page.get_by_test_id("approval-2017-4-ksln-bm").get_by_role("link", name="Tinjau"))
    click(page.get_by_test_id("approve-quarter"))
    expect(page.get_by_test_id("confirm-summary")).to_contain_text("2017")
    expect(page.get_by_test_id("report-status")).to_have_count(0)  # nothing locked yet
    click(page.get_by_test_id("confirm-step"))
    expect(page.get_by_test_id("report-locked")).to_be_visible()
    assert click.count == 5
    history = page.get_by_role("region", name="Riwayat")
    expect(history.get_by_test_id("history-status").first).to_have_text("Diverifikasi → Disetujui (terkunci)")
    expect(history).not_to_contain_text("submitted_by")
    expect(page.get_by_test_id("approvals-empty")).to_have_count(0)
    page.goto(site + "/kinerja/persetujuan/")
    expect(page.get_by_test_id("approvals-empty")).to_be_visible()
