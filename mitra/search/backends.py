"""The full-text part of the index, per database vendor, behind one interface.

Both backends match the analysed text (text.analyse) and receive only analysed terms — letters and digits —
so no user input reaches FTS5's or tsquery's syntax. A backend returns the SQL of the matching entries with a
rank where lower is better (FTS5's bm25 convention).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
# SQLite: the words of the latest queries' terms, with the index's token they were read under (_vocabulary).
VOCABULARIES_KEPT = 256
_VOCABULARIES: dict[tuple[Any, ...], tuple[bytes, dict[str, dict[str, int]]]] = {}
# PostgreSQL: the distinct words of the index (migration 0004), and the setting that pauses their triggers.
WORD_TABLE = "search_word"
BULK_SETTING = "mitra.search_bulk"
# What the first matches carry after (entry_id, rank): the entry's kind (its weight) and its own facet columns, so
# that selectors._facets counts those without reading the entries again.
ENTRY_COLUMNS = "e.kind, e.year, e.scope, e.unit_id"


@dataclass(frozen=True)
class Sample:
    """The ids an over-broad query's count is estimated from: after `last_id` (the last of its first matches) up to
    the highest id `high_sql` selects, `windows` ranges of `ids // windows` ids each, starting at even steps; when
    no more than `ids` ids follow, the ranges cover every one (the count is then exact)."""

    last_id: int
    high_sql: str
    high_params: list[Any]
    ids: int
    windows: int

    # What the query returns after the count: the ids sampled and the ids after last_id.
    TOTALS = "(SELECT COALESCE(SUM(hi - lo + 1), 0) FROM r WHERE hi >= lo), (SELECT high - last FROM b)"

    def sql(self) -> tuple[str, list[Any]]:
        """A WITH clause defining b(last, high) and r(i, lo, hi), the ranges (empty ones have hi < lo)."""
        windows = max(1, min(self.windows, self.ids))
        width = self.ids // windows
        step = f"((b.high - b.last) * w.i) / {windows}"
        end = f"b.last + ((b.high - b.last) * (w.i + 1)) / {windows}"
        return (
            f"WITH RECURSIVE b(last, high) AS (SELECT %s, ({self.high_sql})), "  # noqa: S608 - constant SQL
            f"w(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM w WHERE i + 1 < {windows}), "
            f"r(i, lo, hi) AS (SELECT w.i, b.last + 1 + {step}, CASE WHEN {end} < b.last + {step} + {width} "
            f"THEN {end} ELSE b.last + {step} + {width} END FROM b, w WHERE b.high > b.last)",
            [self.last_id, *self.high_params],
        )


class Backend:
    vendor = ""

    def match_sql(self, query: ParsedQuery) -> tuple[str, list[Any]]:
        """SQL selecting (entry_id, rank) of every entry that matches all terms of `query`."""
        raise NotImplementedError

    def first_matches_sql(self, query: ParsedQuery, among: str | None, limit: int) -> tuple[str, list[Any]]:
        """SQL selecting (entry_id, rank, *ENTRY_COLUMNS) of the first `limit` matching entries in id order, reading
        no further match: `among` is SQL selecting the ids allowed (None: every entry); its parameters follow the
        result's."""
        raise NotImplementedError

    def first_matches(
        self, query: ParsedQuery, among: str | None, among_params: list[Any], limit: int
    ) -> list[tuple[Any, ...]]:
        """(entry_id, rank, *ENTRY_COLUMNS) of the first `limit` matching entries in id order (first_matches_sql's
        rows), in one query (SQLite: two). The rank is the one match_sql gives; it may be None when fewer than `limit`
        match (the caller then ranks every match with match_sql)."""
        sql, params = self.first_matches_sql(query, among, limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *(among_params if among else [])])
            return list(cursor.fetchall())

    def count_after(
        self, query: ParsedQuery, among: str | None, among_params: list[Any], sample: Sample
    ) -> tuple[int, int, int]:
        """In one query: how many entries match `query` in the sample of ids after `sample.last_id` (see Sample),
        how many ids that sample holds, and how many ids follow `sample.last_id` up to the highest id of the
        entries allowed (`sample.high_sql`); (0, 0, 0) when none follows."""
        raise NotImplementedError

    def ids_sql(self, ids: list[int]) -> tuple[str, list[Any]]:
        """SQL selecting these ids, with one parameter however many they are."""
        return "SELECT value FROM json_each(%s)", [json.dumps(ids)]

    def after_rebuild(self) -> None:
        pass

    @contextmanager
    def rebuilding(self) -> Iterator[None]:
        """Around a whole rebuild (its transaction included): connection settings for writing the index at once."""
        yield

    def bulk_begin(self) -> None:
        """Before a rebuild writes every entry: stop per-row full-text upkeep where that is cheaper in one go."""

    def empty(self, tables: list[str]) -> None:
        """Delete every row of `tables` (a table referring to another before it), within the rebuild's
        transaction."""
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 - constant names

    def bulk_end(self) -> None:
        """After the rebuild's writes: build the full-text part of everything written since bulk_begin()."""

    # Whether rebuild() drops the secondary indexes of the entry and facet tables while it writes and makes them
    # again at the end. SQLite: yes (readers keep reading the committed index, WAL). PostgreSQL: no, DROP INDEX
    # would lock both tables until the rebuild commits, holding up every search and every save of an indexed
    # record for the length of the rebuild.
    rebuild_drops_indexes = False

    def secondary_indexes(self, tables: list[str]) -> list[tuple[str, str]]:
        """(name, CREATE statement) of the indexes of `tables` that a rebuild may drop and create again: every index
        but those of primary keys and unique constraints."""
        return []


