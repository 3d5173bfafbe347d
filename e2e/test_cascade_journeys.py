"""Cascading an indicator as the head of a division does it: from the performance tree, a division's indicator is
cascaded to one of its sub-divisions with its manual and yearly target; the new indicator is on the tree, and the
tree still names the unit that is behind its action plan."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import log_in

TREE = "/kinerja/2017/kaskade/"


def test_a_division_head_cascades_an_indicator_and_the_tree_names_the_unit_behind(page: Page, site: str):
    from mitra.core.models import OrganisationUnit
    from mitra.performance.models import UnitIndicator

    division = UnitIndicator.objects.get(unit__code="ksln-bm", code="dok-bm")
    log_in(page, site, "kabag.bilateral")
    page.goto(site + TREE + "?triwulan=2")
    # The division's head cascades from the division's indicator, not from the bureau's.
    expect(page.get_by_test_id("cascade-from-iku")).to_have_count(0)
    page.get_by_test_id(f"cascade-further-{division.pk}").click()
    expect(page.get_by_test_id("cascade-source")).to_contain_text("Jumlah dokumen kerjasama bilateral dan multilateral")

    form = page.locator("form[method=post]")
    sub = OrganisationUnit.objects.get(code="ksln-bm-multilateral")
    form.locator('[name="unit"]').select_option(value=str(sub.pk))
    form.locator('[name="code"]').fill("posisi-multi")
    form.locator('[name="name"]').fill("Jumlah kertas posisi sidang multilateral")
    form.locator('[name="unit_of_measure"]').fill("dokumen")
    form.locator('[name="definition"]').fill("Kertas posisi yang disampaikan delegasi pada sidang multilateral.")
    form.locator('[name="year_target"]').fill("abc")
    page.get_by_test_id("save-unit-indicator").click()
    # A bad target is refused at its field, with what was typed kept.
    expect(form.locator('[name="year_target"]')).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(form.locator('[name="code"]')).to_have_value("posisi-multi")
    form.locator('[name="year_target"]').fill("3")
    page.get_by_test_id("save-unit-indicator").click()

    page.wait_for_url(f"**{TREE}**")
    row = page.get_by_test_id("unit-indicator-ksln-bm-multilateral-posisi-multi")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Jumlah kertas posisi sidang multilateral")
    expect(row).to_contain_text("3")
    created = UnitIndicator.objects.get(unit__code="ksln-bm-multilateral", code="posisi-multi")
    assert created.parent_id == division.pk and created.created_by is not None
    assert created.created_by.username == "kabag.bilateral"

    # The tree up to quarter II names the unit behind its action plan (the demo's OI division).
    page.goto(site + TREE + "?triwulan=2")
    expect(page.get_by_test_id("cascade-behind-ksln-oi").first).to_be_visible()
    expect(page.get_by_test_id("cascade-behind-ksln-bm")).to_have_count(0)
    expect(page.get_by_test_id("unit-indicator-ksln-bm-multilateral-posisi-multi")).to_be_visible()
