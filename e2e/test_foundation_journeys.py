"""What a person does first: log in, read in Indonesian, switch to English, log out; a reader edits nothing."""

from __future__ import annotations

from urllib.parse import urljoin, urlparse

from playwright.sync_api import Page, expect

from e2e.conftest import log_in


def test_staff_logs_in_in_indonesian_switches_to_english_and_logs_out(page: Page, site: str):
    page.goto(site + "/")
    expect(page).to_have_url(site + "/akun/masuk/?next=/")
    expect(page.get_by_role("heading", name="Masuk ke Mitra")).to_be_visible()
    log_in(page, site, "staf.bilateral")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", name="Selamat datang, Dewi")).to_be_visible()
    nav = page.get_by_role("navigation", name="Navigasi utama")
    expect(nav.get_by_role("link", name="Beranda")).to_be_visible()
    expect(nav.get_by_role("link", name="Organisasi")).to_be_visible()

    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(page.get_by_role("heading", name="Welcome, Dewi")).to_be_visible()

    # The choice belongs to the user: it holds on the next page too.
    nav.get_by_role("link", name="Organisation").click()
    expect(page.get_by_role("heading", name="Organisation", exact=True)).to_be_visible()

    page.get_by_role("button", name="Dewi Lestari").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(site + "/akun/masuk/")
    page.goto(site + "/organisasi/")
    expect(page).to_have_url(site + "/akun/masuk/?next=/organisasi/")


ALLOWED_POST_FORMS = ("/bahasa/", "/akun/keluar/")
# A reader still changes their own password, and makes or revokes their own API tokens and calendar address on
# their profile page; none of that is an edit of any record.
OWN_ACCOUNT_PAGES = ("/akun/sandi/ubah/", "/profil/")


def test_reader_cannot_reach_any_edit_form(page: Page, site: str):
    log_in(page, site, "pembaca")
    seen: set[str] = set()
    # The staff pages too: the home page shows "my work" now, and the staff profile sits on the organisation page.
    queue = ["/", "/organisasi/pegawai/"]
    while queue and len(seen) < 80:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(site + path)
        assert response is not None and response.status < 500, path
        actions = page.locator("form[method=post]").evaluate_all("forms => forms.map(f => f.getAttribute('action'))")
        if path not in OWN_ACCOUNT_PAGES:
            assert all(a in ALLOWED_POST_FORMS for a in actions), f"{path} offers a form posting to {actions}"
        for href in page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
            url = urlparse(urljoin(site + path, href))
            downloads = "/ekspor." in url.path or url.path.endswith("/unduh/") or "/unduh" in url.path
            if (
                url.netloc == urlparse(site).netloc
                and not downloads
                and not url.path.startswith(("/akun/keluar", "/static"))
            ):
                queue.append(url.path + (f"?{url.query}" if url.query else ""))
    assert "/organisasi/pegawai/" in seen and len(seen) > 20

    # Typing an edit address by hand is refused with a clear page.
    page.goto(site + "/organisasi/pegawai/baru/")
    expect(page.get_by_role("heading", name="Anda tidak dapat melakukan ini")).to_be_visible()


def test_head_of_division_edits_a_staff_profile_and_sees_it_in_the_history(page: Page, site: str):
    log_in(page, site, "kabag.bilateral")
    page.goto(site + "/organisasi/pegawai/?unit=ksln-bm")
    page.get_by_role("link", name="Dewi Lestari").click()
    page.get_by_role("link", name="Ubah").click()
    page.get_by_label("Pendidikan").select_option(label="Magister (S2)")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("alert")).to_contain_text("Tersimpan.")
    history = page.get_by_role("region", name="Riwayat")
    expect(history).to_contain_text("kabag.bilateral")
    expect(history).to_contain_text("Pendidikan")  # the field by its label, the values by their names
    expect(history).to_contain_text("Magister (S2)")
