"""The travel calendar on a busy day (issue 17): the day names its first three trips and counts the rest; "+N
lagi" lists every trip of that day below the calendar; axe finds no serious violation and a 390 px phone does not
scroll sideways (the month grid scrolls inside its own box)."""

from __future__ import annotations

import datetime as dt
import os

from playwright.sync_api import Browser, expect

from e2e.conftest import log_in
from e2e.test_accessibility import PHONE, page_width, serious_violations


def _busy_day() -> int:
    """Five more trips of the bureau's staff away 13–15 June 2017: how many trips 14 June has in all."""
    from mitra.core.models import User
    from mitra.travel import selectors
    from mitra.travel.tests.test_calendar import trip

    for i in range(5):
        trip(User.objects.get(username="staf.oi"), dt.date(2017, 6, 13), dt.date(2017, 6, 15), f"Kota Uji {i}")
    head = User.objects.get(username="kepala.biro")  # sees every request
    return len(selectors.travelling_between(head, dt.date(2017, 6, 14), dt.date(2017, 6, 14)))


def test_a_busy_day_links_to_its_trips_on_a_phone(browser: Browser, site: str) -> None:
    away = _busy_day()
    context = browser.new_context(locale="id-ID", viewport=PHONE)
    page = context.new_page()
    log_in(page, site, "kepala.biro")
    page.goto(site + "/perjalanan/kalender/?bulan=2017-06")
    more = page.locator("[data-testid=calendar-more][href*='hari=14#']")
    expect(more).to_contain_text(f"+{away - 3} lagi")
    assert serious_violations(page) == []
    assert page_width(page) <= PHONE["width"]
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], "calendar-390.png"), full_page=True)
    more.click()
    heading = page.locator("#daftar")
    expect(heading).to_contain_text(f"14 Juni 2017 ({away})")
    expect(page.get_by_test_id("calendar-list").locator("li")).to_have_count(away)
    expect(page.get_by_test_id("calendar-list")).to_contain_text("Kota Uji 4")
    assert serious_violations(page) == []
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], "calendar-day-390.png"), full_page=True)
    page.get_by_test_id("whole-month").click()
    expect(page.locator("#daftar")).to_contain_text("Perjalanan bulan ini")
    context.close()