class SQLiteBackend(Backend):
    """FTS5 external-content table `search_fts` over SearchEntry's analysed columns, kept by triggers."""

    rebuild_drops_indexes = True

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
            f"SELECT f.rowid, bm25(search_fts, {TITLE_WEIGHT}, 1.0), {ENTRY_COLUMNS} FROM search_fts f "  # noqa: S608
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
        vocabulary = self._known_vocabulary(query)
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
                    f"SELECT f.rowid, bm25(search_fts, {TITLE_WEIGHT}, 1.0), {ENTRY_COLUMNS} FROM search_fts f "  # noqa: S608
                    f"JOIN {TABLE} e ON e.id = f.rowid {first}",
                    params,
                )
                return list(cursor.fetchall())
        with connection.cursor() as cursor:
            # With what _bm25 reads (the texts are on the rows read anyway): the bounded case needs no other query.
            cursor.execute(
                f"SELECT f.rowid, e.stemmed_title, e.stemmed_body, d.sz, {ENTRY_COLUMNS} FROM search_fts f "  # noqa: S608
                f"JOIN {TABLE} e ON e.id = f.rowid JOIN search_fts_docsize d ON d.id = f.rowid {first}",
                params,
            )
            rows = cursor.fetchall()
            if len(rows) < limit:
                return [(row[0], None, *row[4:]) for row in rows]
            ranks = self._bm25(cursor, query, words, n_rows, total_tokens, [row[:4] for row in rows])
        return [(row[0], ranks[row[0]], *row[4:]) for row in rows]

    def count_after(
        self, query: ParsedQuery, among: str | None, among_params: list[Any], sample: Sample
    ) -> tuple[int, int, int]:
        # One FTS5 count per range (FTS5 seeks to a rowid range, not to several ORed), the prefixes written as the
        # index's words when they stand for few (see first_matches).
        expression = self.expression(query)
        if any(t.prefix for t in query.terms):
            vocabulary = self._known_vocabulary(query)
            if vocabulary is not None:
                words = vocabulary[0]
                if any(not words[t.text] for t in query.terms):
                    return 0, 0, 0
                expression = " AND ".join(_any_of(words[t.text]) for t in query.terms)
        ranges, params = sample.sql()
        condition = f" AND f.rowid IN ({among})" if among else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"{ranges} SELECT (SELECT SUM((SELECT COUNT(*) FROM search_fts f WHERE search_fts MATCH %s "  # noqa: S608
                f"AND f.rowid BETWEEN r.lo AND r.hi{condition})) FROM r), {Sample.TOTALS}",
                [*params, expression, *(among_params if among else [])],
            )
            hits, sampled, rest = cursor.fetchone()
        return int(hits or 0), int(sampled or 0), int(rest or 0)

    def _known_vocabulary(self, query: ParsedQuery) -> tuple[dict[str, dict[str, int]], int, int] | None:
        """_vocabulary(query), read once per backend instance (search() counts after reading the first matches)."""
        key = tuple((t.text, t.prefix) for t in query.terms)
        known = self.__dict__.setdefault("_vocabularies", {})
        if key not in known:
            known[key] = self._vocabulary(query)
        return known[key]  # type: ignore[no-any-return]

    @staticmethod
    def _vocabulary(query: ParsedQuery) -> tuple[dict[str, dict[str, int]], int, int] | None:
        """For each term, the index's words it matches with their document counts, and the index's row count and
        token count (FTS5's averages record), in one query; None when a prefix stands for more than MAX_EXPANSION
        words."""
        # The words of the same terms read before, with the index's token then: the words are read again only
        # when the token changed since (FTS5 counts a word's entries by reading all of them: ~10 ms for each of
        # "kerja" and "sama", held by 93 % of the index at ten years of data, issue 17). In the same query: the
        # token's row, when it differs, is the outer loop of the words' (CROSS JOIN keeps that order), so an
        # unchanged index reads no word at all.
        key = (connection.settings_dict["NAME"], tuple((t.text, t.prefix) for t in query.terms))
        known = _VOCABULARIES.get(key)
        vocabulary = "FROM search_state s CROSS JOIN search_fts_vocab v WHERE s.token IS NOT %s AND"
        selects, params = [], []
        for i, term in enumerate(query.terms):
            if term.prefix:
                # The words from the prefix up to (not including) the prefix with its last letter incremented.
                upper = term.text[:-1] + chr(ord(term.text[-1]) + 1)
                selects.append(f"SELECT {i}, v.term, v.doc {vocabulary} v.term >= %s AND v.term < %s")
                params += [known[0] if known else None, term.text, upper]
            else:
                selects.append(f"SELECT {i}, v.term, v.doc {vocabulary} v.term = %s")
                params += [known[0] if known else None, term.text]
        selects.append("SELECT -1, block, NULL FROM search_fts_data WHERE id = 1")
        selects.append("SELECT -2, token, NULL FROM search_state")
        words: dict[str, dict[str, int]] = {t.text: {} for t in query.terms}
        averages = token = b""
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            for i, word, docs in cursor.fetchall():
                if i == -1:
                    averages = bytes(word)
                elif i == -2:
                    token = bytes(word)
                else:
                    words[query.terms[i].text][word] = docs
        if known and known[0] == token:
            words = {text: dict(found) for text, found in known[1].items()}
        else:
            _VOCABULARIES[key] = (token, {text: dict(found) for text, found in words.items()})
            for stale in list(_VOCABULARIES)[:-VOCABULARIES_KEPT]:  # the oldest (list() and pop: one step each)
                _VOCABULARIES.pop(stale, None)
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

    # The page cache of the connection while it rebuilds (KiB, SQLite's negative form; its default is 2 MiB): the
    # sorts of the indexes made again and the FTS5 build work in memory rather than in temporary files, and the
    # transaction's pages are spilled to the WAL less often. Durability is unchanged (journal and synchronous are
    # not touched).
    REBUILD_CACHE_KIB = 256 * 1024
    # FTS5's buffer of pending terms while it builds the index in one pass (bulk_end; its default is 1 MB). At N = 100
    # the terms of every entry take about 95 MB there: one segment is written, when 'optimize' flushes the buffer
    # (at 64 MB: a few, merged again by 'optimize', 0.5 s of CPU more). The rebuild's peak memory is not raised: it
    # comes earlier, while the files are read (795 MiB either way at N = 100; about 780 MiB while FTS5 builds).
    REBUILD_FTS_HASH_BYTES = 128 * 1024 * 1024

    @contextmanager
    def rebuilding(self) -> Iterator[None]:
        # And secure_delete at FAST: SQLite builds that zero every freed page (Debian's, SQLITE_SECURE_DELETE) write
        # the old index's every page again, as zeros, when the rebuild frees it (most of the 1.2 s its deletes took at
        # N = 100). FAST zeroes what it can without writing more pages: the old index's freed pages keep their text
        # (the text of the records the rebuild indexes again) until the new index, written in the same transaction,
        # reuses them. Builds without that option (python.org's, SQLite's own default) never zero them.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            (size,) = cursor.fetchone()
            cursor.execute("PRAGMA secure_delete")
            (secure,) = cursor.fetchone()
            cursor.execute(f"PRAGMA cache_size = -{int(self.REBUILD_CACHE_KIB)}")
            cursor.execute("PRAGMA secure_delete = FAST")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(size)}")
                # (FAST reads back as 2, which the pragma would take for "on".)
                cursor.execute(f"PRAGMA secure_delete = {'FAST' if secure == 2 else int(secure)}")

    def empty(self, tables: list[str]) -> None:
        # DELETE FROM a table that a foreign key refers to, or that has one, deletes its rows one by one (SQLite clears
        # a whole table at once only without foreign keys or triggers to honour), rewriting each of its pages. DROP
        # TABLE frees the pages as they are (with secure_delete at FAST, see rebuilding(): 0.3 s at N = 100, where the
        # deletes took 1.2 s); each table is made again from its own CREATE statement, with its indexes and triggers,
        # and its AUTOINCREMENT counter (sqlite_sequence, which DROP TABLE forgets) is put back: the same schema and
        # ids as after the deletes. Within the rebuild's transaction (DDL is transactional in SQLite): a failed
        # rebuild leaves the tables as they were, and readers see the old index until the commit. The referring table
        # goes first, so the other has no foreign key left to check.
        qn = connection.ops.quote_name
        marks = ", ".join(["%s"] * len(tables))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT type, tbl_name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) AND sql IS NOT NULL "  # noqa: S608
                "AND type IN ('table', 'index', 'trigger') ORDER BY rowid",
                tables,
            )
            schema = cursor.fetchall()
            cursor.execute(f"SELECT name, seq FROM sqlite_sequence WHERE name IN ({marks})", tables)  # noqa: S608
            sequences = cursor.fetchall()
            for table in tables:
                cursor.execute(f"DROP TABLE {qn(table)}")
            made = {name: sql for kind, name, sql in schema if kind == "table"}
            for table in reversed(tables):
                cursor.execute(made[table])
            for kind, _name, sql in schema:
                if kind != "table":
                    cursor.execute(sql)
            cursor.executemany("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", sequences)

    def bulk_begin(self) -> None:
        # Within the rebuild's transaction: no trigger, so the inserts write only the entries …
        with connection.cursor() as cursor:
            for sql in [*SQLITE_DROP[:3], *SQLITE_STATE_DROP[:3]]:
                cursor.execute(sql)

    def bulk_end(self) -> None:
        # … and FTS5 reads them all from the content table in one pass ('rebuild': the same index as the triggers
        # build row by row), then the triggers are back for every later save.
        with connection.cursor() as cursor:
            # With FTS5's buffer of pending terms at REBUILD_FTS_HASH_BYTES rather than 1 MB: the index is written in
            # one or a few segments rather than a few hundred merged again and again (at N = 100: 3.7 s of CPU
            # instead of 7.7 with 64 MB, and a fraction of the writes). The option is set back as it was (its row of
            # search_fts_config; this connection keeps the larger buffer until FTS5 reads its options again, which
            # only makes its later transactions flush at commit, as they do anyway). The index is the same but for the
            # count of option changes that FTS5 keeps in its structure record.
            cursor.execute("SELECT v FROM search_fts_config WHERE k = 'hashsize'")
            hashsize = cursor.fetchone()
            cursor.execute(
                "INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', %s)", [self.REBUILD_FTS_HASH_BYTES]
            )
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            if hashsize is None:
                cursor.execute("DELETE FROM search_fts_config WHERE k = 'hashsize'")
            else:
                cursor.execute("UPDATE search_fts_config SET v = %s WHERE k = 'hashsize'", [hashsize[0]])
            for sql in [*SQLITE_CREATE[1:], *SQLITE_STATE_TRIGGERS, SQLITE_STATE_CHANGE]:
                cursor.execute(sql)


