"""The SAKIP evaluation as people do it: the unit answers a criterion of the 2017 worksheet with its evidence, the
head of bureau records the evaluator's answer beside it, the estimate follows both; the evaluation report's (LHE)
recommendation waits in its owner's "my work", who follows it up."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import log_in

OVERVIEW = "/evaluasi/2017/"
COMPONENT = "/evaluasi/2017/4/"
CRITERION = "criterion-4.b.1"  # the demo's own answer: D


def switch_user(page: Page, site: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, site, username)


def total(page: Page, site: str) -> float:
    page.goto(site + OVERVIEW)
    return float(page.get_by_test_id("total").inner_text().replace(".", "").replace(",", "."))


def test_the_unit_answers_with_evidence_the_evaluator_answers_and_the_recommendation_is_work(page: Page, site: str):
    log_in(page, site, "staf.bilateral")
    before = total(page, site)

    # The unit's own answer, with a note and a record of Mitra linked as its evidence.
    page.goto(site + COMPONENT)
    criterion = page.get_by_test_id(CRITERION)
    own = criterion.locator('form[action$="/jawaban/"]')
    own.locator("select").select_option("A")
    own.locator("textarea").fill("Evaluasi berjenjang sampai subbagian, dibahas tiap triwulan.")
    own.get_by_role("button", name="Simpan").click()
    expect(page.locator(".alert-success")).to_contain_text("4.b.1")
    criterion = page.get_by_test_id(CRITERION)
    expect(criterion.locator('form[action$="/evaluator/"]')).to_have_count(0)  # staff do not evaluate
    evidence = criterion.locator('form[action$="/bukti/"]')
    chosen = evidence.locator("select option").first.inner_text()
    evidence.locator("select").select_option(index=0)
    evidence.get_by_role("button", name="Tautan").click()
    criterion = page.get_by_test_id(CRITERION)
    expect(criterion.locator("ul a").first).to_be_visible()
    expect(criterion).to_contain_text(chosen.split(" · ", 1)[1].rstrip("…")[:30])
    after_own = total(page, site)
    assert after_own > before

    # The head of bureau records the evaluator's answer beside it: it counts instead of the unit's.
    switch_user(page, site, "kepala.biro")
    page.goto(site + COMPONENT)
    criterion = page.get_by_test_id(CRITERION)
    expect(criterion).to_contain_text("Evaluasi berjenjang sampai subbagian")
    theirs = criterion.locator('form[action$="/evaluator/"]')
    theirs.locator("select").select_option("B")
    theirs.get_by_role("button", name="Simpan").click()
    expect(page.locator(".alert-success")).to_contain_text("4.b.1")
    after_evaluator = total(page, site)
    assert before < after_evaluator < after_own
    expect(page.get_by_test_id("official-history")).to_contain_text("71,74")

    # The 2017 LHE's recommendation owned by the unit's staff member waits on her home page; she follows it up.
    switch_user(page, site, "staf.bilateral")
    item = page.get_by_test_id("my-work").locator("li", has_text="Tingkatkan capaian sistem akuntabilitas")
    expect(item.get_by_role("link", name="Tindak lanjuti rekomendasi LHE 2017")).to_be_visible()
    item.get_by_role("link").click()
    expect(page.get_by_test_id("recommendation-text")).to_contain_text("target A")
    form = page.get_by_test_id("follow-up-form")
    expect(form.locator("[name=text]")).to_have_count(0)  # the unit writes only its follow-up
    form.locator("[name=status]").select_option("in_progress")
    form.locator("[name=action_plan]").fill("Bukti dukung LKE 2018 dihimpun di Mitra.")
    form.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("recommendation-status")).to_have_text("Sedang berjalan")
