"""Request tests of the API: tokens, permissions and audit, ETag/If-Match, bad input, throttling."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client

from mitra.api import services
from mitra.api.models import ApiToken
from mitra.cooperation.models import Publication
from mitra.cooperation.tests.factories import MeetingFactory
from mitra.core.models import AuditAction, AuditEntry, OrganisationUnit, User
from mitra.core.tests.factories import HeadFactory, ReaderFactory, UnitFactory, UserFactory, bureau, logged_in
from mitra.performance import selectors as perf_selectors

pytestmark = pytest.mark.django_db


def api(user: User) -> Client:
    """A client with a new API token of `user`."""
    _token, raw = services.token_create(actor=user, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def staff() -> User:
    """Staff of a division of the bureau (the bureau's own records, publications among them, are theirs to write)."""
    return UserFactory.create()


@pytest.fixture
def reader() -> User:
    """A reader of the bureau."""
    return ReaderFactory.create(unit=bureau())


def publication_payload(unit: OrganisationUnit | None) -> dict:
    assert unit is not None
    return {
        "series": "Drug and Food Control Newsletter",
        "edition": "API 1/2018",
        "date": "2018-03-01",
        "copies": 500,
        "responsible_unit": unit.pk,
    }


def test_anonymous_and_revoked_tokens_are_refused(reader):
    assert Client().get("/api/v1/cooperations/").status_code == 401
    user = reader
    token, raw = services.token_create(actor=user, user=user, name="x")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/cooperations/").status_code == 200
    services.token_revoke(actor=user, token=token)
    assert client.get("/api/v1/cooperations/").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer nonsense").get("/api/v1/cooperations/").status_code == 401


def test_tokens_are_stored_hashed(staff):
    user = staff
    token, raw = services.token_create(actor=user, user=user, name="x")
    assert raw not in {token.digest, token.hint} and not ApiToken.objects.filter(digest=raw).exists()


def test_api_token_command_prints_a_working_token(capsys):
    call_command("api-token", HeadFactory.create().username, "--name", "sistem lain")
    raw = capsys.readouterr().out.strip()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/partners/").status_code == 200


def test_create_goes_through_the_service_with_audit(staff):
    response = api(staff).post(
        "/api/v1/publications/", publication_payload(staff.unit), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["ETag"] == '"1"' and body["version"] == 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None
    assert entry.action == AuditAction.CREATE and entry.record_id == str(body["id"])
    assert entry.actor_username == staff.username


def test_reader_is_refused_and_the_refusal_audited(reader):
    response = api(reader).post(
        "/api/v1/publications/", publication_payload(UnitFactory.create()), content_type="application/json"
    )
    assert response.status_code == 403
    last = AuditEntry.objects.order_by("-id").values_list("action", "actor_username")[0]
    assert last == (AuditAction.ACCESS_DENIED, reader.username)
    assert not Publication.objects.filter(edition="API 1/2018").exists()


def test_staff_cannot_write_another_units_record(staff):
    payload = publication_payload(UnitFactory.create())  # another division of the bureau
    response = api(staff).post("/api/v1/publications/", payload, content_type="application/json")
    assert response.status_code == 403
    assert not Publication.objects.filter(edition="API 1/2018").exists()


def test_if_match_guards_against_lost_updates(staff):
    client = api(staff)
    created = client.post("/api/v1/publications/", publication_payload(staff.unit), content_type="application/json")
    url = f"/api/v1/publications/{created.json()['id']}/"
    read = client.get(url)
    etag = read["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # Without If-Match: 428; with the current ETag: saved; with the old one again: 412 and nothing written.
    assert client.patch(url, {"copies": 600}, content_type="application/json").status_code == 428
    first = client.patch(url, {"copies": 600}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] == '"2"'
    stale = client.patch(url, {"copies": 700}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    assert [c["field"] for c in stale.json()["changes"]] == ["copies"]
    assert client.get(url).json()["copies"] == 600


def test_delete_needs_a_reason_and_if_match(staff):
    client = api(staff)
    created = client.post("/api/v1/publications/", publication_payload(staff.unit), content_type="application/json")
    url = f"/api/v1/publications/{created.json()['id']}/"
    assert client.delete(url, HTTP_IF_MATCH='"1"').status_code == 400
    assert client.delete(url + "?reason=duplikat", HTTP_IF_MATCH='"1"').status_code == 204
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "body,content_type,status",
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ('{"copies": "banyak"}', "application/json", 400),
        ('{"colour": "red"}', "application/json", 400),
        ("edition=1", "application/x-www-form-urlencoded", 415),
        ("<xml/>", "application/xml", 415),
    ],
)
def test_bad_input_is_refused_and_nothing_written(staff, body, content_type, status):
    client = api(staff)
    before = Publication.objects.count(), AuditEntry.objects.count()
    if body.startswith('{"'):
        body = json.dumps(publication_payload(staff.unit) | json.loads(body))
    response = client.post("/api/v1/publications/", body, content_type=content_type)
    assert response.status_code == status, response.content
    assert (Publication.objects.count(), AuditEntry.objects.count()) == before


def test_unknown_fields_are_named(staff):
    payload = publication_payload(staff.unit) | {"colour": "red"}
    response = api(staff).post("/api/v1/publications/", payload, content_type="application/json")
    assert response.status_code == 400 and "colour" in response.json()["errors"]


def test_nul_characters_are_refused_by_field_on_every_database(staff):
    payload = {
        "title": "Kerjasama",
        "scope": "bilateral",
        "stage": "exploration",
        "responsible_unit": staff.unit_id,
        "sectors": ["\x00drug"],
    }
    response = api(staff).post("/api/v1/cooperations/", payload, content_type="application/json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["sectors"]


def test_huge_payload_is_refused(staff, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = publication_payload(staff.unit) | {"distribution": "x" * 5000}
    response = api(staff).post("/api/v1/publications/", payload, content_type="application/json")
    assert response.status_code == 413, response.content


def test_service_validation_errors_are_400_by_field(staff):
    payload = publication_payload(staff.unit) | {"copies": -1}
    response = api(staff).post("/api/v1/publications/", payload, content_type="application/json")
    assert response.status_code == 400 and "copies" in response.json()["errors"]


def test_throttling_per_token(reader, settings):
    from django.core.cache import cache

    cache.clear()
    settings.MITRA_API_THROTTLE_RATE = "3/min"
    client = api(reader)
    codes = [client.get("/api/v1/countries/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert api(reader).get("/api/v1/countries/").status_code == 200  # another token, its own budget
    cache.clear()


def test_measurement_is_the_command_output(user_of):
    """Golden: the demo's 2017 measurement (Table 6's budget row) through the API."""
    reader = user_of("pembaca")
    response = api(reader).get("/api/v1/performance/measurement/2017/")
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(perf_selectors.measurement_json(2017)))
    assert response.json()["budget"] == {"ceiling": 5239601000, "realized": 4917869245, "absorption_pct": "93.86"}
    assert api(reader).get("/api/v1/performance/measurement/1999/").status_code == 404


def test_filtering_ordering_pagination(reader):
    client = api(reader)
    unit = UnitFactory.create()
    for day in (3, 1, 6, 2, 5, 4):
        MeetingFactory.create(responsible_unit=unit, start_date=dt.date(2017, 3, day), end_date=dt.date(2017, 3, day))
    MeetingFactory.create(responsible_unit=unit, start_date=dt.date(2018, 3, 1), end_date=dt.date(2018, 3, 1))
    body = client.get(f"/api/v1/meetings/?year=2017&responsible_unit={unit.pk}&ordering=-start_date&page_size=5").json()
    assert body["count"] == 6 and len(body["results"]) == 5
    dates = [m["start_date"] for m in body["results"]]
    assert dates == [f"2017-03-0{day}" for day in (6, 5, 4, 3, 2)]
    assert client.get("/api/v1/meetings/?year=99999999999").status_code == 400


def test_docs_page_and_schema_need_login(reader):
    assert Client().get("/api/v1/schema/").status_code in (401, 403)
    client = logged_in(reader)
    assert client.get("/api/v1/schema/").status_code == 200
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200 and b"<script>" not in page.content
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "javascript" in script["Content-Type"]


def test_profile_page_creates_and_revokes_tokens(staff):
    client = logged_in(staff)
    assert b"api-tokens" in client.get("/profil/").content
    page = client.post("/akun/api/token/baru/", {"name": "sistem"})
    assert page.status_code == 200 and b"mitra_" in page.content
    token = ApiToken.objects.get(user=staff, name="sistem")
    client.post(f"/akun/api/token/{token.pk}/cabut/")
    token.refresh_from_db()
    assert token.revoked_at is not None
