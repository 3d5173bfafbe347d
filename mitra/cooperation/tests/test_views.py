import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from mitra.cooperation.kinds import KINDS
from mitra.cooperation.models import Scope
from mitra.cooperation.tests.factories import (
    AgendaItemFactory,
    AgreementFactory,
    CooperationFactory,
    DeliverableFactory,
    FollowUpFactory,
    ForumFactory,
    InstitutionFactory,
    MeetingFactory,
    OutreachEventFactory,
    PositionPaperFactory,
    PublicationFactory,
    StudyFactory,
    assign,
)
from mitra.core.tests.factories import AdminFactory, ReaderFactory, SubdivisionFactory, UnitFactory, bureau, logged_in
from mitra.partners.kinds import KINDS as PARTNER_KINDS
from mitra.partners.models import Country
from mitra.partners.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

ALL_KINDS = KINDS + PARTNER_KINDS

# One factory per record kind: the pages under test open a record the test made.
MAKE: dict[str, Callable[[], Model]] = {
    "cooperation": CooperationFactory.create,
    "agreement": AgreementFactory.create,
    "positionpaper": PositionPaperFactory.create,
    "study": StudyFactory.create,
    "meeting": MeetingFactory.create,
    "followup": FollowUpFactory.create,
    "outreachevent": OutreachEventFactory.create,
    "publication": PublicationFactory.create,
    "deliverable": DeliverableFactory.create,
    "agendaitem": AgendaItemFactory.create,
    "institution": InstitutionFactory.create,
    "forum": ForumFactory.create,
    "contact": ContactFactory.create,
}


def test_every_kind_has_a_factory():
    assert sorted(MAKE) == sorted(k.name for k in ALL_KINDS)


@pytest.mark.parametrize("kind", ALL_KINDS, ids=[k.name for k in ALL_KINDS])
def test_every_list_detail_and_form_opens(kind):
    client = logged_in(AdminFactory.create())
    assert client.get(reverse(kind.url_name("list"))).status_code == 200
    assert client.get(reverse(kind.url_name("create"))).status_code == 200
    record = MAKE[kind.name]()
    assert kind.queryset().filter(pk=record.pk).exists(), kind.name
    for action in ("detail", "update", "delete"):
        assert client.get(reverse(kind.url_name(action), args=[record.pk])).status_code == 200, action


def test_lists_filter_and_paginate():
    client = logged_in(ReaderFactory.create())
    unit = UnitFactory.create()
    forum = ForumFactory.create()
    regional = CooperationFactory.create(
        title="Kerjasama regional terfilter", scope=Scope.REGIONAL, forum=forum, responsible_unit=unit
    )
    bilateral = CooperationFactory.create(title="Kerjasama bilateral terfilter", responsible_unit=unit)
    url = reverse("cooperation:cooperation-list")
    page = client.get(url, {"scope": "regional", "responsible_unit": str(unit.pk)}).content.decode()
    assert regional.title in page and bilateral.title not in page
    page = client.get(url, {"q": forum.acronym, "responsible_unit": str(unit.pk)}).content.decode()
    assert regional.title in page and bilateral.title not in page
    for _ in range(24):  # 26 in the unit: a page holds 25
        CooperationFactory.create(responsible_unit=unit)
    first = client.get(url, {"responsible_unit": str(unit.pk)}).content.decode()
    second = client.get(url, {"responsible_unit": str(unit.pk), "page": "2"}).content.decode()
    assert "Halaman 1 dari 2" in first and "Halaman 2 dari 2" in second
    bad = client.get(reverse("cooperation:meeting-list"), {"year": "abc", "country": "XX"})
    assert bad.status_code == 200


def test_unit_filter_includes_sub_units():
    division = UnitFactory.create()
    inside = MeetingFactory.create(
        title="Rapat di subbagian", responsible_unit=SubdivisionFactory.create(parent=division)
    )
    outside = MeetingFactory.create(title="Rapat di bagian lain")
    page = (
        logged_in(ReaderFactory.create())
        .get(reverse("cooperation:meeting-list"), {"responsible_unit": str(division.pk)})
        .content.decode()
    )
    assert inside.title in page and outside.title not in page


