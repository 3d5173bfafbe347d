"""A travel request from draft to completed through the interface, with documents attached to its steps."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import log_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_request_from_draft_to_complete_with_documents(page: Page, site: str, tmp_path: Path) -> None:
    from mitra.travel import selectors

    before = selectors.on_time(2017)
    trips_before = _q2_trips(selectors)
    letter = tmp_path / "surat-tugas.pdf"
    letter.write_bytes(PDF)

    # The bilateral division drafts the trip and names its traveller.
    log_in(page, site, "staf.bilateral")
    page.goto(site + "/perjalanan/")
    page.get_by_test_id("new-request").click()
    form = page.get_by_test_id("request-form")
    form.locator("[name=purpose]").fill("Pertemuan uji jalur e2e")
    form.locator("[name=destination_city]").fill("Jenewa")
    form.locator("[name=destination_country]").select_option("CH")
    form.locator("[name=departure_date]").fill("2017-06-27")
    form.locator("[name=return_date]").fill("2017-06-30")
    form.locator("[name=funding_source]").select_option("bureau")
    sub_activity = form.locator("[name=sub_activity] option", has_text="2017 · 4. Keikutsertaan")
    form.locator("[name=sub_activity]").select_option(sub_activity.first.get_attribute("value"))
    form.locator("[name=estimated_cost]").fill("45000000")
    form.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "draft")
    detail_url = page.url

    traveller = page.get_by_test_id("traveller-form")
    traveller.locator("[name=staff_member]").select_option(label="Dewi Lestari (Bagian Bilateral)")
    traveller.locator("[name=passport_expires_on]").fill("2017-12-01")  # within six months of the return
    traveller.get_by_role("button").click()
    expect(page.locator("#error_1_id_passport_expires_on, .invalid-feedback").first).to_be_visible()
    traveller = page.get_by_test_id("traveller-form")
    traveller.locator("[name=staff_member]").select_option(label="Dewi Lestari (Bagian Bilateral)")
    traveller.locator("[name=passport_number]").fill("X7654321")
    traveller.locator("[name=passport_expires_on]").fill("2021-06-30")
    traveller.get_by_role("button").click()
    expect(page.get_by_test_id("traveller-row")).to_have_count(1)
    page.get_by_test_id("submit-request").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "submitted")
    # Where it went and by when, the date in words (one working day before departure; 26 June 2017 was a leave day).
    expect(page.locator(".alert-success")).to_contain_text(
        "Diajukan ke Biro KSLN; batas proses dokumen perjalanan 23 Juni 2017"
    )
    page.context.clear_cookies()

    # The bureau's administration works every step and attaches the documents, all on the request's page: per step
    # unfold it (1), type the two dates (2), save (1), choose the file (1), attach (1) = 6 actions and no page to
    # find; before, each step was a page of its own (open the request, the step's link, 2 dates, save, file,
    # attach = 7 actions and two pages per step).
    log_in(page, site, "staf.oi")
    page.goto(detail_url)
    codes = [row.get_attribute("data-step") for row in page.get_by_test_id("step-row").all()]
    assert len(codes) >= 5
    actions = 0
    for code in codes:
        work = page.get_by_test_id(f"step-work-{code}")
        if work.get_attribute("open") is None:
            work.locator("summary").click()
            actions += 1
        after_return = code == "laporan"
        step_form = page.get_by_test_id(f"step-form-{code}")
        step_form.locator("[name=requested_on]").fill("2017-07-03" if after_return else "2017-06-12")
        step_form.locator("[name=completed_on]").fill("2017-07-05" if after_return else "2017-06-23")
        step_form.get_by_role("button", name="Simpan").click()
        actions += 3
        expect(page.locator(".alert-success").first).to_be_visible()
        assert page.url.startswith(detail_url)  # back on the request's page, this step open
        upload = page.get_by_test_id(f"step-work-{code}").get_by_test_id("upload-form")
        upload.locator("input[type=file]").set_input_files(str(letter))
        upload.locator("button[type=submit]").click()
        actions += 2
        row = page.locator(f'[data-testid=step-row][data-step="{code}"]')
        expect(row.get_by_test_id("step-document")).to_have_count(1)
        expect(row).to_have_attribute("data-done", "1")
    assert actions == 6 * len(codes)

    page.goto(detail_url)
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "ready")
    expect(page.get_by_test_id("on-time")).to_be_visible()  # complete Friday 23 June, before Tuesday 27 June
    page.get_by_test_id("complete-request").click()
    expect(page.locator(".alert-danger, .alert-error").first).to_be_visible()  # the bureau pays: cost first
    page.get_by_test_id("edit").click()
    page.locator("[name=realised_cost]").fill("43500000")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_test_id("complete-request").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "completed")

    after = selectors.on_time(2017)
    assert (after.on_time_count, after.measured) == (before.on_time_count + 1, before.measured + 1)
    assert _q2_trips(selectors) == trips_before + 1
    page.goto(site + "/perjalanan/sub-kegiatan/2017/")
    q2 = page.locator("[data-testid=trips-row][data-sub='4'][data-quarter='2']")
    expect(q2).to_have_attribute("data-trips", str(trips_before + 1))
    # The calendar jumps to any month and year: choose the month, type the year, show (3 actions; the arrows
    # alone took one click per month, ~108 from today back to 2017).
    page.goto(site + "/perjalanan/kalender/")
    picker = page.get_by_test_id("month-picker")
    picker.get_by_label("Bulan").select_option("6")
    picker.get_by_label("Tahun").fill("2017")
    picker.get_by_test_id("month-go").click()
    expect(page.locator("h1")).to_contain_text("Juni 2017")
    expect(page.get_by_test_id("calendar-trip").filter(has_text="Jenewa").first).to_be_visible()

    # The country's page lists the trips to it (Japan: the trips to Tokyo that search also finds).
    page.goto(site + "/mitra/negara/JP/")
    trips = page.get_by_test_id("partner-trips")
    assert int(trips.get_attribute("data-count") or 0) >= 10
    expect(trips).to_contain_text("Tokyo")


def _q2_trips(selectors) -> int:  # type: ignore[no-untyped-def]
    row = next(r for r in selectors.trips_by_sub_activity(2017) if r.sub.number == 4)
    return row.quarters[1].trips
