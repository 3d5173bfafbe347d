"""The fast rebuild (`services.rebuild`) gives exactly the index that indexing each record one by one gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import re
from collections import Counter
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mitra.cooperation import services as registry
from mitra.cooperation.models import Cooperation, Sector
from mitra.cooperation.tests.factories import (
    AgendaItemFactory,
    AgreementFactory,
    DeliverableFactory,
    FollowUpFactory,
    MeetingFactory,
    OutreachEventFactory,
    PositionPaperFactory,
    PublicationFactory,
    StudyFactory,
)
from mitra.core.tests.factories import AdminFactory, StaffFactory, UnitFactory, UserFactory
from mitra.documents import services as documents
from mitra.documents.models import Document
from mitra.documents.tests.files import docx_bytes
from mitra.partners.models import Country
from mitra.partners.tests.factories import ForumFactory, InstitutionFactory
from mitra.search import services, text
from mitra.search.registry import DOCUMENT_KIND, all_kinds
from mitra.search.selectors import search
from mitra.travel import services as travel
from mitra.travel.tests.helpers import draft

pytestmark = pytest.mark.django_db

COLUMNS = (
    "kind, record_type, record_id, parent_type, parent_id, parent_title, title, title_en, url, body, date, year, "
    "scope, unit_id, stemmed_title, stemmed_body, fingerprint"
)


def _index() -> tuple[dict[tuple[str, str], tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every entry (all columns but its id and time) by record, and every facet by record."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM search_searchentry")  # noqa: S608
        entries = {(row[1], row[2]): tuple(row) for row in cursor.fetchall()}
        cursor.execute(
            "SELECT e.record_type, e.record_id, f.facet, f.value FROM search_searchfacet f "
            "JOIN search_searchentry e ON e.id = f.entry_id"
        )
        facets = sorted(cursor.fetchall())
    return entries, facets


def _one_by_one() -> None:
    """The index as the per-save path builds it: emptied, then `index_instance` / `index_document` per row."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_searchfacet")
        cursor.execute("DELETE FROM search_searchentry")
    for spec in all_kinds():
        for obj in spec.model._default_manager.order_by("pk"):
            services.index_instance(obj)
    for document in Document.objects.order_by("pk"):
        services.index_document(document)


