import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mitra.core.models import AuditAction, AuditEntry, StaffMember
from mitra.core.tests.factories import (
    PASSWORD,
    AdminFactory,
    HeadFactory,
    LeadershipFactory,
    ReaderFactory,
    StaffFactory,
    UserFactory,
    bureau,
    logged_in,
)
from mitra.core.tests.formdata import posted


def civil_servant() -> StaffMember:
    """A civil servant of a new division, with a grade (contract staff have none)."""
    return StaffFactory.create(employment="civil_servant", grade="III/a", education="s1")


def test_healthz_answers_without_login(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_login_and_logout_are_audited(db):
    user = UserFactory.create()
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN, actor_username=user.username).exists()
    client.post(reverse("logout"))
    assert AuditEntry.objects.filter(action=AuditAction.LOGOUT, actor_username=user.username).exists()


def test_failed_logins_are_audited_and_throttled(db):
    reader = ReaderFactory.create()
    client = Client()
    for _attempt in range(5):
        client.post(reverse("login"), {"username": reader.username, "password": "wrong-password-123"})
    failures = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, record_repr=reader.username)
    assert failures.count() >= 5
    assert "wrong-password" not in str(list(failures.values()))
    # Locked now, even with the right password.
    response = client.post(reverse("login"), {"username": reader.username, "password": PASSWORD})
    assert response.status_code == 429
    assert not AuditEntry.objects.filter(action=AuditAction.LOGIN, actor_username=reader.username).exists()


def test_interface_is_indonesian_by_default_whatever_the_browser_says(db):
    client = logged_in(UserFactory.create())
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    assert "Beranda" in response.content.decode()


def test_language_choice_is_saved_per_user(db):
    user = UserFactory.create()
    client = logged_in(user)
    response = client.post(reverse("core:set-language"), {"language": "en", "next": "/organisasi/"})
    assert response.status_code == 302 and response["Location"] == "/organisasi/"
    user.refresh_from_db()
    assert user.language == "en"
    fresh = logged_in(user)  # another browser: the choice follows the user
    assert "Organisation" in fresh.get("/organisasi/").content.decode()


