import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from mitra.cooperation import services
from mitra.cooperation.kinds import KINDS
from mitra.cooperation.models import Cooperation, FollowUp, Meeting
from mitra.core.models import OrganisationUnit
from mitra.partners.kinds import KINDS as PARTNER_KINDS
from mitra.partners.models import Forum, Institution

ALL_KINDS = KINDS + PARTNER_KINDS


@pytest.mark.parametrize("kind", ALL_KINDS, ids=[k.name for k in ALL_KINDS])
def test_every_list_detail_and_form_opens(client_for, kind):
    client = client_for("admin")
    assert client.get(reverse(kind.url_name("list"))).status_code == 200
    assert client.get(reverse(kind.url_name("create"))).status_code == 200
    record = kind.queryset().first()
    assert record is not None, kind.name
    for action in ("detail", "update", "delete"):
        assert client.get(reverse(kind.url_name(action), args=[record.pk])).status_code == 200, action


def test_lists_filter_and_paginate(client_for):
    client = client_for("pembaca")
    page = client.get(reverse("cooperation:cooperation-list"), {"scope": "regional"}).content.decode()
    assert "ACCSQ Pharmaceutical PWG" in page and "Kerjasama Maroko" not in page
    page = client.get(reverse("cooperation:cooperation-list"), {"q": "PPWG"}).content.decode()
    assert "ACCSQ Pharmaceutical PWG" in page
    first = client.get(reverse("cooperation:cooperation-list")).content.decode()
    second = client.get(reverse("cooperation:cooperation-list"), {"page": 2}).content.decode()
    assert "Halaman 1 dari 2" in first and "Halaman 2 dari 2" in second
    bad = client.get(reverse("cooperation:meeting-list"), {"year": "abc", "country": "XX"})
    assert bad.status_code == 200


def test_unit_filter_includes_sub_units(client_for):
    page = (
        client_for("pembaca")
        .get(reverse("cooperation:meeting-list"), {"responsible_unit": OrganisationUnit.objects.get(code="ksln-oi").pk})
        .content.decode()
    )
    assert "WTO TBT Committee" in page and "Pharmaceutical Product" not in page


def test_exports_follow_the_filter_and_keep_types(client_for):
    client = client_for("pembaca")
    response = client.get(reverse("cooperation:meeting-export", args=["csv"]), {"year": 2017, "abroad": "true"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    abroad = Meeting.objects.filter(start_date__year=2017).exclude(country_id="ID").count()
    assert len(rows) == abroad + 1 and rows[0][0] == "Judul"
    response = client.get(reverse("cooperation:agreement-export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    signed_column = header.index("Ditandatangani") + 1
    dates = [sheet.cell(row=r, column=signed_column).value for r in range(2, sheet.max_row + 1)]
    assert any(hasattr(d, "year") for d in dates)  # real dates, not text
    assert client.get(reverse("cooperation:meeting-export", args=["pdf"])).status_code == 404


# Queries per page for a signed-in administrator, pinned (see mitra/core/tests/test_views.py).
PAGE_QUERIES = {
    "cooperation:dashboard": 18,  # + the count of agreements ending within 90 days, + the dormant ones and their count
    "cooperation:cooperation-list": 14,
    "cooperation:agreement-list": 9,
    "cooperation:agreement-pipeline": 9,  # one count, one bounded query per step that has agreements
    "cooperation:meeting-list": 11,
    "cooperation:followup-list": 9,
    "partners:institution-list": 9,
    "partners:forum-list": 9,
    "partners:country-list": 8,
}


@pytest.mark.parametrize("url_name", list(PAGE_QUERIES))
def test_list_query_counts_are_pinned_and_do_not_grow(client_for, user_of, url_name):
    client = client_for("admin")
    url = reverse(url_name)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    admin = user_of("admin")
    unit = OrganisationUnit.objects.get(code="ksln-reg")
    forum = Forum.objects.get(acronym="PPWG")
    partner = Institution.objects.get(acronym="MFDS")
    for i in range(30):
        coop = services.create(
            actor=admin,
            model=Cooperation,
            data={"title": f"Kerjasama uji {i}", "scope": "bilateral", "responsible_unit": unit, "partners": [partner]},
        )
        meeting = services.create(
            actor=admin,
            model=Meeting,
            data={
                "title": f"Pertemuan uji {i}",
                "forum": forum,
                "cooperation": coop,
                "start_date": "2017-02-01",
                "end_date": "2017-02-02",
                "country_id": "TH",
                "responsible_unit": unit,
            },
        )
        services.create(
            actor=admin,
            model=FollowUp,
            data={
                "description": f"Tindak lanjut {i}",
                "meeting": meeting,
                "responsible_unit": unit,
                "due_date": "2017-03-01",
            },
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == PAGE_QUERIES[url_name], "\n".join(
        q["sql"][:150] for q in small.captured_queries
    )
    assert len(large.captured_queries) == len(small.captured_queries)


# Profiles show bounded lists and the latest events, so their query count is fixed too.
PROFILE_QUERIES = {"institution": 29, "forum": 30, "country": 28}  # with the trips (travel fills partners.activity)


@pytest.mark.parametrize("kind", list(PROFILE_QUERIES))
def test_profile_query_counts_are_pinned_and_do_not_grow(client_for, user_of, kind):
    client = client_for("admin")
    mfds = Institution.objects.get(acronym="MFDS")
    asean = Forum.objects.get(acronym="ASEAN")
    url = {
        "institution": reverse("partners:institution-detail", args=[mfds.pk]),
        "forum": reverse("partners:forum-detail", args=[asean.pk]),
        "country": reverse("partners:country-detail", args=["KR"]),
    }[kind]
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    admin = user_of("admin")
    unit = OrganisationUnit.objects.get(code="ksln-reg")
    forum = Forum.objects.get(acronym="PPWG")
    for i in range(120):  # more than a profile lists
        coop = services.create(
            actor=admin,
            model=Cooperation,
            data={
                "title": f"Kerjasama uji {i}",
                "scope": "regional",
                "forum": forum,
                "responsible_unit": unit,
                "partners": [mfds],
            },
        )
        services.create(
            actor=admin,
            model=Meeting,
            data={
                "title": f"Pertemuan uji {i}",
                "forum": forum,
                "cooperation": coop,
                "start_date": "2017-02-01",
                "end_date": "2017-02-02",
                "country_id": "KR",
                "responsible_unit": unit,
            },
        )
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert page.status_code == 200 and "Kerjasama uji 119" in page.content.decode()
    assert len(small.captured_queries) == PROFILE_QUERIES[kind], len(small.captured_queries)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_registry_records_show_their_documents_and_partners_do_not(client_for):
    """Core's generic detail page shows documents only through RecordKind.documents, which the registry sets."""
    client = client_for("admin")
    for kinds, shown in ((KINDS, True), (PARTNER_KINDS, False)):
        for kind in kinds:
            record = kind.queryset().first()
            assert record is not None, kind.name
            page = client.get(reverse(kind.url_name("detail"), args=[record.pk])).content.decode()
            assert ('data-testid="attachments"' in page) is shown, kind.name