@pytest.fixture
def every_kind() -> dict[str, Any]:
    """Records of every indexed kind, with the relations their text and facets come from, several of a kind (so
    a kind spans chunks and its URL pattern is used), a soft-deleted record and attached files."""
    admin = AdminFactory.create()
    unit = UnitFactory.create()
    japan, korea = Country.objects.get(code="JP"), Country.objects.get(code="KR")
    agency = InstitutionFactory.create(name="Korea Drug Agency", acronym="KDA", country=korea)
    agency_2 = InstitutionFactory.create(name="Badan Pangan Jepang", name_id="Badan Pangan Jepang", country=japan)
    regional = ForumFactory.create(name="Forum Regional Uji Wombat", acronym="FRUW", organisation=agency_2)
    forum = ForumFactory.create(
        name="Kelompok Kerja Uji Obat", acronym="KKUO", parent=regional, member_countries=[japan, korea]
    )
    cooperation = registry.create(
        actor=admin,
        model=Cooperation,
        data={
            "title": "Kerjasama pengawasan kosmetik Wombatia",
            "title_en": "Cosmetics oversight cooperation Wombatia",
            "scope": "bilateral",
            "responsible_unit": unit,
            "forum": forum,
            "partners": [agency, agency_2],
            "sectors": list(Sector.objects.all()[:2]),
        },
    )
    agreement = AgreementFactory.create(cooperation=cooperation, responsible_unit=unit, number="HK.07.01/2017/99")
    meetings = [
        MeetingFactory.create(cooperation=cooperation, responsible_unit=unit, forum=forum, country=korea)
        for _ in range(3)
    ]
    meetings.append(MeetingFactory.create(cooperation=None, responsible_unit=unit, forum=regional))
    for meeting in meetings:
        for _ in range(2):
            FollowUpFactory.create(meeting=meeting, cooperation=meeting.cooperation)
    PositionPaperFactory.create(cooperation=cooperation, forum=forum, meeting=meetings[0], responsible_unit=unit)
    PositionPaperFactory.create(cooperation=None, forum=regional, responsible_unit=unit)
    StudyFactory.create(partner=agency, forum=forum, responsible_unit=unit)
    StudyFactory.create(cooperation=cooperation, responsible_unit=unit)
    OutreachEventFactory.create(cooperation=cooperation, forum=forum, responsible_unit=unit)
    PublicationFactory.create(responsible_unit=unit)
    DeliverableFactory.create(agreement=agreement)
    AgendaItemFactory.create(meeting=meetings[1])
    gone = MeetingFactory.create(cooperation=cooperation, responsible_unit=unit, title="Pertemuan terhapus Wombat")
    registry.delete(actor=admin, instance=gone, expected_version=None, reason="uji")
    owner = UserFactory.create(unit=unit)
    trip = draft(
        owner,
        dt.date(2017, 8, 1),
        dt.date(2017, 8, 5),
        partner=agency,
        funding_source="partner",
        meeting=meetings[0],
        notes="[demo-perjalanan 7] Catatan perjalanan wombat",
    )
    # Two travellers, the second added first by name: a trip's text lists them in their relation's order.
    for name in ("Pegawai Wombat", "Anggota Wombat"):
        travel.traveller_add(actor=owner, request=trip, staff_member=StaffFactory.create(unit=unit, full_name=name))
    draft(owner, dt.date(2017, 9, 1), dt.date(2017, 9, 3))
    for record, name in ((cooperation, "a"), (cooperation, "b"), (agreement, "c"), (meetings[2], "d")):
        file = SimpleUploadedFile(f"laporan-{name}.docx", docx_bytes("Laporan", f"Kedua pihak sepakat {name}."))
        documents.attach(actor=admin, record=record, uploaded_file=file, category="other")
    file = SimpleUploadedFile("terhapus.docx", docx_bytes("Laporan", "Berkas rapat terhapus."))
    documents.attach(actor=admin, record=gone, uploaded_file=file, category="other")
    return {"admin": admin, "cooperation": cooperation}


@pytest.mark.parametrize(
    ("chunk", "shared", "rows"),
    [(3, 2, 2), (services.REBUILD_CHUNK, services._RowLoader.MAX_SHARED, services._MultiRowInsert.MAX_ROWS)],
)
def test_rebuild_gives_exactly_the_entries_of_indexing_one_by_one(every_kind, monkeypatch, chunk, shared, rows):
    _one_by_one()
    expected = _index()
    kinds = {key[0] for key in expected[0]}
    assert kinds == {spec.key for spec in all_kinds()} | {DOCUMENT_KIND}, "a kind has no record in the fixture"
    # Small chunks and a small cache of related records: kinds span chunks, related records are read again; and
    # inserts of a few rows each: a chunk is written with whole inserts and one of the rows left.
    monkeypatch.setattr(services, "REBUILD_CHUNK", chunk)
    monkeypatch.setattr(services._RowLoader, "MAX_SHARED", shared)
    monkeypatch.setattr(services._MultiRowInsert, "MAX_ROWS", rows)
    counts = services.rebuild()
    rebuilt = _index()
    assert sum(counts.values()) == len(expected[0])
    assert rebuilt[0] == expected[0]
    assert rebuilt[1] == expected[1]
    assert ("cooperation.meeting", str(every_kind["cooperation"].pk)) not in rebuilt[0]
    # The full-text part is built too: a word of a file and a word of a partner's name are found.
    admin = every_kind["admin"]
    assert search("sepakat", user=admin).total == 4
    assert search("terhapus", user=admin).total == 0
    assert search("wombatia", user=admin).total >= 1


def _column(sql: str) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def test_rebuild_numbers_entries_after_the_old_ones_and_later_saves_follow(every_kind):
    services.rebuild()
    [last] = _column("SELECT MAX(id) FROM search_searchentry")
    services.rebuild()
    assert min(_column("SELECT id FROM search_searchentry")) == last + 1
    # A record saved after the rebuild gets an entry (its id comes after the rebuild's, on PostgreSQL too) …
    PublicationFactory.create(series="Buletin Quokkaria")
    assert search("quokkaria", user=every_kind["admin"]).total == 1
    # … and an edited one keeps its entry up to date.
    cooperation = Cooperation.objects.get(pk=every_kind["cooperation"].pk)
    registry.update(
        actor=None, instance=cooperation, data={"title": "Kerjasama Numbatia"}, expected_version=None, system=True
    )
    assert search("numbatia", user=every_kind["admin"]).total == 1


