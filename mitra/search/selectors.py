"""Reading the index: `search()` is the one entry point, for the results page and for the API.

Every signed-in user reads every kind today; a kind that limits its readers declares `visible_to` in the registry,
and its entries (and the files attached to its records) are narrowed to the records that user may see.
Soft-deleted records have no entries (services.index_instance removes them).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from . import backends, snippets
from .models import SearchEntry, SearchFacet
from .registry import DOCUMENT_KIND, all_kinds, for_key, kind_label
from .text import ParsedQuery, parse_query

FACETS = ("kind", "year", "scope", "unit", "partner", "country")
MAX_LIMIT = 100
# A query matching more entries than this (after filters) is ranked and faceted among its first CANDIDATES matches
# in index order only, and its count is estimated ("sekitar N hasil"): ranking, counting and faceting every match
# of an over-broad word ("kerjasama" matches 93 % of the index) took seconds at ten years of data. A query with at
# most this many matches gets exactly what ranking every match gives.
CANDIDATES = 1000
# The count of an over-broad query is estimated from its matches among this many ids after its first CANDIDATES
# matches, in this many ranges spread evenly up to the last id (see _estimate).
SAMPLE_IDS = 1024
SAMPLE_WINDOWS = 32
# Facet values listed per facet (the most frequent).
FACET_VALUES = 12


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    year: int | None = None
    scope: str = ""
    unit: int | None = None
    partner: int | None = None
    country: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Filters:
        """From cleaned values (forms.SearchForm / an API serializer); unknown keys are ignored."""
        return cls(
            kind=data.get("kind") or "",
            year=data.get("year") or None,
            scope=data.get("scope") or "",
            unit=data.get("unit") or None,
            partner=data.get("partner") or None,
            country=(data.get("country") or "").upper(),
        )

    def active(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FACETS if getattr(self, name)}


@dataclass
class Hit:
    entry_id: int
    kind: str
    kind_label: Any
    title: SafeString
    url: str
    snippet: SafeString
    date: dt.date | None
    rank: float
    # For an attached file: the record it belongs to.
    parent_kind_label: Any = None
    parent_title: str = ""
    file_name: str = ""
    document_id: int | None = None


@dataclass
class FacetValue:
    value: Any
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    query: ParsedQuery
    filters: Filters
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    limit: int = 20
    offset: int = 0
    # True when the query matched more than CANDIDATES entries: `total` is then an estimate (shown "about N"),
    # the hits and the facet counts come from the first `candidates` matches only.
    estimated: bool = False
    candidates: int = 0

    @property
    def reachable(self) -> int:
        """How many hits paging can reach: every match, or the candidates of an estimated result."""
        return min(self.total, self.candidates) if self.estimated else self.total

    @property
    def is_empty_query(self) -> bool:
        return self.query.is_empty

    def __iter__(self) -> Iterator[Hit]:
        """The hits of this page (so a caller may treat the result as the list of hits)."""
        return iter(self.hits)


def _visibility(user: Any) -> Q:
    """Entries of kinds with restricted readers, narrowed to the records `user` may see (files included)."""
    condition = Q()
    for spec in all_kinds():
        if spec.visible_to is None:
            continue
        visible = spec.visible_to(user)
        if visible is None:
            continue
        keys = visible.order_by().annotate(_key=Cast("pk", CharField())).values("_key")
        condition &= ~Q(kind=spec.key) | Q(record_id__in=keys)
        condition &= ~Q(kind=DOCUMENT_KIND, parent_type=spec.key) | Q(parent_id__in=keys)
    return condition


def _filtered(filters: Filters, user: Any) -> QuerySet[SearchEntry]:
    qs = SearchEntry.objects.filter(_visibility(user))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.scope:
        qs = qs.filter(scope=filters.scope)
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
    if filters.partner:
        qs = qs.filter(pk__in=SearchFacet.objects.filter(facet="partner", value=str(filters.partner)).values("entry"))
    if filters.country:
        qs = qs.filter(pk__in=SearchFacet.objects.filter(facet="country", value=filters.country).values("entry"))
    return qs


def search(
    query: str | None,
    *,
    filters: Filters | Mapping[str, Any] | None = None,
    user: Any,
    limit: int = 20,
    offset: int = 0,
    facets: bool = True,
) -> SearchResult:
    """Records and attached files matching every term of `query`, best first, with facet counts.

    `query` is free text (anything a person types; nothing in it is syntax); an empty or punctuation-only query
    returns an empty result with `is_empty_query` set. `user` must be signed in (the caller checks
    `core.view_records`)."""
    if not isinstance(filters, Filters):
        filters = Filters.from_mapping(filters or {})
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    parsed = parse_query(query)
    result = SearchResult(query=parsed, filters=filters, limit=limit, offset=offset)
    if parsed.is_empty or (filters.kind and for_key(filters.kind) is None and filters.kind != DOCUMENT_KIND):
        return result
    backend = backends.get_backend()
    match_sql, match_params = backend.match_sql(parsed)
    filtered = _filtered(filters, user)
    ids_sql, ids_params = filtered.values("pk").query.sql_with_params()
    # The first CANDIDATES + 1 matches in index order, with their rank and facet columns: cheap however many entries
    # match, since neither backend ranks or reads the matches beyond them. At most CANDIDATES: every match.
    # Every entry allowed (no filter, no restricted kind for this user): no id condition to check.
    among = ids_sql if filtered.query.where else None
    first = backend.first_matches(parsed, among, list(ids_params), CANDIDATES + 1)
    if len(first) > CANDIDATES:

        def count(sample: backends.Sample) -> tuple[int, int, int]:
            return backend.count_after(parsed, among, list(ids_params), sample)

        return _bounded(result, first[:CANDIDATES], filtered, parsed, facets, count, backend)
    # MATERIALIZED: SQLite would otherwise flatten the match into the outer query and rank every row again.
    base = f"FROM m WHERE m.entry_id IN ({ids_sql})"
    cte = f"WITH m AS MATERIALIZED ({match_sql}) "
    params = [*match_params, *ids_params]
    # A kind's weight (registry.Searchable.weight) scales its ranks; both backends rank best lowest (negative), so
    # a weight below 1 moves its hits after equally good ones of other kinds.
    weighted = [(s.key, s.weight) for s in all_kinds() if s.weight != 1.0]
    order, order_params = "m.rank", []
    if weighted:
        cases = " ".join("WHEN %s THEN %s" for _ in weighted)
        order = (
            f"m.rank * (SELECT CASE e.kind {cases} ELSE 1.0 END FROM {SearchEntry._meta.db_table} e "  # noqa: S608
            "WHERE e.id = m.entry_id)"
        )
        order_params = [value for pair in weighted for value in pair]
    with connection.cursor() as cursor:
        cursor.execute(
            f"{cte}SELECT m.entry_id, m.rank, COUNT(*) OVER () {base} ORDER BY {order}, m.entry_id LIMIT %s OFFSET %s",
            [*params, *order_params, limit, offset],
        )
        rows = cursor.fetchall()
        if rows:
            result.total = rows[0][2]
        elif offset:
            cursor.execute(f"{cte}SELECT COUNT(*) {base}", params)
            result.total = cursor.fetchone()[0]
    result.hits = _hydrate(rows, parsed)
    if facets:
        result.facets = _facets(first, filters, backend)
    return result


def _bounded(
    result: SearchResult,
    candidates: list[tuple[Any, ...]],
    filtered: QuerySet[SearchEntry],
    parsed: ParsedQuery,
    facets: bool,
    count: Callable[[backends.Sample], tuple[int, int, int]],
    backend: backends.Backend,
) -> SearchResult:
    """An over-broad query: rank and facet its first CANDIDATES matches (index order), estimate how many match."""
    ids = [row[0] for row in candidates]
    weights = {s.key: s.weight for s in all_kinds() if s.weight != 1.0}
    # The order of the full ranking (rank × the kind's weight, then id), within the candidates.
    ranked = sorted(candidates, key=lambda row: (float(row[1] or 0) * weights.get(row[2], 1.0), row[0]))
    page = ranked[result.offset : result.offset + result.limit]
    result.estimated = True
    result.candidates = len(candidates)
    result.total = _estimate(filtered, len(candidates), max(ids), count)
    result.hits = _hydrate([(row[0], row[1], None) for row in page], parsed)
    if facets:
        result.facets = _facets(candidates, result.filters, backend)
    return result


def _estimate(
    filtered: QuerySet[SearchEntry],
    found: int,
    last_id: int,
    count: Callable[[backends.Sample], tuple[int, int, int]],
) -> int:
    """About how many entries of `filtered` match, when the first `found` of them (in id order) end at `last_id`:
    those, and the matches among the ids after `last_id` up to the highest id of `filtered`, estimated from
    SAMPLE_IDS of them in SAMPLE_WINDOWS ranges spread evenly over them (backends.Sample; `count(sample)` gives the
    matches in the sample, its size and the number of ids after `last_id`, in one query); every id is counted when
    no more than SAMPLE_IDS follow. Entries are stored kind by kind, so the matches cluster: a sample spread over
    the whole range follows them, where the density of the first matches (the estimate before, 3–6× too low at
    N = 100) did not. Rounded to two significant digits, never below `found`."""
    try:
        high_sql, high_params = filtered.order_by("-pk").values("pk")[:1].query.sql_with_params()
    except EmptyResultSet:  # a filter that allows nothing
        return found
    hits, sampled, rest = count(backends.Sample(last_id, high_sql, list(high_params), SAMPLE_IDS, SAMPLE_WINDOWS))
    if rest <= 0 or sampled <= 0:
        return found
    estimate = found + round(hits * rest / sampled)
    digits = len(str(estimate)) - 2
    return max(found, round(estimate, -digits)) if digits > 0 else estimate


def _hydrate(rows: list[tuple[Any, ...]], parsed: ParsedQuery) -> list[Hit]:
    if not rows:
        return []
    entries = SearchEntry.objects.in_bulk([row[0] for row in rows])
    english = (get_language() or "id").startswith("en")
    hits = []
    for entry_id, rank, _total in rows:
        entry = entries.get(entry_id)
        if entry is None:
            continue
        is_file = entry.kind == DOCUMENT_KIND
        title = entry.title
        if english and entry.title_en and not is_file:
            title = entry.title_en
        hits.append(
            Hit(
                entry_id=entry.pk,
                kind=entry.kind,
                kind_label=kind_label(entry.kind),
                title=snippets.highlight(title, parsed),
                url=entry.url,
                snippet=snippets.snippet(entry.body, parsed),
                date=entry.date,
                rank=float(rank or 0),
                parent_kind_label=kind_label(entry.parent_type) if is_file else None,
                parent_title=entry.parent_title,
                file_name=entry.title_en if is_file else "",
                document_id=int(entry.record_id) if is_file else None,
            )
        )
    return hits


def _labels(
    unit_ids: list[Any], partner_ids: list[int], country_codes: list[Any]
) -> tuple[dict[Any, str], dict[str, str], dict[Any, str]]:
    """The names shown for the listed units, partners and countries, in one query (a UNION of the three)."""
    from mitra.core.models import OrganisationUnit
    from mitra.partners.models import Country, Institution

    def labelled(qs: QuerySet[Any], group: str, short: str, long: str) -> QuerySet[Any]:
        return (
            qs.order_by()
            .annotate(
                _group=Value(group, output_field=CharField()),
                _key=Cast("pk", CharField()),
                _short=F(short),
                _long=F(long),
            )
            .values_list("_group", "_key", "_short", "_long")
        )

    english = (get_language() or "id").startswith("en")
    parts = [
        labelled(OrganisationUnit.objects.filter(pk__in=unit_ids), "unit", "short_name", "name"),
        labelled(Institution.all_objects.filter(pk__in=partner_ids), "partner", "acronym", "name"),
        labelled(Country.objects.filter(pk__in=country_codes), "country", "name_en" if english else "name_id", "code"),
    ]
    found: dict[str, dict[str, str]] = {"unit": {}, "partner": {}, "country": {}}
    for group, key, short, long in parts[0].union(*parts[1:], all=True):
        found[group][key] = short or long
    units = {u: found["unit"][str(u)] for u in unit_ids if str(u) in found["unit"]}
    countries = {c: found["country"][str(c)] for c in country_codes if str(c) in found["country"]}
    return units, found["partner"], countries


def _facets(matches: list[tuple[Any, ...]], filters: Filters, backend: backends.Backend) -> dict[str, list[FacetValue]]:
    """The six facets of these entries (the backend's first matches: id, rank, kind, year, scope, unit)."""

    def counted(values: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
        return sorted(((v, n) for v, n in values if v not in (None, "")), key=lambda vn: (-vn[1], str(vn[0])))

    # The entries' own columns came with the matches; their partners and countries in one query, read from a
    # covering index (SearchFacet.Meta), the ids as one parameter (backends.Backend.ids_sql): a thousand
    # placeholders cost more to write, send and parse than counting the facets.
    columns: dict[str, Counter[Any]] = {name: Counter() for name in ("kind", "year", "scope", "unit_id")}
    for _id, _rank, kind, year, scope, unit_id in matches:
        columns["kind"][kind] += 1
        columns["year"][year] += 1
        columns["scope"][scope] += 1
        columns["unit_id"][unit_id] += 1
    related: dict[str, Counter[Any]] = {SearchFacet.PARTNER: Counter(), SearchFacet.COUNTRY: Counter()}
    if matches:
        ids_sql, ids_params = backend.ids_sql([row[0] for row in matches])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT f.facet, f.value, COUNT(DISTINCT f.entry_id) FROM {SearchFacet._meta.db_table} f "  # noqa: S608
                f"WHERE f.entry_id IN ({ids_sql}) GROUP BY f.facet, f.value",
                ids_params,
            )
            # Every facet of the entries (SQLite would read the facet's every row through its index given the facet).
            for facet, value, n in cursor.fetchall():
                if facet in related:
                    related[facet][value] += n

    from mitra.cooperation.models import Scope

    kinds = counted(list(columns["kind"].items()))
    years = sorted(counted(list(columns["year"].items())), key=lambda vn: -int(vn[0]))
    scopes = counted(list(columns["scope"].items()))
    units = counted(list(columns["unit_id"].items()))[:FACET_VALUES]
    partners = counted(list(related[SearchFacet.PARTNER].items()))[:FACET_VALUES]
    countries = counted(list(related[SearchFacet.COUNTRY].items()))[:FACET_VALUES]
    unit_names, partner_names, country_names = _labels(
        [v for v, _n in units],
        [int(v) for v, _n in partners if str(v).isascii() and str(v).isdigit()],
        [v for v, _n in countries],
    )
    scope_labels = dict(Scope.choices)

    def values(rows: list[tuple[Any, int]], label: Any, selected: Any) -> list[FacetValue]:
        return [FacetValue(v, str(label(v)), n, str(v) == str(selected)) for v, n in rows]

    return {
        "kind": values(kinds, kind_label, filters.kind),
        "year": values(years, str, filters.year),
        "scope": values(scopes, lambda v: scope_labels.get(v, v), filters.scope),
        "unit": values(units, lambda v: unit_names.get(v, v), filters.unit),
        "partner": values(partners, lambda v: partner_names.get(v, v), filters.partner),
        "country": values(countries, lambda v: country_names.get(v, v), filters.country),
    }
