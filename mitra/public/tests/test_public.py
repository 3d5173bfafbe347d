"""The public view (issue 19.6): nothing is public until the head marks it, and then only the public fields."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from mitra.cooperation import services as registry
from mitra.cooperation.tests.factories import AgreementFactory, CooperationFactory, InstitutionFactory
from mitra.core.models import AuditEntry, OrganisationUnit, Role
from mitra.core.tests.factories import UserFactory
from mitra.public import services
from mitra.public.models import PublicListing

pytestmark = pytest.mark.django_db

SECRET = "Catatan internal: jangan disebarkan"


@pytest.fixture
def head():
    return UserFactory.create(role=Role.LEADERSHIP, unit=OrganisationUnit.objects.get(code="ksln"))


@pytest.fixture
def agreement():
    partner = InstitutionFactory.create(name="Otoritas Uji Publik")
    cooperation = CooperationFactory.create(title="Kerjasama uji publik", partners=[partner], notes=SECRET)
    return AgreementFactory.create(cooperation=cooperation, title="MoU uji publik", number="HK.99/PUB", notes=SECRET)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def public_rows() -> list[dict]:
    return Client().get(reverse("public:data-json")).json()["items"]


def test_nothing_is_public_until_the_head_marks_it(head, agreement):
    anonymous = Client()
    detail = reverse("public:detail", args=["perjanjian", agreement.pk])
    assert anonymous.get(detail).status_code == 404
    assert anonymous.get(reverse("public:detail", args=["kerjasama", agreement.cooperation_id])).status_code == 404
    assert "MoU uji publik" not in anonymous.get(reverse("public:index")).content.decode()
    assert all(row["title"] != "MoU uji publik" for row in public_rows())

    page = signed_in(head).post(
        reverse("public:listing", args=["perjanjian", agreement.pk]),
        {"action": "publish", "summary": "Kerja sama pengawasan obat.", "summary_en": "Drug control cooperation."},
    )
    assert page.status_code == 302 and page["Location"] == detail

    shown = anonymous.get(detail).content.decode()
    assert "MoU uji publik" in shown and "Kerja sama pengawasan obat." in shown and "Otoritas Uji Publik" in shown
    assert SECRET not in shown and "HK.99/PUB" not in shown
    index = anonymous.get(reverse("public:index")).content.decode()
    assert "MoU uji publik" in index and "Jepang" in index  # grouped under the partner's country
    (row,) = [r for r in public_rows() if r["title"] == "MoU uji publik"]
    assert set(row) == {
        "kind",
        "id",
        "title",
        "type",
        "status",
        "partners",
        "countries",
        "forum",
        "start",
        "end",
        "summary",
        "public_since",
    }
    assert row["countries"] == "JP" and row["start"] == "2013-01-10" and row["partners"] == "Otoritas Uji Publik"
    csv_rows = list(csv.DictReader(io.StringIO(anonymous.get(reverse("public:data-csv")).content.decode("utf-8-sig"))))
    assert any(r["title"] == "MoU uji publik" and r["summary"] == "Kerja sama pengawasan obat." for r in csv_rows)
    english = anonymous.get(detail, HTTP_ACCEPT_LANGUAGE="en", headers={"Cookie": "mitra_language=en"})
    assert english.status_code == 200
    entry = AuditEntry.objects.filter(record_type="public.publiclisting").latest("pk")
    assert entry.actor_username == head.username and entry.action == "create"


def test_only_the_head_and_administrators_mark_records_public(agreement):
    staff = UserFactory.create(role=Role.STAFF, unit=OrganisationUnit.objects.get(code="ksln-bm"))
    client = signed_in(staff)
    url = reverse("public:listing", args=["perjanjian", agreement.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "publish", "summary": "x"}).status_code == 403
    assert client.get(reverse("public:manage")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.publish(actor=staff, record=agreement, summary="x")
    assert not PublicListing.objects.filter(agreement=agreement).exists()
    assert Client().get(reverse("public:manage")).status_code == 302  # anonymous: to the login page


def test_a_summary_is_required_and_withdrawing_needs_a_reason(head, agreement):
    client = signed_in(head)
    url = reverse("public:listing", args=["perjanjian", agreement.pk])
    page = client.post(url, {"action": "publish", "summary": "  "})
    assert page.status_code == 400 and "summary" in page.context["form"].errors
    assert not PublicListing.objects.filter(agreement=agreement).exists()
    client.post(url, {"action": "publish", "summary": "Ringkasan."})
    page = client.post(url, {"action": "withdraw", "reason": ""})
    assert page.status_code == 400 and "reason" in page.context["withdraw_form"].errors
    assert client.post(url, {"action": "withdraw", "reason": "Permintaan mitra."}).status_code == 302
    assert Client().get(reverse("public:detail", args=["perjanjian", agreement.pk])).status_code == 404
    listing = PublicListing.objects.get(agreement=agreement)
    assert not listing.is_public and listing.summary == "Ringkasan."  # kept for the history
    entry = AuditEntry.objects.filter(record_type="public.publiclisting", record_id=str(listing.pk)).latest("pk")
    assert entry.reason == "Permintaan mitra." and entry.changes["is_public"] == [True, False]


def test_a_deleted_record_leaves_the_public_page(head, agreement):
    services.publish(actor=head, record=agreement, summary="Ringkasan.")
    detail = reverse("public:detail", args=["perjanjian", agreement.pk])
    assert Client().get(detail).status_code == 200
    admin = UserFactory.create(role=Role.ADMINISTRATOR, unit=OrganisationUnit.objects.get(code="ksln"))
    registry.delete(actor=admin, instance=agreement, expected_version=agreement.version, reason="Salah input.")
    assert Client().get(detail).status_code == 404
    assert all(row["title"] != agreement.title for row in public_rows())


def test_csv_cells_never_run_as_formulas(head):
    agreement = AgreementFactory.create(title='=HYPERLINK("http://x")')
    services.publish(actor=head, record=agreement, summary="+1")
    text = Client().get(reverse("public:data-csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",'+1," in text


def test_the_public_page_reads_a_fixed_number_of_queries(head, django_assert_num_queries):
    for n in range(3):
        services.publish(actor=head, record=AgreementFactory.create(title=f"MoU kueri {n}"), summary="R.")
    services.publish(actor=head, record=CooperationFactory.create(title="Kerjasama kueri"), summary="R.")
    with django_assert_num_queries(3):  # the listings, and the partners of each kind
        Client().get(reverse("public:index"))


def test_the_demo_publishes_three_agreements_signed_in_2017(demo):
    page = Client().get(reverse("public:index")).content.decode()
    for title in ("ONSSA Maroko", "United States Pharmacopeial Convention", "University of Georgia"):
        assert title in page