def test_rebuild_makes_again_the_indexes_it_drops(every_kind):
    from mitra.search import backends

    backend = backends.get_backend()
    tables = ["search_searchentry", "search_searchfacet"]
    before = backend.secondary_indexes(tables)
    assert {"search_entry_facets", "search_facet_entry", "search_entry_parent"} <= {name for name, _sql in before}
    if connection.vendor == "postgresql":
        assert "search_entry_vector" in {name for name, _sql in before}
    with CaptureQueriesContext(connection) as captured:
        services.rebuild()
    assert backend.secondary_indexes(tables) == before
    dropped = {q["sql"].split()[-1].strip('"') for q in captured.captured_queries if q["sql"].startswith("DROP INDEX")}
    # Dropped only on SQLite: on PostgreSQL the drop would lock out searches and saves until the rebuild commits.
    assert dropped == ({name for name, _sql in before} if connection.vendor == "sqlite" else set())
    emptied = [
        i
        for i, q in enumerate(captured.captured_queries)
        if q["sql"].startswith(("DELETE FROM", "DROP TABLE")) and "search_search" in q["sql"]
    ]
    drops = [i for i, q in enumerate(captured.captured_queries) if q["sql"].startswith("DROP INDEX")]
    # The indexes go first: emptying the tables then has none to keep up to date (or to make again).
    assert len(emptied) == 2
    assert not drops or max(drops) < min(emptied)


def _schema() -> tuple[list[tuple[Any, ...]], dict[str, int]]:
    """The index's tables, indexes and triggers as SQLite describes them, and their id counters (sqlite_sequence)."""
    if connection.vendor != "sqlite":
        return [], {}
    objects = sorted(_rows("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name LIKE 'search_%'"))
    counters = dict(_rows("SELECT name, seq FROM sqlite_sequence WHERE name LIKE 'search_%'"))
    return objects, counters


def _rows(sql: str) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def test_rebuild_keeps_the_schema_and_a_failed_one_the_whole_index(every_kind, monkeypatch):
    # SQLite's rebuild drops its tables and makes them again: the same tables, indexes and triggers, and ids that
    # follow the old ones (the counters count on from where they were, as after deletes).
    services.rebuild()
    (objects, counters), (entries, facets) = _schema(), _index()
    services.rebuild()
    assert _schema() == (
        objects,
        {
            name: seq + {"search_searchentry": len(entries), "search_searchfacet": len(facets)}[name]
            for name, seq in counters.items()
        },
    )
    # A rebuild failing once the old index is gone and the new one written leaves the old one, whole and found.
    schema, index = _schema(), _index()
    monkeypatch.setattr(services._BulkWriter, "finish", lambda self: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        services.rebuild()
    assert _schema() == schema
    assert _index() == index
    assert search("wombatia", user=every_kind["admin"]).total >= 1


def _settings() -> tuple[Any, ...]:
    """What a rebuild changes while it runs: the garbage collector's thresholds, and on SQLite the connection's page
    cache."""
    if connection.vendor != "sqlite":
        return gc.get_threshold()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute("PRAGMA secure_delete")
        (secure_delete,) = cursor.fetchone()
    return gc.get_threshold(), cache_size, secure_delete


def test_rebuild_sets_back_what_it_tunes(every_kind, monkeypatch):
    before = _settings()
    during = []
    write = services._BulkWriter.flush

    def flush(self: Any) -> None:
        during.append(_settings())
        write(self)

    monkeypatch.setattr(services._BulkWriter, "flush", flush)
    services.rebuild()
    assert during and all(tuned != before for tuned in during)
    assert _settings() == before
    # Also when the rebuild fails.
    monkeypatch.setattr(services._BulkWriter, "flush", lambda self: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        services.rebuild()
    assert _settings() == before


def test_a_kind_whose_urls_are_not_one_pattern_keeps_its_own(every_kind, monkeypatch):
    from mitra.search import registry as search_registry

    spec = search_registry.for_key("cooperation.followup")
    assert spec is not None
    odd = dataclasses.replace(spec, url=lambda obj: f"/x/{obj.pk % 2}/{obj.pk}/")
    monkeypatch.setitem(search_registry._REGISTRY, spec.key, odd)
    services.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("SELECT record_id, url FROM search_searchentry WHERE kind = 'cooperation.followup'")
        urls = {int(record_id): url for record_id, url in cursor.fetchall()}
    assert len(urls) >= 8
    assert all(url == f"/x/{pk % 2}/{pk}/" for pk, url in urls.items())


# (\uff9e, a half-width voiced sound mark, is a word that normalises to nothing: an empty term.)
words = st.text(alphabet=st.sampled_from("aAeiKkNnrs0129 .-/:_éİı²\uff9e\n\t\u3000\x1c\u2028,("), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), words), max_size=4))
@example(["a", "\uff9e", "b"])  # a part whose one term is empty: "a  b"
@example(["Kerjasama HK.07.01/1/2017 é\n" * 20, None, "lokakarya"])  # longer than the parts the analyser remembers
def test_analyse_gives_the_terms_of_each_part_in_order(parts):
    assert text.analyse(parts) == " ".join(t for part in parts if part for t in text.terms(part))


