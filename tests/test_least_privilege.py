"""Least privilege for staff of BPOM units outside the bureau (issue 15): a directorate's staff and head request
and follow their own travel and read the registry, and write nothing else; their menu shows what they can use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from mitra.cooperation import kinds as cooperation_kinds
from mitra.cooperation.models import Cooperation, DelegationMember, Meeting
from mitra.core.navigation import navigation_for
from mitra.core.rules import is_bureau_member
from mitra.documents.models import Document
from mitra.partners import kinds as partner_kinds
from mitra.partners.models import Institution
from mitra.performance.models import QuarterReport
from mitra.travel.models import TravelRequest, TravelStatus

OUTSIDERS = ["staf.registrasi", "kepala.registrasi"]
KINDS = cooperation_kinds.KINDS + partner_kinds.KINDS


def refused(client: Client, url: str, data: dict | None = None) -> None:
    assert client.get(url).status_code == 403, url
    assert client.post(url, data or {}).status_code == 403, url


@pytest.mark.parametrize("username", OUTSIDERS)
@pytest.mark.parametrize("kind", KINDS, ids=[f"{k.namespace}:{k.name}" for k in KINDS])
def test_no_registry_create_edit_or_delete(client_for, username, kind):
    client = client_for(username)
    record = kind.queryset().order_by("pk").first()
    assert record is not None, kind.name
    assert client.get(reverse(kind.url_name("list"))).status_code == 200  # they read the registry
    assert client.get(reverse(kind.url_name("detail"), args=[record.pk])).status_code == 200
    refused(client, reverse(kind.url_name("create")))
    refused(client, reverse(kind.url_name("update"), args=[record.pk]))
    refused(client, reverse(kind.url_name("delete"), args=[record.pk]), {"reason": "Tidak perlu."})
    assert type(record)._default_manager.filter(pk=record.pk).exists()


@pytest.mark.parametrize("username", OUTSIDERS)
def test_no_stage_delegation_import_or_performance_entry(client_for, username):
    client = client_for(username)
    cooperation = Cooperation.objects.order_by("pk").first()
    meeting = Meeting.objects.filter(delegation__isnull=False).order_by("pk").first()
    assert cooperation is not None and meeting is not None
    member = DelegationMember.objects.filter(meeting=meeting).first()
    assert member is not None
    refused(client, reverse("cooperation:cooperation-stage", args=[cooperation.pk]))
    refused(client, reverse("cooperation:delegation-add", args=[meeting.pk]))
    assert client.post(reverse("cooperation:delegation-remove", args=[member.pk])).status_code == 403
    refused(client, reverse("exchange:import"))
    assert client.get(reverse("exchange:import-preview", args=[1])).status_code == 403
    open_quarter = "/kinerja/2017/triwulan/4/ksln-bm/"
    for step in ("ajukan", "verifikasi", "kembalikan"):
        assert client.post(open_quarter + step + "/").status_code == 403
    assert QuarterReport.objects.get(year=2017, quarter=4, unit__code="ksln-bm").status == "draft"


def test_partner_institution_soft_delete_is_refused(client_for):
    institution = Institution.objects.order_by("pk").first()
    assert institution is not None
    response = client_for("staf.registrasi").post(
        reverse("partners:institution-delete", args=[institution.pk]), {"reason": "Salah."}
    )
    assert response.status_code == 403
    institution.refresh_from_db()
    assert institution.deleted_at is None


def test_the_menu_shows_only_what_they_can_use(user_of):
    outsider = [item["url"] for item in navigation_for(user_of("staf.registrasi"), "/")]
    assert outsider == [
        reverse("core:home"),
        reverse("cooperation:dashboard"),
        reverse("partners:institution-list"),
        reverse("travel:queue"),
    ]
    bureau_reader = [item["url"] for item in navigation_for(user_of("pembaca"), "/")]
    assert reverse("performance:home") in bureau_reader and reverse("exchange:import") in bureau_reader
    page = Client()
    page.force_login(user_of("kepala.registrasi"))
    html = page.get("/").content.decode()
    assert 'href="/kinerja/"' not in html and reverse("exchange:import") not in html
    # Not only hidden: the bureau's performance pages and reports are not theirs to read.
    for url in (reverse("performance:home"), reverse("reports:index"), "/api/v1/performance/measurement/2017/"):
        assert page.get(url).status_code == 403, url


def test_bureau_membership_follows_the_unit(user_of):
    assert is_bureau_member(user_of("staf.bilateral")) and is_bureau_member(user_of("pembaca"))
    assert not is_bureau_member(user_of("staf.registrasi")) and not is_bureau_member(user_of("kepala.registrasi"))


def test_they_request_and_follow_their_own_travel(client_for, user_of):
    client = client_for("staf.registrasi")
    user = user_of("staf.registrasi")
    assert client.get(reverse("travel:request-create")).status_code == 200
    departure = dt.date.today() + dt.timedelta(days=60)
    response = client.post(
        reverse("travel:request-create"),
        {
            "requesting_unit": user.unit_id,
            "purpose": "Rapat teknis registrasi obat",
            "destination_city": "Jenewa",
            "destination_country": "CH",
            "departure_date": departure.isoformat(),
            "return_date": (departure + dt.timedelta(days=3)).isoformat(),
            "needs_visa": "on",
            "funding_source": "unit",
            "estimated_cost": "30000000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request = TravelRequest.objects.get(purpose="Rapat teknis registrasi obat")
    assert request.requesting_unit == user.unit
    response = client.post(
        reverse("travel:traveller-add", args=[request.pk]),
        {
            "staff_member": user.staff_profile.pk,
            "passport_number": "X1234567",
            "passport_expires_on": (departure + dt.timedelta(days=3 * 365)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("travel:request-action", args=[request.pk, "ajukan"]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == TravelStatus.SUBMITTED
    assert client.get(reverse("travel:request-detail", args=[request.pk])).status_code == 200
    # Another unit's request is not theirs to see.
    bureau_trip = TravelRequest.objects.filter(requesting_unit__code="ksln-bm").order_by("pk").first()
    assert bureau_trip is not None
    assert client.get(reverse("travel:request-detail", args=[bureau_trip.pk])).status_code == 403


def test_the_demo_has_their_draft_request_with_its_papers(client_for):
    request = TravelRequest.objects.get(requesting_unit__code="dit-registrasi-obat", is_illustrative=True)
    assert request.status == TravelStatus.DRAFT and request.travellers.count() == 1
    papers = Document.objects.filter(object_id=request.pk, content_type__model="travelrequest")
    assert papers.count() == 2 and all(p.content_type_detected == "application/pdf" for p in papers)
    assert client_for("staf.registrasi").get(reverse("travel:request-detail", args=[request.pk])).status_code == 200