def test_language_switch_refuses_foreign_redirects(db):
    response = logged_in(ReaderFactory.create()).post(
        reverse("core:set-language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_security_headers(db):
    response = logged_in(ReaderFactory.create()).get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_password_validators_require_twelve_characters(db):
    client = logged_in(ReaderFactory.create())
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Short-1a", "new_password2": "Short-1a"},
    )
    assert response.status_code == 200
    assert "12" in response.content.decode()


def test_password_reset_sends_a_working_link(db):
    reader = ReaderFactory.create()
    client = Client()
    client.post(reverse("password_reset"), {"email": reader.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/akun/sandi/atur/\S+)", str(mail.outbox[0].body))
    assert link
    response = client.get(link.group(1), follow=True)
    assert "new_password1" in response.content.decode()


def test_reader_sees_no_edit_buttons_and_gets_403_on_edit_forms(db):
    reader = ReaderFactory.create()
    client = logged_in(reader)
    dewi = civil_servant()
    detail = client.get(reverse("core:staff-detail", args=[dewi.pk])).content.decode()
    assert reverse("core:staff-update", args=[dewi.pk]) not in detail
    for name in ("core:staff-update", "core:staff-delete"):
        assert client.get(reverse(name, args=[dewi.pk])).status_code == 403
    assert client.get(reverse("core:staff-create")).status_code == 403
    denied = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, actor_username=reader.username)
    assert denied.count() == 3


def test_staff_of_other_division_can_read_but_not_edit(db):
    client = logged_in(UserFactory.create())  # staff of another new division
    dewi = civil_servant()
    assert client.get(reverse("core:staff-detail", args=[dewi.pk])).status_code == 200
    assert client.post(reverse("core:staff-update", args=[dewi.pk]), {"full_name": "X"}).status_code == 403
    assert StaffMember.objects.get(pk=dewi.pk).full_name == dewi.full_name


def form_data(member: StaffMember, **changes) -> dict:
    data = {
        "full_name": member.full_name,
        "unit": member.unit_id,
        "employment": member.employment,
        "position": member.position,
        "education": member.education,
        "grade": member.grade,
        "birth_year": member.birth_year,
        "notes": member.notes,
        "expected_version": member.version,
    }
    if member.is_illustrative:
        data["is_illustrative"] = "on"
    return {**data, **changes}


def test_two_concurrent_editors_the_second_is_told_and_nothing_is_lost(db):
    dewi = civil_servant()
    assert dewi.version == 1
    url = reverse("core:staff-update", args=[dewi.pk])
    head = logged_in(HeadFactory.create(unit=dewi.unit))
    administrator = AdminFactory.create()
    admin = logged_in(administrator)
    # Both open the form at the same version.
    assert head.get(url).status_code == 200 and admin.get(url).status_code == 200
    first = admin.post(url, form_data(dewi, education="s2"))
    assert first.status_code == 302
    second = head.post(url, form_data(dewi, grade="III/c"))
    assert second.status_code == 200
    page = second.content.decode()
    assert 'data-testid="stale-edit"' in page and administrator.username in page
    assert "Magister (S2)" in page or "s2" in page  # what the other editor saved
    saved = StaffMember.objects.get(pk=dewi.pk)
    assert (saved.education, saved.grade, saved.version) == ("s2", "III/a", 2)
    # The form now shows the other editor's change with this one's: saving it again keeps both (issue 15 item 4).
    again = head.post(url, posted(second.context["form"]))
    assert again.status_code == 302
    saved.refresh_from_db()
    assert (saved.education, saved.grade, saved.version) == ("s2", "III/c", 3)


def test_invalid_form_shows_the_error_at_the_field(db):
    dewi = civil_servant()
    response = logged_in(HeadFactory.create(unit=dewi.unit)).post(
        reverse("core:staff-update", args=[dewi.pk]), form_data(dewi, employment="contract")
    )
    assert response.status_code == 200
    assert "Pegawai kontrak tidak memiliki golongan." in response.content.decode()


def test_record_page_shows_its_history(db):
    dewi = civil_servant()
    head = HeadFactory.create(unit=dewi.unit)
    edit = logged_in(head).post(reverse("core:staff-update", args=[dewi.pk]), form_data(dewi, education="s2"))
    assert edit.status_code == 302
    page = logged_in(ReaderFactory.create()).get(reverse("core:staff-detail", args=[dewi.pk])).content.decode()
    assert head.username in page and "Riwayat" in page


def test_audit_log_is_for_administrators_and_leadership(db):
    assert logged_in(LeadershipFactory.create()).get(reverse("core:audit-log")).status_code == 200
    assert logged_in(AdminFactory.create()).get(reverse("core:audit-log") + "?action=login").status_code == 200
    assert logged_in(UserFactory.create()).get(reverse("core:audit-log")).status_code == 403


def test_django_admin_is_for_administrators_only(db):
    assert logged_in(AdminFactory.create()).get("/admin/").status_code == 200
    for user in (LeadershipFactory.create(), HeadFactory.create(), ReaderFactory.create()):
        assert logged_in(user).get("/admin/").status_code == 302, user.role  # to the admin's own login


# Queries per page for a signed-in administrator (session, user, then the page's own); pinned so that a change
# that adds a query per row, or any new query, is a visible decision.
# The home page holds "my work" (one query per source: quarters, follow-ups, agreements, reminders, travel steps and
# counts, trip reports, evaluation recommendations, meeting reports due; agenda items to answer ask none for an
# administrator); the organisation page the staff profile. The travel steps are two bounded queries (late, next
# due: each at most 10 rows by the stored due date) since issue 17, instead of every open step read to sort them.
PAGE_QUERIES = {"core:home": 18, "core:organisation": 8, "core:staff-list": 10, "core:audit-log": 8, "core:profile": 8}


@pytest.mark.parametrize("url_name", list(PAGE_QUERIES))
def test_page_query_counts_are_pinned_and_do_not_grow_with_the_data(db, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mitra.core import services

    admin = AdminFactory.create(unit=bureau())  # an administrator of the bureau, as in production
    client = logged_in(admin)
    url = reverse(url_name)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(30):
        services.staff_member_create(
            actor=admin,
            data={
                "full_name": f"Extra {i}",
                "unit": admin.unit,
                "employment": "contract",
                "position": "support",
                "education": "sma",
                "grade": "",
                "birth_year": 1990,
            },
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == PAGE_QUERIES[url_name], "\n".join(q["sql"] for q in small.captured_queries)
    assert len(large.captured_queries) == len(small.captured_queries), url_name


def test_favicon_ico_leads_to_the_icon_every_page_links(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/mitra/favicon.svg"
    login = client.get("/akun/masuk/").content.decode()
    assert '<link rel="icon" href="/static/mitra/favicon.svg" type="image/svg+xml">' in login
