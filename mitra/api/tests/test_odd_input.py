"""Odd input never reaches a server error (issue 15, items 5–6): each case answered 4xx with problem details.

Built on factories: a team's division (its staff write; a reader of the bureau reads) and the team's own records."""

from __future__ import annotations

import pytest
from django.test import Client

from mitra.api import services
from mitra.api.errors import MAX_JSON_DEPTH, PROBLEM_JSON, json_depth_exceeds
from mitra.cooperation.models import Cooperation, Stage
from mitra.cooperation.tests.factories import CooperationFactory, ForumFactory, MeetingFactory
from mitra.core.models import User
from mitra.core.tests.factories import ReaderFactory, Team, bureau
from mitra.performance.tests.factories import SubActivityFactory, quarter_plans

pytestmark = pytest.mark.django_db


def client_of(user: User) -> Client:
    """A client with a new API token of `user`."""
    _token, raw = services.token_create(actor=user, user=user, name="test")
    # raise_request_exception=False: a server error is an answer to look at, as a client would see it.
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)


@pytest.fixture
def api(team: Team):
    """`api()`: a client of the team's staff; `api("reader")`: of a reader of the bureau (who reads its figures)."""

    def make(who: str = "staff") -> Client:
        return client_of(ReaderFactory.create(unit=bureau()) if who == "reader" else team.staff)

    return make


def is_problem(response, status: int) -> bool:
    body = response.json()
    return (
        response.status_code == status
        and response["Content-Type"] == PROBLEM_JSON
        and body["status"] == status
        and bool(body["title"])
        and isinstance(body["detail"], str)
    )


@pytest.mark.parametrize("year", ["²", "٣٠١٧", "²⁰¹⁷", "0", "99999999999999999999999"])
def test_measurement_year_only_from_ascii_digits(api, year):
    assert is_problem(api("reader").get(f"/api/v1/performance/measurement/{year}/"), 404)


@pytest.mark.parametrize("pk", ["٣", "²", "99999999999999999999999"])
def test_record_ids_only_from_ascii_digits(api, pk):
    assert is_problem(api("reader").get(f"/api/v1/cooperations/{pk}/"), 404)


def test_deeply_nested_json_is_a_400_problem(api):
    body = '{"notes": ' + "[" * 500 + "]" * 500 + "}"
    response = api().post("/api/v1/publications/", body, content_type="application/json")
    assert is_problem(response, 400)
    assert str(MAX_JSON_DEPTH) in response.json()["detail"]


def test_depth_scan_ignores_brackets_in_strings():
    assert not json_depth_exceeds(b'{"a": "' + b"[" * 100 + b'\\"' + b"{" * 100 + b'"}', 3)
    assert json_depth_exceeds(b'{"a": [[[1]]]}', 3)
    assert not json_depth_exceeds(b'{"a": [[1]]}', 3)


def change_stage(client: Client, cooperation: Cooperation, if_match: str):
    return client.post(
        f"/api/v1/cooperations/{cooperation.pk}/change-stage/",
        {"to_stage": Stage.NEGOTIATION, "date": cooperation.stage_since.isoformat()},
        content_type="application/json",
        HTTP_IF_MATCH=if_match,
    )


@pytest.fixture
def exploration(team: Team) -> Cooperation:
    """A cooperation of the team's division, being explored."""
    return CooperationFactory.create(responsible_unit=team.unit, stage=Stage.EXPLORATION)


def test_change_stage_with_if_match_star_overwrites_knowingly(api, exploration):
    response = change_stage(api(), exploration, "*")
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == Stage.NEGOTIATION


@pytest.mark.parametrize("if_match", ['"-9223372036854775807"', '"9223372036854775808"', "-9223372036854775807", "W/"])
def test_malformed_or_overflowing_if_match_is_a_412_problem(api, exploration, if_match):
    assert is_problem(change_stage(api(), exploration, if_match), 412)
    response = api().patch(
        f"/api/v1/cooperations/{exploration.pk}/",
        {"notes": "x"},
        content_type="application/json",
        HTTP_IF_MATCH=if_match,
    )
    assert is_problem(response, 412)


