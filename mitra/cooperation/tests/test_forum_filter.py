"""The forum filters of the lists: a typed forum (acronym, name or id in the URL) with suggestions from a small JSON
endpoint, instead of a select that rendered every forum."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.cooperation.tests.factories import CooperationFactory, ForumFactory, MeetingFactory, PositionPaperFactory
from mitra.core.tests.factories import ReaderFactory, logged_in

pytestmark = pytest.mark.django_db


def test_a_forum_typed_by_acronym_name_or_id_filters_the_lists():
    client = logged_in(ReaderFactory.create())
    forum = ForumFactory.create(acronym="ZQX", name="Zeta Quality Exchange")
    other = ForumFactory.create(acronym="ZQY", name="Zeta Quality Yard")
    inside = MeetingFactory.create(forum=forum, title="Rapat di dalam forum")
    outside = MeetingFactory.create(forum=other, title="Rapat di forum lain")
    url = reverse("cooperation:meeting-list")
    for value in ("ZQX", "zqx", "Zeta quality exchange", str(forum.pk)):
        page = client.get(url, {"forum": value}).content.decode()
        assert inside.title in page and outside.title not in page, value
    # The field shows the forum by its acronym, also when the URL names it by id (the profiles' links).
    page = client.get(url, {"forum": str(forum.pk)}).content.decode()
    assert 'value="ZQX"' in page and 'list="id_forum-options"' in page and '<datalist id="id_forum-options">' in page
    # No select of every forum any more.
    assert "Zeta Quality Yard" not in page


def test_the_other_lists_take_a_typed_forum_too():
    client = logged_in(ReaderFactory.create())
    forum = ForumFactory.create(acronym="ZQX")
    child = ForumFactory.create(acronym="ZQX-WG", parent=forum)
    unrelated = ForumFactory.create(acronym="ZQZ")
    coop = CooperationFactory.create(forum=forum, title="Kerjasama forum ZQX")
    PositionPaperFactory.create(forum=forum, title="Posisi untuk ZQX")
    CooperationFactory.create(forum=unrelated, title="Kerjasama forum lain")
    page = client.get(reverse("cooperation:cooperation-list"), {"forum": "ZQX"}).content.decode()
    assert coop.title in page and "Kerjasama forum lain" not in page
    page = client.get(reverse("cooperation:positionpaper-list"), {"forum": "zqx"}).content.decode()
    assert "Posisi untuk ZQX" in page
    page = client.get(reverse("partners:forum-list"), {"parent": "ZQX"}).content.decode()
    assert child.name in page and unrelated.name not in page


def test_an_unknown_forum_is_a_message_at_the_field_not_a_500():
    client = logged_in(ReaderFactory.create())
    url = reverse("cooperation:meeting-list")
    for value in ("Tidak ada forum ini", "2000000000", "99999999999999999999999"):
        response = client.get(url, {"forum": value})
        assert response.status_code == 200
        assert "Tidak ada forum dengan akronim atau nama" in response.content.decode(), value


def test_suggestions_are_bounded_and_match_acronym_or_name():
    client = logged_in(ReaderFactory.create())
    ForumFactory.create(acronym="ZQX", name="Zeta Quality Exchange")
    ForumFactory.create(acronym="ABC", name="Forum of the Zeta region")
    for i in range(30):
        ForumFactory.create(acronym=f"ZZ{i:02}", name=f"Forum banyak {i}")
    url = reverse("partners:forum-suggest")
    rows = client.get(url, {"q": "zq"}).json()["results"]
    assert rows == [{"value": "ZQX", "label": "Zeta Quality Exchange (ZQX)"}]
    assert {r["value"] for r in client.get(url, {"q": "zeta"}).json()["results"]} == {"ABC", "ZQX"}
    with CaptureQueriesContext(connection) as queries:
        rows = client.get(url, {"q": "ZZ"}).json()["results"]
    assert len(rows) == 20 and rows[0]["value"] == "ZZ00"
    assert sum("partners_forum" in q["sql"] for q in queries.captured_queries) == 1
    assert client.get(url).json() == {"results": []}
    assert logged_in(ReaderFactory.create()).get(url, {"q": "z"}).status_code == 200
    from django.test import Client

    assert Client().get(url, {"q": "z"}).status_code == 302  # anonymous: to the login page


def test_the_api_still_takes_a_forum_id():
    from rest_framework.test import APIClient

    forum = ForumFactory.create(acronym="ZQX")
    MeetingFactory.create(forum=forum, title="Rapat API")
    api = APIClient()
    api.force_authenticate(ReaderFactory.create())
    rows = api.get("/api/v1/meetings/", {"forum": forum.pk}).json()
    assert [r["title"] for r in rows["results"]] == ["Rapat API"]
    assert api.get("/api/v1/meetings/", {"forum": 2000000000}).json()["results"] == []
