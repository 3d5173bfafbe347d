"""The full-text part of the index, per database vendor, behind one interface.

Both backends match the analysed text (text.analyse) and receive only analysed terms — letters and digits —
so no user input reaches FTS5's or tsquery's syntax. A backend returns the SQL of the matching entries with a
rank where lower is better (FTS5's bm25 convention).
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from .text import ParsedQuery

TABLE = "search_searchentry"
# Title terms weigh this much more than body terms in the SQLite ranking (PostgreSQL: weights A and D).
TITLE_WEIGHT = 8.0


class Backend:
    vendor = ""

    def match_sql(self, query: ParsedQuery) -> tuple[str, list[Any]]:
        """SQL selecting (entry_id, rank) of every entry that matches all terms of `query`."""
        raise NotImplementedError

    def first_matches_sql(self, query: ParsedQuery, among: str | None, limit: int) -> tuple[str, list[Any]]:
        """SQL selecting (entry_id, rank, kind) of the first `limit` matching entries in id order, reading no further
        match: `among` is SQL selecting the ids allowed (None: every entry); its parameters follow the result's."""
        raise NotImplementedError

    def after_rebuild(self) -> None:
        pass

    def bulk_begin(self) -> None:
        """Before a rebuild writes every entry: stop per-row full-text upkeep where that is cheaper in one go."""

    def bulk_end(self) -> None:
        """After the rebuild's writes: build the full-text part of everything written since bulk_begin()."""


class SQLiteBackend(Backend):
    """FTS5 external-content table `search_fts` over SearchEntry's analysed columns, kept by triggers."""

    vendor = "sqlite"

    @staticmethod
    def expression(query: ParsedQuery) -> str:
        # Each term as a quoted FTS5 string (terms hold no quotes), prefix terms with *; juxtaposition is AND.
        return " ".join(f'"{t.text}"*' if t.prefix else f'"{t.text}"' for t in query.terms)

    def match_sql(self, query: ParsedQuery) -> tuple[str, list[Any]]:
        # Constant SQL: the terms travel as the parameter.
        return (
            f"SELECT rowid AS entry_id, bm25(search_fts, {TITLE_WEIGHT}, 1.0) AS rank "  # noqa: S608
            "FROM search_fts WHERE search_fts MATCH %s",
            [self.expression(query)],
        )

    def first_matches_sql(self, query: ParsedQuery, among: str | None, limit: int) -> tuple[str, list[Any]]:
        # FTS5 yields its matches in rowid order: with the join (not `rowid IN`, which makes SQLite sort every
        # match) the LIMIT stops the scan, and bm25 is computed for the rows returned only.
        condition = f" AND e.id IN ({among})" if among else ""
        return (
            f"SELECT f.rowid, bm25(search_fts, {TITLE_WEIGHT}, 1.0), e.kind FROM search_fts f "  # noqa: S608
            f"JOIN {TABLE} e ON e.id = f.rowid WHERE search_fts MATCH %s{condition} "
            f"ORDER BY f.rowid LIMIT {int(limit)}",
            [self.expression(query)],
        )

    def after_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    def bulk_begin(self) -> None:
        # Within the rebuild's transaction: no trigger, so the inserts write only the entries …
        with connection.cursor() as cursor:
            for sql in SQLITE_DROP[:3]:
                cursor.execute(sql)

    def bulk_end(self) -> None:
        # … and FTS5 reads them all from the content table in one pass ('rebuild': the same index as the triggers
        # build row by row), then the triggers are back for every later save.
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            for sql in SQLITE_CREATE[1:]:
                cursor.execute(sql)


class PostgresBackend(Backend):
    """A generated tsvector column `search_vector` ('simple' configuration, title weight A) with a GIN index."""

    vendor = "postgresql"

    @staticmethod
    def expression(query: ParsedQuery) -> str:
        return " & ".join(f"'{t.text}':*" if t.prefix else f"'{t.text}'" for t in query.terms)

    def match_sql(self, query: ParsedQuery) -> tuple[str, list[Any]]:
        return (
            "SELECT e.id AS entry_id, -ts_rank(e.search_vector, q.q) AS rank "  # noqa: S608
            f"FROM {TABLE} e, to_tsquery('simple', %s) AS q(q) WHERE e.search_vector @@ q.q",
            [self.expression(query)],
        )

    def first_matches_sql(self, query: ParsedQuery, among: str | None, limit: int) -> tuple[str, list[Any]]:
        condition = f" AND e.id IN ({among})" if among else ""
        return (
            "SELECT e.id, -ts_rank(e.search_vector, q.q), e.kind "  # noqa: S608
            f"FROM {TABLE} e, to_tsquery('simple', %s) AS q(q) WHERE e.search_vector @@ q.q{condition} "
            f"ORDER BY e.id LIMIT {int(limit)}",
            [self.expression(query)],
        )

    def after_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")


BACKENDS: dict[str, type[Backend]] = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}


def get_backend() -> Backend:
    try:
        return BACKENDS[connection.vendor]()
    except KeyError:
        raise RuntimeError(f"Search supports SQLite and PostgreSQL, not {connection.vendor}.") from None


# --- schema, used by the migration ----------------------------------------------------------------------------

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(stemmed_title, stemmed_body, content='search_searchentry', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_fts(rowid, stemmed_title, stemmed_body) VALUES (new.id, new.stemmed_title, new.stemmed_body);"
    " END",
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, stemmed_title, stemmed_body) "
    "VALUES ('delete', old.id, old.stemmed_title, old.stemmed_body); END",
    "CREATE TRIGGER search_fts_au AFTER UPDATE OF stemmed_title, stemmed_body ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, stemmed_title, stemmed_body) "
    "VALUES ('delete', old.id, old.stemmed_title, old.stemmed_body); "
    "INSERT INTO search_fts(rowid, stemmed_title, stemmed_body) VALUES (new.id, new.stemmed_title, new.stemmed_body);"
    " END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_CREATE = [
    "ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(stemmed_title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(stemmed_body, '')), 'D')) STORED",
    "CREATE INDEX search_entry_vector ON search_searchentry USING GIN (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_entry_vector",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS search_vector",
]


def create_fulltext(schema_editor: Any) -> None:
    statements = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def drop_fulltext(schema_editor: Any) -> None:
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)
