"""Queries that PostgreSQL plans once per connection: prepared statements that keep one generic plan.

A profile's queries of its open follow-ups and its timeline (mitra/cooperation/selectors.py) are the same statements
for every profile but for their values: the cooperations' ids (one array value, `key = ANY(%s::bigint[])`, see
mitra/core/lookups.py), the timeline's cutoff day, the limits. Sent as Django sends its queries, bound on the client,
each reached the server with its values written in and was planned anew, and for a profile of few cooperations the
planning was most of its cost (Indonesia's at N=100: the timeline's other sources 0.46 ms planning against 0.25 ms
executing, measured with EXPLAIN ANALYZE). Sent by fetch_all(prepared=True), bound on the server (Django's
server-binding cursor class), psycopg prepares the statement at its first run on a connection (`prepare_threshold` 0,
config/settings/base.py) and PostgreSQL keeps one generic plan for it (`plan_cache_mode=force_generic_plan`), used by
every profile that sends it on that connection.

The two settings touch nothing else: Django's own cursors bind on the client and are never prepared, and
`plan_cache_mode` governs prepared statements alone (and the statements of PL/pgSQL functions: the search's
search_expanded(), whose one query, a range of the word table's primary key with a limit, has that plan either way).
A generic plan is made without the values, so only a query whose best plan is the same for any of its values is sent
prepared; the callers say which (the profile's, with their measurements: FOLLOW_UPS_PREPARED_BELOW in
mitra/cooperation/selectors.py).
`MITRA_PG_PREPARE=0` turns preparing off (behind a connection pooler in transaction mode, such as PgBouncer, where a
connection's prepared statements may not be there for its next transaction): the same queries, bound on the server,
planned at each run.
On SQLite `prepared` changes nothing: every query goes through Django's cursor (sqlite3 keeps its own statement
cache).

Either way the query goes through Django's cursor wrapper: counted, logged and wrapped (execute_wrapper) as any."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


def fetch_all(sql: str, params: list[Any], *, prepared: bool = False) -> list[tuple[Any, ...]]:
    """The rows of `sql` with `params` (`%s` placeholders); on PostgreSQL with `prepared`, bound on the server, so
    that the statement is prepared once per connection (see above)."""
    cursor = _server_binding_cursor() if prepared and connection.vendor == "postgresql" else connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class _LoggedCursor(CursorDebugWrapper):
    """Logs a statement as Django logs its own queries, its values written in: Django reads the query back from the
    cursor after it ran (last_executed_query()), and psycopg does not keep it for a prepared statement."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return CursorWrapper.execute(self, sql, params)


def _server_binding_cursor() -> CursorWrapper:
    """A cursor as `connection.cursor()` gives it (the connection checked and opened, the connection's time zone for
    the values read as Django's create_cursor() registers it, the cursor wrapped for counting and logging), of
    Django's server-binding class."""
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(connection.connection)  # type: ignore[call-arg]  # psycopg's Cursor(connection)
        if connection.timezone != connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone:
            register_tzloader(connection.timezone, cursor)
    connection.validate_thread_sharing()
    return _LoggedCursor(cursor, connection) if connection.queries_logged else CursorWrapper(cursor, connection)
