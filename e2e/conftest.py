"""Browser tests: Playwright drives Debian's Chromium against a live Django server with the demo loaded."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from conftest import DEMO_PASSWORD, restore_demo

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of fixtures are still synchronous.
    # Set here, not at import: pytest imports this file even when e2e/ is not collected.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package (make system-deps).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db, settings) -> str:
    """The live server with the demo loaded; each browser test empties the database when it ends, and the next one
    starts again from the demo as it was first loaded (`restore_demo` of the root conftest: a copy of the database
    taken after the session's load on SQLite; loaded again on PostgreSQL, where the demo loader also puts back the
    reference data the migrations made). No worker runs
    beside the live server: background tasks run at once in a thread of their own
    (mitra.tasks.backends.ThreadBackend)."""
    settings.TASKS = {"default": {"BACKEND": "mitra.tasks.backends.ThreadBackend", "QUEUES": ["default"]}}
    restore_demo()
    return live_server.url


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    # A browser that prefers English: the interface must still open in Indonesian.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page: Page, site: str, username: str) -> None:
    page.goto(site + "/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(site + "/")


def choose(page: Page, label: str, option: str, typed: str | None = None) -> None:
    """Pick `option` in the field labelled `label`: a select's option by its label, or, for a related record typed
    with suggestions (core/suggest.py), type `typed` (default: the option) by keyboard, wait for the suggestion
    whose value starts with `option`, and take it (what choosing it in the browser's list does)."""
    field = page.get_by_label(label)
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(label=option)
        return
    field.fill("")
    field.focus()
    page.keyboard.type(typed or option)
    list_id = field.get_attribute("list")
    suggestion = page.locator(f'#{list_id} option[value^="{option} (#"]').first
    suggestion.wait_for(state="attached")
    value = suggestion.get_attribute("value")
    assert value, option
    field.fill(value)
