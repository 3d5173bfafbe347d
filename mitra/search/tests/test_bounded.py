"""Bounded search (issue 17): a query with at most CANDIDATES matches gets exactly what ranking every match gives;
a broader one is ranked and faceted among its first CANDIDATES matches and its count is shown as "sekitar N"."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.urls import reverse

from mitra.cooperation import services as registry
from mitra.cooperation.models import Agreement, Cooperation
from mitra.cooperation.tests.factories import AgreementFactory, CooperationFactory
from mitra.core.models import User
from mitra.core.tests.factories import AdminFactory, ReaderFactory, UnitFactory, UserFactory, logged_in
from mitra.partners.models import Country
from mitra.partners.tests.factories import InstitutionFactory
from mitra.search import backends, selectors, services
from mitra.search.models import SearchEntry, SearchFacet
from mitra.search.selectors import SearchResult, search
from mitra.search.text import parse_query

pytestmark = pytest.mark.django_db

WORD = "Quorvantix"


@pytest.fixture
def reader() -> User:
    return ReaderFactory.create()


@pytest.fixture
def corpus() -> int:
    """Records of several kinds, units and years sharing a made-up word, ranked differently (title vs text)."""
    units = [UnitFactory.create(), UnitFactory.create()]
    for i in range(6):
        title = f"{WORD} kerjasama {i}" if i % 2 else f"Kerjasama pengawasan {i}"
        cooperation = CooperationFactory.create(
            title=title, notes=f"Uraian {WORD} " * (i + 1), responsible_unit=units[i % 2]
        )
        AgreementFactory.create(title=f"Naskah {WORD} {i}", cooperation=cooperation)
    return search(WORD, user=ReaderFactory.create(), limit=100).total


def _plain(result: SearchResult) -> dict[str, Any]:
    return {
        "ids": [h.entry_id for h in result.hits],
        "ranks": [h.rank for h in result.hits],
        "total": result.total,
        "estimated": result.estimated,
        "facets": {name: [(v.value, v.count) for v in values] for name, values in result.facets.items()},
    }


def _full(query: str, user: User, **kwargs: Any) -> SearchResult:
    """Today's algorithm: rank, count and facet every match (no bound reached)."""
    previous = selectors.CANDIDATES
    selectors.CANDIDATES = 10**9
    try:
        return search(query, user=user, **kwargs)
    finally:
        selectors.CANDIDATES = previous


@pytest.mark.parametrize(
    "query,kwargs",
    [
        (WORD, {}),
        (WORD, {"limit": 3, "offset": 2}),
        (f"{WORD} kerjasama", {}),
        (WORD, {"filters": {"kind": "cooperation.agreement"}}),
    ],
)
def test_queries_under_the_bound_give_what_the_full_ranking_gives(corpus, reader, monkeypatch, query, kwargs):
    full = _full(query, reader, **kwargs)
    assert full.total and not full.estimated
    # The bound exactly at the number of matches: still the exact path, the same ids in the same order.
    monkeypatch.setattr(selectors, "CANDIDATES", full.total)
    bounded = search(query, user=reader, **kwargs)
    assert _plain(bounded) == _plain(full)
    assert bounded.reachable == bounded.total


def test_a_query_over_the_bound_is_ranked_among_its_first_matches_and_estimated(corpus, reader, monkeypatch):
    full = _full(WORD, reader, limit=100)
    assert full.total == corpus > 5
    monkeypatch.setattr(selectors, "CANDIDATES", 5)
    bounded = search(WORD, user=reader, limit=100)
    assert bounded.estimated and bounded.candidates == 5 and bounded.reachable == 5
    # The candidates are the first five matches in index order, in the order the full ranking gives them.
    first_five = set(sorted(h.entry_id for h in full.hits)[:5])
    assert [h.entry_id for h in bounded.hits] == [h.entry_id for h in full.hits if h.entry_id in first_five]
    # Facets count the candidates only.
    assert sum(v.count for v in bounded.facets["kind"]) == 5
    # The count: the five, and the matches after them counted (fewer ids than selectors.SAMPLE_IDS): exact.
    assert bounded.total == full.total
    paged = search(WORD, user=reader, limit=2, offset=4)
    assert [h.entry_id for h in paged.hits] == [h.entry_id for h in bounded.hits][4:6]


def _facets_counted_from_the_tables(entry_ids: list[int]) -> dict[str, dict[Any, int]]:
    """Each facet's counts over these entries, read from the entry and facet tables with the ORM."""
    entries = SearchEntry.objects.filter(pk__in=entry_ids)
    counts: dict[str, dict[Any, int]] = {}
    for name, column in [("kind", "kind"), ("year", "year"), ("scope", "scope"), ("unit", "unit_id")]:
        rows = entries.order_by().values_list(column).annotate(n=Count("pk"))
        counts[name] = {value: n for value, n in rows if value not in (None, "")}
    for name in (SearchFacet.PARTNER, SearchFacet.COUNTRY):
        related = (
            SearchFacet.objects.filter(entry__in=entry_ids, facet=name)
            .order_by()
            .values_list("value")
            .annotate(n=Count("entry", distinct=True))
        )
        counts[name] = dict(related)
    return counts


