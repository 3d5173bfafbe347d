"""A record form's related record of a large table is typed with suggestions (core/suggest.py): keyboard only, a
suggestion puts the record's name and number in the field, saving keeps it, an unknown one is a message at the
field; axe finds nothing serious on the form."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import log_in
from e2e.test_accessibility import serious_violations


def test_a_follow_up_picks_its_meeting_by_keyboard(page: Page, site: str) -> None:
    from mitra.cooperation.models import FollowUp, Meeting

    meeting = Meeting.objects.exclude(title__contains='"').order_by("-start_date").first()
    assert meeting is not None
    log_in(page, site, "staf.regional")
    page.goto(site + "/kerjasama/tindak-lanjut/baru/")
    page.get_by_label("Tindakan").fill("Tindak lanjut dipilih dengan papan ketik")
    field = page.get_by_label("Pertemuan")
    expect(field).to_have_attribute("list", "id_meeting-options")
    field.focus()
    page.keyboard.type(meeting.title)
    option = page.locator(f'#id_meeting-options option[value="{meeting.title} (#{meeting.pk})"]')
    expect(option).to_have_count(1)
    assert page.locator("#id_meeting-options option").count() <= 20
    assert not serious_violations(page)
    field.fill(f"{meeting.title} (#{meeting.pk})")  # what choosing the suggestion (arrow keys, Enter) puts there
    page.get_by_label("Tenggat").fill("2030-01-31")
    page.get_by_label("Tenggat").press("Enter")
    expect(page.get_by_role("heading", name="Tindak lanjut dipilih dengan papan ketik")).to_be_visible()
    saved = FollowUp.objects.get(description="Tindak lanjut dipilih dengan papan ketik")
    assert saved.meeting_id == meeting.pk
    # Editing shows the meeting; a value that names no meeting is a message at the field.
    page.goto(site + f"/kerjasama/tindak-lanjut/{saved.pk}/ubah/")
    expect(page.get_by_label("Pertemuan")).to_have_value(f"{meeting.title} (#{meeting.pk})")
    page.get_by_label("Pertemuan").fill("Rapat yang tidak ada")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("bukan rekaman yang dapat Anda pilih di sini")
    assert not serious_violations(page)
