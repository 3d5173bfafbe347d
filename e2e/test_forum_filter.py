"""The forum filter of the lists is a text field with suggestions (a datalist filled from a JSON endpoint as the
user types): keyboard only, it filters the list and keeps the URL parameter; axe finds nothing serious on it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import log_in
from e2e.test_accessibility import serious_violations


def test_typing_a_forum_suggests_and_filters_by_keyboard(page: Page, site: str) -> None:
    from mitra.cooperation.models import Meeting
    from mitra.partners.models import Forum

    ppwg = Forum.objects.get(acronym="PPWG")
    expected = Meeting.objects.filter(forum=ppwg).count()
    assert expected > 0
    log_in(page, site, "kepala.biro")
    page.goto(site + "/kerjasama/pertemuan/")
    field = page.get_by_label("Forum", exact=True)
    expect(field).to_have_attribute("list", "id_forum-options")
    field.focus()
    page.keyboard.type("PPW")
    options = page.locator("#id_forum-options option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", "PPWG")
    expect(options.first).to_have_attribute("label", "ACCSQ Pharmaceutical Product Working Group (PPWG)")
    page.keyboard.type("G")
    page.keyboard.press("Enter")  # submits the filter form
    page.wait_for_url("**forum=PPWG**")
    expect(page.get_by_label("Forum", exact=True)).to_have_value("PPWG")
    expect(page.locator("table tbody tr")).to_have_count(min(expected, 25))
    assert not serious_violations(page)
    # A link naming the forum by its id shows the acronym; an unknown forum is a message at the field.
    page.goto(site + f"/kerjasama/pertemuan/?forum={ppwg.pk}")
    expect(page.get_by_label("Forum", exact=True)).to_have_value("PPWG")
    page.goto(site + "/kerjasama/pertemuan/?forum=Tidak+ada")
    expect(page.locator(".invalid-feedback")).to_contain_text("Tidak ada forum dengan akronim atau nama")
    assert not serious_violations(page)