@pytest.mark.parametrize("bound", [None, 5])
def test_the_facets_count_the_matches_or_the_candidates(corpus, reader, monkeypatch, bound):
    """The facet counts (taken with the first matches, the partners and countries in one query) are those of the
    entries counted: every match, or an over-broad query's candidates."""
    admin = AdminFactory.create()
    korea, japan = Country.objects.get(code="KR"), Country.objects.get(code="JP")
    partners = [InstitutionFactory.create(country=korea), InstitutionFactory.create(country=japan)]
    for i, cooperation in enumerate(Cooperation.objects.filter(title__contains=WORD).order_by("pk")):
        registry.update(
            actor=admin,
            instance=cooperation,
            data={"partners": partners[: 1 + i % 2]},
            expected_version=None,
        )
    full = search(WORD, user=reader, limit=100)
    matched = sorted(h.entry_id for h in full.hits)
    assert len(matched) == full.total > 5
    if bound:
        monkeypatch.setattr(selectors, "CANDIDATES", bound)
        matched = matched[:bound]
    result = search(WORD, user=reader, limit=100)
    assert result.estimated == bool(bound)
    expected = _facets_counted_from_the_tables(matched)
    assert expected[SearchFacet.PARTNER] and expected[SearchFacet.COUNTRY] and len(expected["unit"]) > 1
    got = {name: {v.value: v.count for v in values} for name, values in result.facets.items()}
    assert {name: {str(v): n for v, n in counts.items()} for name, counts in got.items()} == {
        name: {str(v): n for v, n in counts.items()} for name, counts in expected.items()
    }


def test_the_estimate_scales_the_matches_counted_in_the_sample(corpus):
    entries = SearchEntry.objects.all()
    asked: list[backends.Sample] = []

    def counted(hits: int, sampled: int, rest: int) -> Any:
        def count(sample: backends.Sample) -> tuple[int, int, int]:
            asked.append(sample)
            return hits, sampled, rest

        return count

    assert selectors._estimate(entries, 10, 5, counted(5, 5, 5)) == 15  # every id after the last counted: exact
    assert selectors._estimate(entries, 10, 5, counted(8, 8, 100)) == 110  # every sampled id matches
    assert selectors._estimate(entries, 10, 5, counted(4, 8, 100)) == 60  # half of them
    assert selectors._estimate(entries, 1000, 5, counted(1, 1024, 281_000)) == 1300  # two significant digits
    assert selectors._estimate(entries, 10, 5, counted(0, 0, 0)) == 10  # the ten reach the last id
    assert asked[0].last_id == 5 and (asked[0].ids, asked[0].windows) == (
        selectors.SAMPLE_IDS,
        selectors.SAMPLE_WINDOWS,
    )
    assert selectors._estimate(SearchEntry.objects.none(), 7, 1, counted(1, 1, 1)) == 7