class PostgresBackend(Backend):
    """A generated tsvector column `search_vector` ('simple' configuration, title weight A) with a GIN index, and
    the table `search_word` of the distinct words (lexemes) of the vectors, kept by statement triggers (migration
    0004)."""

    vendor = "postgresql"

    @staticmethod
    def expression(query: ParsedQuery) -> str:
        return " & ".join(f"'{t.text}':*" if t.prefix else f"'{t.text}'" for t in query.terms)

    @staticmethod
    def expanded(query: ParsedQuery) -> tuple[str, list[Any]]:
        """SQL of a tsquery that matches what expression(query) matches, with each prefix term written as the
        index's words beginning with it (search_word, up to MAX_EXPANSION of them; see search_expanded in
        POSTGRES_WORDS_CREATE): the GIN index reads a prefix's every posting list into a bitmap (280–680 ms under
        load at N = 100 for "obat tradisional suplemen kesehatan"), exact words as keys it skips through. The
        function is declared immutable so that the planner computes it once, while planning, from the query's
        constant terms: it then knows the words (its estimates, its choice of the GIN index or the id order, are
        those of the words), no row evaluates it again, and no query is added; it reads the words current when the
        statement runs."""
        return (
            f"search_expanded(%s::text[], %s::boolean[], {MAX_EXPANSION})",
            [[t.text for t in query.terms], [t.prefix for t in query.terms]],
        )

    def match_sql(self, query: ParsedQuery) -> tuple[str, list[Any]]:
        # Matched with the prefixes expanded into words, ranked with the query as typed (the same ranks).
        expanded, params = self.expanded(query)
        return (
            "SELECT e.id AS entry_id, -ts_rank(e.search_vector, to_tsquery('simple', %s)) AS rank "  # noqa: S608
            f"FROM {TABLE} e WHERE e.search_vector @@ {expanded}",
            [self.expression(query), *params],
        )

    @staticmethod
    def _first_sql(condition: str, among: str | None, limit: int) -> str:
        """The first `limit` entries whose vector matches `condition` (a tsquery's SQL), in id order, ranked by the
        first parameter (a tsquery's text). The inner query selects the ids only: the GIN bitmap's every match is
        read from the table to sort them by id, and carrying the wide vectors through that sort cost more than the
        sort; the vectors of the rows kept are read again by id for ts_rank, after the LIMIT (ranking every match
        cost ~1.5 s at N = 100)."""
        among_condition = f" AND f.id IN ({among})" if among else ""
        return (
            f"SELECT e.id, -ts_rank(e.search_vector, to_tsquery('simple', %s)), {ENTRY_COLUMNS} FROM "  # noqa: S608
            f"(SELECT f.id FROM {TABLE} f WHERE f.search_vector @@ {condition}{among_condition} "
            f"ORDER BY f.id LIMIT {int(limit)}) s JOIN {TABLE} e ON e.id = s.id ORDER BY e.id"
        )

    def first_matches_sql(self, query: ParsedQuery, among: str | None, limit: int) -> tuple[str, list[Any]]:
        expanded, params = self.expanded(query)
        return self._first_sql(expanded, among, limit), [self.expression(query), *params]

    def prefix_first_matches_sql(self, query: ParsedQuery, among: str | None, limit: int) -> tuple[str, list[Any]]:
        """first_matches_sql with the prefixes matched as prefixes by the GIN index (what the words replace)."""
        expression = self.expression(query)
        return self._first_sql("to_tsquery('simple', %s)", among, limit), [expression, expression]

    def count_after(
        self, query: ParsedQuery, among: str | None, among_params: list[Any], sample: Sample
    ) -> tuple[int, int, int]:
        # ts_match_vq is what @@ runs, but not an operator the GIN index serves: the sampled rows are read by id and
        # matched one by one, without the GIN index reading every match of the words (20–55 ms under load).
        expanded, params = self.expanded(query)
        ranges, range_params = sample.sql()
        condition = f" AND f.id IN ({among})" if among else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"{ranges} SELECT (SELECT SUM((SELECT COUNT(*) FROM {TABLE} f WHERE f.id BETWEEN r.lo AND r.hi "  # noqa: S608
                f"AND ts_match_vq(f.search_vector, {expanded}){condition})) FROM r), {Sample.TOTALS}",
                [*range_params, *params, *(among_params if among else [])],
            )
            hits, sampled, rest = cursor.fetchone()
        return int(hits or 0), int(sampled or 0), int(rest or 0)

    def ids_sql(self, ids: list[int]) -> tuple[str, list[Any]]:
        return "SELECT unnest(%s::bigint[])", [ids]

    def after_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
            cursor.execute(f"ANALYZE {WORD_TABLE}")

    def bulk_begin(self) -> None:
        # Within the rebuild's transaction: the word triggers do nothing (SET LOCAL ends with the transaction) …
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL {BULK_SETTING} = 'on'")
            cursor.execute(f"DELETE FROM {WORD_TABLE}")  # noqa: S608 - constant names

    def bulk_end(self) -> None:
        # … and the words of every entry are read once at the end (6 s at N = 100, against ~45 s in triggers for the
        # rebuild's one-row inserts); the triggers keep them again for every later write.
        with connection.cursor() as cursor:
            cursor.execute(POSTGRES_WORDS_FILL)
            cursor.execute(f"SET LOCAL {BULK_SETTING} = 'off'")

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
# Migration 0005: a token that every change of the entries' analysed text replaces with a random one (a rebuild
# too, in bulk_end), so that a query's words and their document counts read from search_fts_vocab can be used again
# while it holds the same token (SQLiteBackend._vocabulary). A rolled-back change restores the old token with the
# old text; a random token never comes back for another text.
SQLITE_STATE_CHANGE = "UPDATE search_state SET token = randomblob(16)"
SQLITE_STATE_TRIGGERS = [
    f"CREATE TRIGGER search_state_ai AFTER INSERT ON search_searchentry BEGIN {SQLITE_STATE_CHANGE}; END",
    f"CREATE TRIGGER search_state_ad AFTER DELETE ON search_searchentry BEGIN {SQLITE_STATE_CHANGE}; END",
    "CREATE TRIGGER search_state_au AFTER UPDATE OF stemmed_title, stemmed_body ON search_searchentry "
    f"BEGIN {SQLITE_STATE_CHANGE}; END",
]
SQLITE_STATE_CREATE = [
    "CREATE TABLE search_state (id integer PRIMARY KEY CHECK (id = 1), token blob NOT NULL)",
    "INSERT INTO search_state (id, token) VALUES (1, randomblob(16))",
    *SQLITE_STATE_TRIGGERS,
]
SQLITE_STATE_DROP = [
    "DROP TRIGGER IF EXISTS search_state_au",
    "DROP TRIGGER IF EXISTS search_state_ad",
    "DROP TRIGGER IF EXISTS search_state_ai",
    "DROP TABLE IF EXISTS search_state",
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

# Migration 0004: the distinct words of the vectors, kept by every statement that inserts or updates entries (the
# words of the rows it wrote, in one sorted insert; a word no entry holds any longer stays until the next rebuild,
# and only adds an alternative that matches nothing). Paused while BULK_SETTING is 'on' (the rebuild fills it once).
POSTGRES_WORDS_FILL = (
    f"INSERT INTO {WORD_TABLE} (word) SELECT DISTINCT w FROM {TABLE}, unnest(tsvector_to_array(search_vector)) AS w "  # noqa: S608
    "ORDER BY 1 ON CONFLICT DO NOTHING"
)
POSTGRES_WORDS_CREATE = [
    f'CREATE TABLE {WORD_TABLE} (word text COLLATE "C" PRIMARY KEY)',
    f"""CREATE FUNCTION search_word_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('{BULK_SETTING}', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO {WORD_TABLE} (word)
        SELECT DISTINCT w FROM written, unnest(tsvector_to_array(written.search_vector)) AS w
        ORDER BY 1 ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$""",  # noqa: S608 - constant names
    # A word as a quoted tsquery operand (analysed words hold neither quotes nor backslashes; escaped all the same).
    r"""CREATE FUNCTION search_operand(word text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT '''' || replace(replace(word, '\', '\\'), '''', '''''') || '''' $$""",
    f"""CREATE FUNCTION search_expanded(terms text[], prefixes boolean[], most integer) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    parts text[] := '{{}}';
    alternatives text;
    n integer;
BEGIN
    FOR i IN 1 .. coalesce(array_length(terms, 1), 0) LOOP
        IF prefixes[i] AND terms[i] ~ '^[a-z0-9]+$' THEN
            -- The words from the prefix up to the prefix with its last letter incremented (byte order: "C").
            SELECT string_agg(search_operand(w.word), ' | ' ORDER BY w.word), count(*) INTO alternatives, n
            FROM (SELECT word FROM {WORD_TABLE}
                  WHERE word >= terms[i] AND word < left(terms[i], -1) || chr(ascii(right(terms[i], 1)) + 1)
                  ORDER BY word LIMIT most + 1) AS w;
            IF n BETWEEN 1 AND most THEN
                parts := parts || ('(' || alternatives || ')');
                CONTINUE;
            END IF;
        END IF;
        -- As expression() writes it: a prefix standing for no word or too many words stays a prefix.
        parts := parts || (search_operand(terms[i]) || CASE WHEN prefixes[i] THEN ':*' ELSE '' END);
    END LOOP;
    RETURN to_tsquery('simple', array_to_string(parts, ' & '));
END $$""",  # noqa: S608 - constant names
    f"CREATE TRIGGER search_word_ai AFTER INSERT ON {TABLE} REFERENCING NEW TABLE AS written "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_word_add()",
    f"CREATE TRIGGER search_word_au AFTER UPDATE ON {TABLE} REFERENCING NEW TABLE AS written "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_word_add()",
    POSTGRES_WORDS_FILL,
]
POSTGRES_WORDS_DROP = [
    f"DROP TRIGGER IF EXISTS search_word_au ON {TABLE}",
    f"DROP TRIGGER IF EXISTS search_word_ai ON {TABLE}",
    "DROP FUNCTION IF EXISTS search_word_add()",
    "DROP FUNCTION IF EXISTS search_expanded(text[], boolean[], integer)",
    "DROP FUNCTION IF EXISTS search_operand(text)",
    f"DROP TABLE IF EXISTS {WORD_TABLE}",
]


def create_fulltext(schema_editor: Any) -> None:
    statements = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def drop_fulltext(schema_editor: Any) -> None:
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)