# The code pattern as first written: a run of letters and digits, then separators and runs (tried at every position).
PLAIN_CODE_RE = re.compile(r"[^\W_]+(?:[./\-:][^\W_]+)+")


@settings(max_examples=300, deadline=None)
@given(words)
def test_codes_are_the_matches_of_the_plain_pattern(part):
    assert text.CODE_RE.findall(part) == PLAIN_CODE_RE.findall(part)
    # Each word's terms, then each code with a digit as one token: in one pass (text._part_text) as well, the first
    # time and from the analyser's caches.
    expected = [t for w in text.WORD_RE.findall(part) for t in text._surface_terms(w)]
    expected += [text.code_token(c) for c in PLAIN_CODE_RE.findall(part) if any(ch.isdigit() for ch in c)]
    assert list(text.terms(part)) == expected
    for _ in range(2):
        assert text._part_text(part) == (" ".join(expected) if text.CHAIN_RE.search(part) else None)


def test_the_analyser_forgets_its_chains_and_keeps_every_code(monkeypatch):
    # Past _CACHE_ENTRIES chains the analyser starts a new pair of dicts; a part already being analysed keeps the
    # pair it started with, so a new pair started meanwhile (by another thread) cannot drop the part's codes.
    monkeypatch.setattr(text, "_CACHE_ENTRIES", 3)
    monkeypatch.setattr(text, "_PART_CACHE_CHARS", 0)  # every part analysed from its chains
    monkeypatch.setattr(text, "_CHAINS", ({}, {}))
    parts = [f"MoU HK.{n}/2017 KS-{n}a" for n in range(12)]
    expected = [" ".join(text.terms(part)) for part in parts]
    assert [text._part_text(part) for part in parts] == expected
    assert len(text._CHAINS[0]) <= 3 + 4  # forgotten along the way, not grown with every part
    learn = text._learn_tokens

    def learn_while_another_thread_starts_again(tokens, token_text, token_code):  # type: ignore[no-untyped-def]
        learn(tokens, token_text, token_code)
        text._CHAINS = ({}, {})

    monkeypatch.setattr(text, "_learn_tokens", learn_while_another_thread_starts_again)
    assert [text._part_text(part) for part in parts] == expected


def test_a_description_reading_a_column_the_rebuild_leaves_out_gets_its_value(every_kind, monkeypatch):
    from mitra.search import registry as search_registry

    # The rebuild does not read the bookkeeping columns (services.UNREAD_COLUMNS); a description that does still gets
    # them, for the record and for a related record (a follow-up's meeting), as indexing one by one does.
    spec = search_registry.for_key("cooperation.followup")
    assert spec is not None
    assert {"created_at", "version"} <= services.UNREAD_COLUMNS
    reading = dataclasses.replace(
        spec,
        text=lambda f: [*spec.text(f), f"dibuat {f.created_at} versi {f.version}", str(f.meeting.updated_at)],
    )
    monkeypatch.setitem(search_registry._REGISTRY, spec.key, reading)
    _one_by_one()
    expected = _index()
    assert all(" versi " in e[9] for key, e in expected[0].items() if key[0] == spec.key)
    services.rebuild()
    assert _index() == expected