def _sample_ranges(last: int, high: int, ids: int, windows: int) -> list[tuple[int, int]]:
    """backends.Sample's ranges, written out."""
    width = ids // windows
    starts = [last + (high - last) * i // windows for i in range(windows + 1)]
    return [(starts[i] + 1, min(starts[i + 1], starts[i] + width)) for i in range(windows)]


@pytest.mark.parametrize("query", [WORD, f"{WORD} kerjasama", "kerjasama", "uraian"])
@pytest.mark.parametrize("ids,windows", [(8, 4), (1024, 32)])
def test_the_backend_counts_the_matches_in_the_sample_after_the_first_matches(corpus, query, ids, windows):
    backend = backends.get_backend()
    parsed = parse_query(query)
    sql, params = backend.match_sql(parsed)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        matched = sorted(row[0] for row in cursor.fetchall())
    assert len(matched) > 3
    kinds = dict(SearchEntry.objects.values_list("pk", "kind"))
    for among_kind in (None, "cooperation.agreement"):
        allowed = SearchEntry.objects.filter(kind=among_kind) if among_kind else SearchEntry.objects.all()
        high = allowed.order_by("-pk").values_list("pk", flat=True).first()
        assert high is not None
        high_sql, high_params = allowed.order_by("-pk").values("pk")[:1].query.sql_with_params()
        among, among_params = allowed.values("pk").query.sql_with_params() if among_kind else (None, ())
        last = matched[1]
        ranges = _sample_ranges(last, high, ids, windows)
        if ids >= high - last:  # few ids follow: the ranges cover them all
            assert sum(b - a + 1 for a, b in ranges if b >= a) == high - last
        expected = sum(
            1 for i in matched if any(a <= i <= b for a, b in ranges) and (not among_kind or kinds[i] == among_kind)
        )
        sample = backends.Sample(last, high_sql, list(high_params), ids, windows)
        assert backend.count_after(parsed, among, list(among_params), sample) == (
            expected,
            sum(b - a + 1 for a, b in ranges if b >= a),
            high - last,
        )


def test_an_estimated_count_with_a_filter_is_exact_when_few_ids_follow(corpus, reader, monkeypatch):
    kind = {"kind": "cooperation.agreement"}
    full = _full(WORD, reader, filters=kind)
    assert full.total > 2
    monkeypatch.setattr(selectors, "CANDIDATES", 2)
    bounded = search(WORD, user=reader, filters=kind)
    assert bounded.estimated and bounded.total == full.total


def test_the_page_says_about_when_the_count_is_estimated(corpus, monkeypatch):
    client = logged_in(UserFactory.create())
    url = reverse("search:results")
    html = client.get(url, {"q": WORD}).content.decode()
    assert "sekitar" not in html and f"dari {corpus} hasil" in html
    monkeypatch.setattr(selectors, "CANDIDATES", 5)
    html = client.get(url, {"q": WORD}).content.decode()
    assert "dari sekitar" in html and 'data-testid="search-estimated"' in html


# --- batch indexing and the rebuild (issue 17: at least 10,000 entries a second) ----------------------------------


def _index_content() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    entries = sorted(
        SearchEntry.objects.values_list(
            "record_type", "record_id", "fingerprint", "title", "body", "stemmed_title", "stemmed_body", "url"
        )
    )
    facets = sorted(SearchFacet.objects.values_list("entry__record_type", "entry__record_id", "facet", "value"))
    return entries, facets


def _fulltext_is_consistent() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # raises when the FTS index differs from the entries
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")


def test_rebuild_and_batch_indexing_give_the_incremental_index(corpus, reader):
    incremental = _index_content()

    def found() -> list[tuple[str, str, float]]:
        return sorted((h.kind, h.url, h.rank) for h in search(WORD, user=reader, limit=100).hits)

    hits = found()
    services.rebuild()
    _fulltext_is_consistent()
    assert _index_content() == incremental
    assert hits and found() == hits  # the same matches with the same ranks (the ids are new)
    # The batch function, from an empty index of the corpus's kinds: the entries the saves gave them.
    records = [*Cooperation.objects.all(), *Agreement.objects.all()]
    SearchEntry.objects.filter(record_type__in=["cooperation.cooperation", "cooperation.agreement"]).delete()
    assert services.index_many(records) == len(records)
    _fulltext_is_consistent()
    assert _index_content() == incremental
    # Nothing changed: nothing written; a stale entry is rewritten in place, with its facets.
    assert services.index_many(records) == 0
    stale = SearchEntry.objects.get(record_type="cooperation.agreement", record_id=str(records[-1].pk))
    SearchEntry.objects.filter(pk=stale.pk).update(title="usang", fingerprint="x")
    SearchFacet.objects.filter(entry=stale).delete()
    assert services.index_many(records) == 1
    assert SearchEntry.objects.get(pk=stale.pk).title != "usang"
    _fulltext_is_consistent()
    assert _index_content() == incremental


# --- SQLite: prefix terms read through the index's vocabulary, ranked like FTS5's bm25 -----------------------------

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="search_fts_vocab is SQLite's")


def _fts5_first_matches(query: str, limit: int) -> list[tuple[Any, ...]]:
    """What FTS5 itself gives: the first matches of the prefix expression with bm25 computed by FTS5."""
    backend = backends.get_backend()
    sql, params = backend.first_matches_sql(parse_query(query), None, limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@sqlite_only
@pytest.mark.parametrize("query", [WORD, f"{WORD} kerjasama", "Glimmerquatz", "Glimmerquatz uraian", "pengawasan"])
def test_the_vocabulary_path_ranks_the_first_matches_as_fts5_does(corpus, query):
    # Words sharing a prefix, each in fewer than half the entries: the prefix's document count is then counted
    # (an entry holding two of them counts once), as FTS5 counts it for bm25.
    for i, suffix in enumerate(["", "an", "kan", "nya", "isasi"]):
        CooperationFactory.create(title=f"Glimmerquatz{suffix} {i}", notes=f"glimmerquatz{suffix} " * i + "uraian")
    backend = backends.SQLiteBackend()
    parsed = parse_query(query)
    vocabulary = backend._vocabulary(parsed)
    assert vocabulary is not None
    expected = _fts5_first_matches(query, 5)
    assert len(expected) == 5  # the bounded case: ranked by the backend itself
    got = backend.first_matches(parsed, None, [], 5)
    assert [row[0] for row in got] == [row[0] for row in expected]
    assert [row[2] for row in got] == [row[2] for row in expected]
    assert [row[1] for row in got] == pytest.approx([row[1] for row in expected], rel=1e-12, abs=1e-15)
    # Under the bound nothing is ranked: the exact path ranks every match.
    every = _fts5_first_matches(query, 10**6)
    assert [row[0] for row in backend.first_matches(parsed, None, [], len(every) + 1)] == [row[0] for row in every]


@sqlite_only
def test_a_prefix_standing_for_many_words_is_matched_by_fts5(corpus, reader, monkeypatch):
    parsed = parse_query(WORD)
    expected = _fts5_first_matches(WORD, 3)
    monkeypatch.setattr(backends, "MAX_EXPANSION", 0)
    assert backends.SQLiteBackend._vocabulary(parsed) is None
    assert backends.SQLiteBackend().first_matches(parsed, None, [], 3) == expected
    assert backends.SQLiteBackend().first_matches(parse_query("zzzqqq"), None, [], 3) == []


# --- PostgreSQL: prefix terms matched as the index's words (search_word), ranked as the prefixes rank ----------------

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="search_word is PostgreSQL's")


