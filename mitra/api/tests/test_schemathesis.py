"""Schemathesis against the OpenAPI schema, through the WSGI application, with a staff member's token: no server
error, every response conforms to the schema (status, content type, headers, body).

One test per operation. The schema is generated offline at collection (drf-spectacular, no database), so the
operations can be listed; each test then calls the application in-process through WSGI inside the test's
transaction. Example counts are bounded (MITRA_FUZZ_EXAMPLES, default 6) so the run takes about a minute on two
cores. (schemathesis's own lazy pytest loader does not run on pytest 9, so the hypothesis test is built here.)
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from mitra.api import services

EXAMPLES = int(os.environ.get("MITRA_FUZZ_EXAMPLES", "6"))
RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
OPERATIONS = [
    (method.upper(), path)
    for path, item in RAW_SCHEMA["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
]


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
    user = user_of("staf.bilateral")
    _token, raw = services.token_create(actor=user, user=user, name="schemathesis")
    return raw


@pytest.mark.django_db
@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_conforms_to_its_schema(token, method, path):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_dict(RAW_SCHEMA)
    schema.app = application
    operation = schema[path][method]
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def run(case):  # type: ignore[no-untyped-def]
        # Every check except "schema-valid data is accepted": the services' own rules (an agreement's dates in
        # order, a country for a national agency, an open quarter …) refuse combinations no schema expresses;
        # those answers are 400 with messages by field, which the remaining checks do hold to the schema.
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

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