# Values whose repr is awkward: both quotes, backslashes, line breaks and other unprintable characters, non-ASCII
# letters and symbols, empty strings; None, dates and numbers (the fingerprint covers their str()).
awkward = st.one_of(
    st.none(),
    st.text(),
    st.sampled_from(
        [
            *("", "it's", 'say "hi"', "both ' and \"", "back\\slash", "a\nb\tc\rd", "é 日本 🙂", "\x00\x7f\u2028"),
            # ASCII text whose repr the rebuild writes itself (services._repr_bytes), and some that it leaves to repr.
            *("plain words\nand lines\n", '~ ok {x} [y] "q"', "del\x7f", "bell\x07", "cr\r\n", "tab\t"),
        ]
    ),
    st.dates(),
    st.integers(min_value=-5, max_value=70_000),
)
CONTENT = [
    f.attname
    for f in services.SearchEntry._meta.concrete_fields
    if not f.primary_key and f.attname not in ("indexed_at", "fingerprint")
]


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries({name: awkward for name in CONTENT}),
    st.lists(st.integers(min_value=1, max_value=10**9), max_size=3),
    st.lists(st.text(max_size=3), max_size=3),
)
@example(
    {name: "'\"\\\n\u00e9" for name in CONTENT} | {"date": dt.date(2017, 1, 2), "year": None, "unit_id": 7},
    [1, 22],
    ["ID", "'"],
)
def test_the_rebuild_fingerprints_an_entry_as_a_save_does(values, partners, countries):
    # The rebuild formats the fingerprint's payload from a template; the stored fingerprints must be _fingerprint's,
    # byte for byte, or the next save of every record would write its entry again.
    d = services.Described(
        title="",
        title_en="",
        url="",
        date=None,
        year=None,
        scope="",
        unit_id=None,
        partners=partners,
        countries=countries,
    )
    writer = services._BulkWriter()
    writer.add(dict(values), d)
    assert writer.entries[-1][-2] == services._fingerprint(values, d)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(st.characters(max_codepoint=0x7F)), st.text(st.sampled_from("ab \n'\\\t\x7f")), st.text()))
@example("plain words\nand lines")
def test_the_rebuild_writes_a_long_texts_repr_as_repr_does(value):
    # The long texts are hashed as _repr_bytes gives them (quicker than repr for plain ASCII with line breaks).
    assert services._repr_bytes(value) == repr(value).encode()


def test_a_related_record_many_kinds_name_is_read_once(every_kind):
    # The fixture's cooperation is named by agreements, meetings, follow-ups, papers, studies and outreach: its
    # partners are read for its own entry and once for every kind under it, not once per kind (or per chunk); the
    # entries are the ones a save gives (test_rebuild_gives_exactly_the_entries_of_indexing_one_by_one).
    with CaptureQueriesContext(connection) as captured:
        services.rebuild()
    read = Counter(
        int(pk)
        for q in captured.captured_queries
        if "cooperation_cooperation_partners" in q["sql"]
        for ids in re.findall(r'\."cooperation_id" IN \(([\d, ]+)\)', q["sql"])
        for pk in ids.split(",")
    )
    assert read[every_kind["cooperation"].pk] == 2
    assert max(read.values()) == 2


def test_the_row_loader_lets_go_of_what_it_no_longer_shares(every_kind, monkeypatch):
    # With a cache of one related record, the cooperations, meetings and partners the rows name are dropped again
    # and again: the records their prefetches were done on go with them, so what the loader holds stays bounded.
    monkeypatch.setattr(services._RowLoader, "MAX_SHARED", 1)
    loader = services._RowLoader()
    held = 0
    for spec in all_kinds():
        for _batch in loader.rows(spec, 1):
            cached = {id(r) for cache in loader.cache.values() for r in cache.values()}
            prefetched = {key for done in loader.prefetched.values() for key in done}
            assert prefetched <= cached
            held = max(held, len(prefetched))
    assert held >= 1, "no prefetch went through a shared record"