def test_exports_follow_the_filter_and_keep_types():
    client = logged_in(ReaderFactory.create())
    unit = UnitFactory.create()
    abroad = {MeetingFactory.create(responsible_unit=unit).title for _ in range(2)}  # in Tokyo, March 2017
    MeetingFactory.create(responsible_unit=unit, city="Jakarta", country=Country.objects.get(code="ID"))
    MeetingFactory.create(
        responsible_unit=unit, start_date=dt.date(2018, 3, 1), end_date=dt.date(2018, 3, 2)
    )  # abroad, another year
    response = client.get(
        reverse("cooperation:meeting-export", args=["csv"]),
        {"year": "2017", "abroad": "true", "responsible_unit": str(unit.pk)},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert len(rows) == len(abroad) + 1 and rows[0][0] == "Judul"
    assert {row[0] for row in rows[1:]} == abroad
    agreement = AgreementFactory.create(responsible_unit=unit)
    response = client.get(reverse("cooperation:agreement-export", args=["xlsx"]), {"responsible_unit": str(unit.pk)})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    signed_column = header.index("Ditandatangani") + 1
    dates = [sheet.cell(row=r, column=signed_column).value for r in range(2, sheet.max_row + 1)]
    assert len(dates) == 1 and isinstance(dates[0], dt.datetime)  # a real date, not text
    assert dates[0].date() == agreement.date_signed
    assert client.get(reverse("cooperation:meeting-export", args=["pdf"])).status_code == 404


# Queries per page for a signed-in administrator, pinned (see mitra/core/tests/test_views.py).
PAGE_QUERIES = {
    "cooperation:dashboard": 18,  # + the count of agreements ending within 90 days, + the dormant ones and their count
    # The lists' forum filters are typed (with suggestions), no longer a select of every forum: one query less.
    "cooperation:cooperation-list": 13,
    "cooperation:agreement-list": 9,
    # One count, one bounded query per step that has agreements, the count of those whose term ended and their rows.
    "cooperation:agreement-pipeline": 10,
    "cooperation:meeting-list": 10,
    "cooperation:followup-list": 9,
    "cooperation:agendaitem-list": 10,  # the page count over the answered/assigned annotation
    "partners:institution-list": 9,
    "partners:forum-list": 8,
    "partners:country-list": 8,
}


@pytest.mark.parametrize("url_name", list(PAGE_QUERIES))
def test_list_query_counts_are_pinned_and_do_not_grow(url_name):
    client = logged_in(AdminFactory.create(unit=bureau()))  # an administrator of the bureau, as in production
    unit = UnitFactory.create()
    forum = ForumFactory.create()
    partner = InstitutionFactory.create()

    def add_rows(count: int) -> None:
        for _ in range(count):
            coop = CooperationFactory.create(responsible_unit=unit, partners=[partner])
            meeting = MeetingFactory.create(
                forum=forum, cooperation=coop, country=Country.objects.get(code="TH"), responsible_unit=unit
            )
            FollowUpFactory.create(meeting=meeting, due_date=dt.date(2017, 4, 1))
            assign(AgendaItemFactory.create(meeting=meeting), unit)

    add_rows(1)
    url = reverse(url_name)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_rows(30)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == PAGE_QUERIES[url_name], "\n".join(
        q["sql"][:150] for q in small.captured_queries
    )
    assert len(large.captured_queries) == len(small.captured_queries)


# Profiles show bounded lists and the latest events, so their query count is fixed too.
# With the trips (travel fills partners.activity), and open follow-ups (the first ones, their rows and their count
# come from one query, which is not made when there are no cooperations; so do the first agreements and their
# count, and those ending soon, read by another query only when the list does not hold every agreement; the
# cooperations' list comes with their ids). The lists read only the columns they show (selectors.SHOWN):
# no prefetch of the cooperations' partners and sectors. The timeline is two queries: its follow-ups, then its other
# six sources in one (selectors._other_events_sql), each compiled once per process (selectors._compiled).
PROFILE_QUERIES = {"institution": 18, "forum": 19, "country": 17}


@pytest.mark.parametrize("kind", list(PROFILE_QUERIES))
def test_profile_query_counts_are_pinned_and_do_not_grow(kind):
    client = logged_in(AdminFactory.create(unit=bureau()))
    country = Country.objects.get(code="KR")
    partner = InstitutionFactory.create(country=country)
    forum = ForumFactory.create()
    unit = UnitFactory.create()
    url = {
        "institution": reverse("partners:institution-detail", args=[partner.pk]),
        "forum": reverse("partners:forum-detail", args=[forum.pk]),
        "country": reverse("partners:country-detail", args=[country.pk]),
    }[kind]

    def add_rows(numbers: range) -> None:
        for i in numbers:
            coop = CooperationFactory.create(
                title=f"Kerjasama profil {i}",
                scope=Scope.REGIONAL,
                forum=forum,
                responsible_unit=unit,
                partners=[partner],
            )
            meeting = MeetingFactory.create(forum=forum, cooperation=coop, country=country, responsible_unit=unit)
            FollowUpFactory.create(meeting=meeting, description=f"Tindak lanjut profil {i}")

    add_rows(range(3))
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_rows(range(3, 120))  # more than a profile lists
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert page.status_code == 200 and "Kerjasama profil 119" in page.content.decode()
    assert page.context["profile"].open_follow_up_count == 120
    assert len(small.captured_queries) == PROFILE_QUERIES[kind], len(small.captured_queries)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_registry_records_show_their_documents_and_partners_do_not():
    """Core's generic detail page shows documents only through RecordKind.documents, which the registry sets."""
    client = logged_in(AdminFactory.create())
    for kinds, shown in ((KINDS, True), (PARTNER_KINDS, False)):
        for kind in kinds:
            record = MAKE[kind.name]()
            page = client.get(reverse(kind.url_name("detail"), args=[record.pk])).content.decode()
            assert ('data-testid="attachments"' in page) is shown, kind.name