@pytest.mark.parametrize(
    "path", ["/api/nothing/", "/api/v1/nothing/", "/api/v1/cooperations/abc/", "/api/v2/", "/api/v1/forums/1%0A/"]
)
def test_unknown_urls_under_api_are_json_404(api, path):
    assert is_problem(api().get(path), 404)
    assert is_problem(api().post(path, "{}", content_type="application/json"), 404)


def test_unknown_urls_under_api_need_authentication():
    response = Client().get("/api/v1/nothing/")
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM_JSON


def test_method_not_allowed_is_a_405_problem(api, team):
    entry = quarter_plans(SubActivityFactory.create(owner_unit=team.unit), [1, 1, 1, 1], [1, 1, 1, 1])[0]
    url = f"/api/v1/performance/realisation/{entry.pk}/"
    assert api().get(url).status_code == 200  # the record is there: only the method is refused
    response = api().put(url, "{}", content_type="application/json")
    assert is_problem(response, 405)
    assert "PATCH" in response["Allow"]
    assert is_problem(api().delete("/api/v1/countries/ID/"), 405)


def test_validation_errors_are_problems_with_messages_by_field(api):
    response = api().post("/api/v1/publications/", {"copies": "banyak"}, content_type="application/json")
    assert is_problem(response, 400)
    assert "copies" in response.json()["errors"]


def test_a_rule_of_the_records_is_a_409_problem(api, exploration):
    response = api().post(
        f"/api/v1/cooperations/{exploration.pk}/change-stage/",
        {"to_stage": Stage.RENEWED, "date": "2999-01-01"},
        content_type="application/json",
        HTTP_IF_MATCH="*",
    )
    assert is_problem(response, 409)
    assert set(response.json()["errors"]) <= {"to_stage", "date"}


def test_a_reference_to_a_missing_record_is_a_409_problem(api, team):
    payload = {
        "title": "Kerjasama",
        "scope": "bilateral",
        "responsible_unit": team.unit.pk,
        "partners": [2_000_000_000],
    }
    response = api().post("/api/v1/cooperations/", payload, content_type="application/json")
    assert is_problem(response, 409)
    assert list(response.json()["errors"]) == ["partners"]


def test_a_filter_naming_a_missing_record_matches_nothing(api, team):
    meeting = MeetingFactory.create(responsible_unit=team.unit, forum=ForumFactory.create())
    listed = api().get(f"/api/v1/meetings/?forum={meeting.forum_id}").json()
    assert [row["id"] for row in listed["results"]] == [meeting.pk]  # the filter works on a forum that exists
    response = api().get("/api/v1/meetings/?forum=2000000000")
    assert response.status_code == 200 and response.json()["count"] == 0
    assert is_problem(api().get("/api/v1/meetings/?year=99999"), 400)


def test_nul_in_a_query_parameter_is_a_400_problem(api):
    response = api().get("/api/v1/meetings/?q=a%00b")
    assert is_problem(response, 400) and list(response.json()["errors"]) == ["q"]


def test_integers_are_bounded_by_what_every_database_stores(api, team):
    payload = {
        "series": "Newsletter",
        "edition": "1",
        "date": "2018-03-01",
        "copies": 2**31,
        "responsible_unit": team.unit.pk,
    }
    response = api().post("/api/v1/publications/", payload, content_type="application/json")
    assert is_problem(response, 400) and list(response.json()["errors"]) == ["copies"]


def test_the_schema_states_the_constraints():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    publication = schema["components"]["schemas"]["PublicationRequest"]["properties"]
    assert publication["copies"]["maximum"] == 2**31 - 1
    assert publication["notes"]["pattern"] == "^[^\\u0000]*$"
    # Required text: not only the white space DRF trims (Python's, which counts \x1c-\x1f and \x85 too).
    assert publication["edition"]["pattern"] == "^(?![\\s\\u001c-\\u001f\\u0085]*$)[^\\u0000]*$"
    post = schema["paths"]["/api/v1/publications/"]["post"]["responses"]
    assert {"400", "401", "403", "409", "413", "415", "429"} <= set(post)
    assert set(post["409"]["content"]) == {PROBLEM_JSON}
    patch = schema["paths"]["/api/v1/publications/{id}/"]["patch"]["responses"]
    assert {"412", "428"} <= set(patch)
