"""The full-text part of the index, per database vendor, behind one interface.

Both backends match the analysed text (text.analyse) and receive only analysed terms — letters and digits —
so no user input reaches FTS5's or tsquery's syntax. A backend returns the SQL of the matching entries with a
rank where lower is better (FTS5's bm25 convention).
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.db import connection

from .text import ParsedQuery

TABLE = "search_searchentry"
# Title terms weigh this much more than body terms in the SQLite ranking (PostgreSQL: weights A and D).
TITLE_WEIGHT = 8.0
# A prefix term standing for more of the index's words than this is matched as a prefix by FTS5 (SQLite).
MAX_EXPANSION = 64
# FTS5's bm25 constants (sqlite/ext/fts5/fts5_aux.c).
BM25_K1 = 1.2
BM25_B = 0.75
_PLAIN = re.compile(r"[a-z0-9 ]*")


class Backend:
    vendor = ""

    def match_sql(self, query: ParsedQuery) -> tuple[str, list[Any]]:
        """SQL selecting (entry_id, rank) of every entry that matches all terms of `query`."""
        raise NotImplementedError

    def first_matches_sql(self, query: ParsedQuery, among: str | None, limit: int) -> tuple[str, list[Any]]:
        """SQL selecting (entry_id, rank, kind) of the first `limit` matching entries in id order, reading no further
        match: `among` is SQL selecting the ids allowed (None: every entry); its parameters follow the result's."""
        raise NotImplementedError

    def first_matches(
        self, query: ParsedQuery, among: str | None, among_params: list[Any], limit: int
    ) -> list[tuple[Any, ...]]:
        """(entry_id, rank, kind) of the first `limit` matching entries in id order (first_matches_sql's rows), in
        one query (SQLite: two). The rank is the one match_sql gives; it may be None when fewer than `limit` match (the
        caller then ranks every match with match_sql)."""
        sql, params = self.first_matches_sql(query, among, limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *(among_params if among else [])])
            return list(cursor.fetchall())

    def after_rebuild(self) -> None:
        pass

    def bulk_begin(self) -> None:
        """Before a rebuild writes every entry: stop per-row full-text upkeep where that is cheaper in one go."""

    def bulk_end(self) -> None:
        """After the rebuild's writes: build the full-text part of everything written since bulk_begin()."""

    def secondary_indexes(self, tables: list[str]) -> list[tuple[str, str]]:
        """(name, CREATE statement) of the indexes of `tables` that a rebuild may drop and create again: every index
        but those of primary keys and unique constraints."""
        return []


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

    def first_matches(
        self, query: ParsedQuery, among: str | None, among_params: list[Any], limit: int
    ) -> list[tuple[Any, ...]]:
        """Without FTS5 reading a broad prefix term's every match (twice more for bm25's document counts): each prefix
        term becomes the index's words beginning with it (search_fts_vocab, which also gives each word's document
        count). When each term stands for one word, FTS5 ranks the words' matches itself (the same ranks); otherwise
        the first `limit` matches are read in rowid order without a rank, and only when there are `limit` of them
        (the bounded case) are they ranked here, with FTS5's bm25 formula on the same figures (_bm25)."""
        if not any(t.prefix for t in query.terms):  # FTS5 reads exact words lazily: no broad prefix to avoid
            return super().first_matches(query, among, among_params, limit)
        vocabulary = self._vocabulary(query)
        if vocabulary is None:  # a prefix standing for too many words: FTS5 matches it as a prefix
            return super().first_matches(query, among, among_params, limit)
        words, n_rows, total_tokens = vocabulary
        if any(not words[t.text] for t in query.terms):
            return []  # a term no entry holds
        expression = " AND ".join(_any_of(words[t.text]) for t in query.terms)
        condition = f" AND e.id IN ({among})" if among else ""
        # The first `limit` entries matching the words, in rowid order; the two reads below differ in what they select.
        first = f"WHERE search_fts MATCH %s{condition} ORDER BY f.rowid LIMIT {int(limit)}"
        params = [expression, *(among_params if among else [])]
        if all(len(words[t.text]) == 1 for t in query.terms):
            # Each term stands for one word: the words match what the prefixes match, and FTS5's own bm25 over them
            # gives the same ranks, counting exact words' matches, which is cheap.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT f.rowid, bm25(search_fts, {TITLE_WEIGHT}, 1.0), e.kind FROM search_fts f "  # noqa: S608
                    f"JOIN {TABLE} e ON e.id = f.rowid {first}",
                    params,
                )
                return list(cursor.fetchall())
        with connection.cursor() as cursor:
            # With what _bm25 reads (the texts are on the rows read anyway): the bounded case needs no other query.
            cursor.execute(
                f"SELECT f.rowid, e.kind, e.stemmed_title, e.stemmed_body, d.sz FROM search_fts f "  # noqa: S608
                f"JOIN {TABLE} e ON e.id = f.rowid JOIN search_fts_docsize d ON d.id = f.rowid {first}",
                params,
            )
            rows = cursor.fetchall()
            if len(rows) < limit:
                return [(row[0], None, row[1]) for row in rows]
            ranks = self._bm25(cursor, query, words, n_rows, total_tokens, [(r[0], r[2], r[3], r[4]) for r in rows])
        return [(row[0], ranks[row[0]], row[1]) for row in rows]

    @staticmethod
    def _vocabulary(query: ParsedQuery) -> tuple[dict[str, dict[str, int]], int, int] | None:
        """For each term, the index's words it matches with their document counts, and the index's row count and
        token count (FTS5's averages record), in one query; None when a prefix stands for more than MAX_EXPANSION
        words."""
        selects, params = [], []
        for i, term in enumerate(query.terms):
            if term.prefix:
                # The words from the prefix up to (not including) the prefix with its last letter incremented.
                upper = term.text[:-1] + chr(ord(term.text[-1]) + 1)
                selects.append(f"SELECT {i}, term, doc FROM search_fts_vocab WHERE term >= %s AND term < %s")  # noqa: S608
                params += [term.text, upper]
            else:
                selects.append(f"SELECT {i}, term, doc FROM search_fts_vocab WHERE term = %s")  # noqa: S608
                params.append(term.text)
        selects.append("SELECT -1, block, NULL FROM search_fts_data WHERE id = 1")
        words: dict[str, dict[str, int]] = {t.text: {} for t in query.terms}
        averages = b""
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            for i, word, docs in cursor.fetchall():
                if i < 0:
                    averages = bytes(word)
                else:
                    words[query.terms[i].text][word] = docs
        if any(len(found) > MAX_EXPANSION for found in words.values()):
            return None
        values = _varints(averages)
        n_rows = values[0] if values else 0
        return words, n_rows, sum(values[1:])

    @staticmethod
    def _bm25(
        cursor: Any,
        query: ParsedQuery,
        words: dict[str, dict[str, int]],
        n_rows: int,
        total_tokens: int,
        entries: list[tuple[int, str, str, bytes]],
    ) -> dict[int, float]:
        """bm25(search_fts, TITLE_WEIGHT, 1.0) of the `entries` (id, stemmed title, stemmed body, docsize), as FTS5
        computes it (fts5_aux.c, fts5Bm25Function): each term's inverse document frequency from the number of
        entries it matches, its occurrences in each column times the column's weight, the entry's length in tokens
        (FTS5's docsize record) against the index's average (its averages record)."""
        avgdl = total_tokens / n_rows if n_rows else 1.0
        idf = []
        for term in query.terms:
            counts = words[term.text]
            hits = max(counts.values())
            if len(counts) > 1 and hits < n_rows / 2:  # entries holding several of the words count once
                cursor.execute(
                    "SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH %s",
                    [_any_of(counts)],
                )
                hits = cursor.fetchone()[0]
            value = math.log((n_rows - hits + 0.5) / (hits + 0.5))
            idf.append(value if value > 0.0 else 1e-6)
        patterns = [
            re.compile(rf"(?<!\w){re.escape(t.text)}" + (r"\w*" if t.prefix else r"(?!\w)")) for t in query.terms
        ]
        # Analysed text is lowercase letters and digits separated by spaces: counting " word" (a token beginning
        # with it) or " word " (spaces doubled: the token itself) in C is what the patterns count, much faster.
        needles = [(" " + t.text, t.prefix) for t in query.terms]

        def occurrences(text: str | None) -> list[int]:
            if not text:
                return [0] * len(needles)
            if _PLAIN.fullmatch(text):
                spaced = " " + text
                doubled = " " + text.replace(" ", "  ") + " "
                return [spaced.count(n) if prefix else doubled.count(n + " ") for n, prefix in needles]
            return [len(pattern.findall(text)) for pattern in patterns]

        ranks = {}
        for entry_id, title, body, size in entries:
            length = float(sum(_varints(bytes(size))))
            score = 0.0
            for weight_idf, in_title, in_body in zip(idf, occurrences(title), occurrences(body), strict=True):
                freq = TITLE_WEIGHT * in_title + 1.0 * in_body
                score += weight_idf * (
                    (freq * (BM25_K1 + 1.0)) / (freq + BM25_K1 * (1 - BM25_B + BM25_B * length / avgdl))
                )
            ranks[entry_id] = -1.0 * score
        return ranks

    def after_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    def secondary_indexes(self, tables: list[str]) -> list[tuple[str, str]]:
        # Those of constraints (sqlite_autoindex_…) have no SQL and cannot be dropped.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
                f"AND tbl_name IN ({', '.join(['%s'] * len(tables))}) ORDER BY name",
                tables,
            )
            return [(name, sql) for name, sql in cursor.fetchall()]

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
        # ts_rank after the LIMIT: PostgreSQL would otherwise rank every row the GIN index returns before sorting
        # them by id (at N = 100, 22,000 rows for "obat tradisional suplemen kesehatan": ~1.5 s of the 2.3 s).
        condition = f" AND e.id IN ({among})" if among else ""
        return (
            "SELECT s.id, -ts_rank(s.v, s.q), s.kind FROM (SELECT e.id, e.search_vector AS v, q.q AS q, e.kind "  # noqa: S608
            f"FROM {TABLE} e, to_tsquery('simple', %s) AS q(q) WHERE e.search_vector @@ q.q{condition} "
            f"ORDER BY e.id LIMIT {int(limit)}) s ORDER BY s.id",
            [self.expression(query)],
        )

    def after_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")

    def bulk_begin(self) -> None:
        # The facets' foreign key is checked as each row goes in, not queued to the end of the transaction: the
        # rebuild drops and creates indexes of these tables, which PostgreSQL refuses while checks are pending
        # (those pending before are checked now).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def bulk_end(self) -> None:
        # Back to what Django's constraints are declared with (DEFERRABLE INITIALLY DEFERRED).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def secondary_indexes(self, tables: list[str]) -> list[tuple[str, str]]:
        # Not those backing a constraint (the primary keys, search_entry_record).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = ANY(%s) AND pg_table_is_visible(t.oid) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
                [tables],
            )
            return [(name, sql) for name, sql in cursor.fetchall()]


BACKENDS: dict[str, type[Backend]] = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}


def get_backend() -> Backend:
    try:
        return BACKENDS[connection.vendor]()
    except KeyError:
        raise RuntimeError(f"Search supports SQLite and PostgreSQL, not {connection.vendor}.") from None


def _any_of(words: Any) -> str:
    """An FTS5 expression matching any of these exact words (each a quoted string)."""
    return "(" + " OR ".join('"' + word.replace('"', '""') + '"' for word in words) + ")"


def _varints(data: bytes) -> list[int]:
    """The SQLite varints of an FTS5 record (the averages record, a docsize record)."""
    values, i = [], 0
    while i < len(data):
        value = 0
        for k in range(9):
            byte = data[i]
            i += 1
            if k == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        values.append(value)
    return values


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
# Migration 0003: FTS5's read-only view of search_fts's words, with the number of entries holding each.
SQLITE_VOCAB_CREATE = "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')"
SQLITE_VOCAB_DROP = "DROP TABLE IF EXISTS search_fts_vocab"
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
