"""mitra.core.prepared: a query sent prepared gives the rows Django's cursor gives, is counted and logged with its
values as Django's own queries are, and on PostgreSQL is prepared once per connection (unless MITRA_PG_PREPARE=0)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.settings.base import tune_databases
from mitra.core.prepared import fetch_all

SQL = "SELECT %s + 1, %s, %s"


@pytest.mark.django_db
@pytest.mark.parametrize("prepared", [False, True])
def test_the_rows_are_those_of_djangos_cursor_and_the_query_is_logged_with_its_values(prepared: bool):
    params: list[Any] = [41, "ujian's", dt.datetime(2017, 12, 31, 8, 30, tzinfo=dt.UTC)]
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        expected = cursor.fetchall()
    with CaptureQueriesContext(connection) as queries:
        assert fetch_all(SQL, params, prepared=prepared) == expected and expected[0][:2] == (42, "ujian's")
    (query,) = queries.captured_queries
    assert "41 + 1" in query["sql"] and "ujian''s" in query["sql"] and "2017-12-31" in query["sql"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_a_statement_is_prepared_once_with_one_generic_plan_for_any_values():
    sql = "SELECT count(*) FROM core_user WHERE id = ANY(%s::bigint[]) AND %s::text <> ''"

    def runs() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%core_user WHERE id = ANY($1%"],
            )
            return cursor.fetchone() or (0, 0)

    before = runs()
    for ids in ("{1}", "{1,2,3}", "{}"):
        fetch_all(sql, [ids, "x"], prepared=True)
    fetch_all(sql, ["{1}", "x"])  # not prepared: bound on the client, as Django sends its queries
    generic, custom = runs()
    assert (generic - before[0], custom - before[1]) == (3, 0)


def test_the_settings_prepare_on_postgresql_unless_turned_off(monkeypatch):
    def tuned(**options: object) -> dict:
        databases: dict[str, dict[str, Any]] = {
            "default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": dict(options)},
            "local": {"ENGINE": "django.db.backends.sqlite3"},
        }
        tune_databases(databases)
        assert "prepare_threshold" not in databases["local"]["OPTIONS"]
        return databases["default"]["OPTIONS"]

    monkeypatch.delenv("MITRA_PG_PREPARE", raising=False)
    assert tuned() == {"prepare_threshold": 0, "options": "-c plan_cache_mode=force_generic_plan"}
    # Options given in DATABASE_URL are kept, ours added after them.
    assert (
        tuned(options="-c search_path=mitra")["options"] == "-c search_path=mitra -c plan_cache_mode=force_generic_plan"
    )
    monkeypatch.setenv("MITRA_PG_PREPARE", "0")
    assert tuned() == {}