def _missing_words() -> int:
    """The words of the entries' vectors that search_word lacks."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT DISTINCT w FROM search_searchentry, "
            "unnest(tsvector_to_array(search_vector)) AS w) v WHERE NOT EXISTS "
            "(SELECT 1 FROM search_word s WHERE s.word = v.w)"
        )
        return int(cursor.fetchone()[0])


def _words(prefix: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM search_word WHERE word LIKE %s ORDER BY word", [prefix + "%"])
        return [row[0] for row in cursor.fetchall()]


@postgres_only
def test_the_word_table_follows_every_write_of_the_index(corpus, reader):
    from mitra.cooperation import services as registry

    assert _words("quorvantix") == ["quorvantix"] and _missing_words() == 0
    # A new entry (one insert), an edited one (an update), a batch of entries (one multi-row insert).
    cooperation = CooperationFactory.create(title="Zelphorinaxa baru")
    assert _words("zelphorin") == ["zelphorinaxa"]
    registry.update(
        actor=None, instance=cooperation, data={"title": "Zelphorinubi"}, expected_version=None, system=True
    )
    assert _words("zelphorin") == ["zelphorinaxa", "zelphorinubi"]  # a word no entry holds stays (harmless)
    SearchEntry.objects.filter(record_type="cooperation.agreement").delete()
    agreements = list(Agreement.objects.all())
    assert services.index_many(agreements) == len(agreements) > 6
    assert _missing_words() == 0
    # The rebuild writes without the triggers and reads every entry's words once, leaving none behind.
    services.rebuild()
    assert _words("zelphorin") == ["zelphorinubi"] and _missing_words() == 0
    CooperationFactory.create(title="Zelphorinoka")  # the triggers work again after it
    assert _words("zelphorin") == ["zelphorinoka", "zelphorinubi"]
    assert search("zelphorinok", user=reader).total == 1


def _prefix_first_matches(query: str, limit: int) -> list[tuple[Any, ...]]:
    """What the GIN index gives with the prefixes as prefixes."""
    sql, params = backends.PostgresBackend().prefix_first_matches_sql(parse_query(query), None, limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@postgres_only
@pytest.mark.parametrize("query", [WORD, f"{WORD} kerjasama", "Glimmerquatz", "Glimmerquatz uraian", "pengawasan"])
@pytest.mark.parametrize("most", [backends.MAX_EXPANSION, 2])
def test_prefixes_written_as_words_match_and_rank_as_the_prefixes(corpus, query, most, monkeypatch):
    for i, suffix in enumerate(["", "an", "kan", "nya", "isasi"]):
        CooperationFactory.create(title=f"Glimmerquatz{suffix} {i}", notes=f"glimmerquatz{suffix} " * i + "uraian")
    monkeypatch.setattr(backends, "MAX_EXPANSION", most)  # 2: "glimmerquatz" (five words) stays a prefix
    backend = backends.PostgresBackend()
    parsed = parse_query(query)
    expanded, params = backend.expanded(parsed)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {expanded}::text", params)
        written = cursor.fetchone()[0]
    assert (":*" in written) == (most == 2 and "glimmer" in query.lower())
    for limit in (5, 10**6):
        assert backend.first_matches(parsed, None, [], limit) == _prefix_first_matches(query, limit)
    # The full ranking's match: the same entries with the same ranks.
    sql, params = backend.match_sql(parsed)
    prefix_sql = sql.replace(f"@@ {expanded}", "@@ to_tsquery('simple', %s)")
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY 1", params)
        got = cursor.fetchall()
        cursor.execute(prefix_sql + " ORDER BY 1", [params[0], params[0]])
        assert got == cursor.fetchall() and got
