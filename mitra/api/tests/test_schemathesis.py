"""Schemathesis against the OpenAPI schema, through the WSGI application, with a staff member's token and the
throttle lifted — with the checks of a run against the served schema: no server error, every response conforms to
the schema (status, content type, body), data valid by the schema is accepted, a deleted record is gone, a created
one is there, and authentication is enforced.

One test per operation and generation mode (positive: data valid by the schema; negative: data that is not). The
schema is generated offline at collection (drf-spectacular, no database), so the operations can be listed; each
test then calls the application in-process through WSGI inside the test's transaction. A record's path names an
existing record the staff member may edit (random ids would only ever answer 404), and a numeric If-Match names the
record's current version (a random one would only ever answer 412); "*" is sent as generated. Example counts are
bounded (MITRA_FUZZ_EXAMPLES, default 6). (schemathesis's own lazy pytest loader does not run on pytest 9, so the
hypothesis test is built here.)
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    positive_data_acceptance,
    response_schema_conformance,
    use_after_free,
)

from config.wsgi import application
from mitra.api import services

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    positive_data_acceptance,
    use_after_free,
    ensure_resource_availability,
    ignored_auth,
]
EXAMPLES = int(os.environ.get("MITRA_FUZZ_EXAMPLES", "6"))
RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
OPERATIONS = [
    (method.upper(), path, mode)
    for path, item in RAW_SCHEMA["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
]
USERNAME = "staf.bilateral"
_SCHEMA: list[Any] = []


def _schema() -> Any:
    """The schema loaded once for the module: every test reads the same operations, and building their strategies
    on one schema reuses its resolved references (about a second a test on a new schema each time)."""
    if not _SCHEMA:
        schema = schemathesis.openapi.from_dict(RAW_SCHEMA)
        schema.app = application
        _SCHEMA.append(schema)
    return _SCHEMA[0]


@pytest.fixture
def keep_connection():  # type: ignore[no-untyped-def]
    """Requests go straight to the WSGI application, so Django's request signals would close the database
    connection — and with it the test's transaction — after each one (as Django's own test client prevents)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(demo, user_of, settings, keep_connection):  # type: ignore[no-untyped-def]
    settings.MITRA_API_THROTTLE_RATE = "1000000/hour"
    user = user_of(USERNAME)
    _token, raw = services.token_create(actor=user, user=user, name="schemathesis")
    return raw


def _view_class(path: str) -> Any:
    match = resolve(re.sub(r"\{[^}]+\}", "1", path))
    return getattr(match.func, "cls", None)


def _record(path: str, user: Any) -> Any:
    """A record behind `path` that `user` may edit (else may read), or None."""
    view = _view_class(path)
    queryset_fn = getattr(view, "queryset_fn", None)
    if queryset_fn is None:
        return None
    records = list(queryset_fn().order_by("-pk")[:200])
    perm = getattr(view, "edit_perm", "") or getattr(view, "read_perm", "")
    editable = [r for r in records if perm and user.has_perm(perm, r)]
    return (editable or records or [None])[0]


def _path_parameters(path: str, user: Any) -> dict[str, Any]:
    if "{year}" in path:
        return {"year": 2017}
    if "{code}" in path:
        return {"code": "ID"}
    if "{id}" in path:
        record = _record(path, user)
        return {"id": record.pk} if record is not None else {}
    return {}


@pytest.mark.django_db
@pytest.mark.parametrize("method,path,mode", OPERATIONS, ids=[f"{m} {p} {g.value}" for m, p, g in OPERATIONS])
def test_api_conforms_to_its_schema(token, user_of, method, path, mode):  # type: ignore[no-untyped-def]
    operation = _schema()[path][method]
    headers = {"Authorization": f"Bearer {token}"}
    fixed = _path_parameters(path, user_of(USERNAME)) if mode == GenerationMode.POSITIVE else {}
    record = _record(path, user_of(USERNAME)) if "id" in fixed else None

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed or None))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def run(case):  # type: ignore[no-untyped-def]
        if record is not None and case.headers and case.headers.get("If-Match", "*") != "*":
            version = type(record)._base_manager.filter(pk=record.pk).values_list("version", flat=True).first()
            if version is not None:
                case.headers["If-Match"] = f'"{version}"'
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_schema_covers_every_area():
    paths = set(RAW_SCHEMA["paths"])
    for expected in (
        "/api/v1/partners/",
        "/api/v1/countries/",
        "/api/v1/forums/",
        "/api/v1/cooperations/",
        "/api/v1/agreements/",
        "/api/v1/position-papers/",
        "/api/v1/studies/",
        "/api/v1/meetings/",
        "/api/v1/follow-ups/",
        "/api/v1/outreach/",
        "/api/v1/publications/",
        "/api/v1/performance/plans/",
        "/api/v1/performance/indicators/",
        "/api/v1/performance/targets/",
        "/api/v1/performance/sub-activities/",
        "/api/v1/performance/realisation/",
        "/api/v1/performance/measurement/{year}/",
    ):
        assert expected in paths, expected
