"""An administrator adds a user of a requesting unit without the Django admin (issue 16); the user sets their
own password at the one-time link and signs in."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from .conftest import log_in

NEW_PASSWORD = "Perjalanan-Dinas-Luar-Negeri-2026"


def test_an_administrator_adds_a_requester_who_sets_their_password(page: Page, site: str, browser: Browser):
    log_in(page, site, "admin")
    page.get_by_role("link", name="Organisasi").first.click()  # click 1
    page.get_by_test_id("manage-users").click()  # click 2
    page.get_by_test_id("user-create").click()  # click 3
    page.get_by_label("Nama pengguna").fill("pemohon.obat")
    page.get_by_label("Nama depan").fill("Rina")
    page.locator("#id_unit").select_option(label="Direktorat Registrasi Obat")
    page.locator("input[name=role][value=staff]").check()
    page.get_by_role("button", name="Simpan").click()  # click 4
    link = page.get_by_test_id("password-link").input_value()
    assert "/akun/sandi/atur/" in link

    newcomer = browser.new_context(locale="id-ID").new_page()
    newcomer.goto(link)
    newcomer.locator("#id_new_password1").fill(NEW_PASSWORD)
    newcomer.locator("#id_new_password2").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Simpan kata sandi").click()
    expect(newcomer.get_by_role("heading", level=1)).to_be_visible()
    newcomer.goto(site + "/akun/masuk/")
    newcomer.get_by_label("Nama pengguna").fill("pemohon.obat")
    newcomer.get_by_label("Sandi").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Masuk").click()
    newcomer.wait_for_url(site + "/")
    expect(newcomer.get_by_role("heading", name="Selamat datang, Rina")).to_be_visible()
    expect(newcomer.get_by_role("button", name="Perjalanan")).to_be_visible()  # a requester: travel in the menu
    newcomer.context.close()
