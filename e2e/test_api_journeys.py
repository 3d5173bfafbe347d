"""The API documentation page renders under the strict CSP (script-src 'self'): Swagger UI from local files."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import log_in


def test_api_docs_render_without_csp_violations(page: Page, site: str):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text and "script" in message.text
            else None
        ),
    )
    external: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(site) else external.append(request.url))
    log_in(page, site, "staf.bilateral")
    page.goto(site + "/api/v1/docs/")
    expect(page.get_by_text("Mitra API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/cooperations/").first).to_be_visible()
    assert violations == []
    assert [u for u in external if not u.startswith("data:")] == []
