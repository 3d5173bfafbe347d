"""Every write to the search index. The index is derived data: no permission check and no audit entry here —
the record's own service checked and audited the change that triggered it, in the same transaction.

`index_instance` follows one saved record (and the files attached to it); `index_document` one attached file;
`rebuild` throws the index away and builds it again from the records.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import itertools
import logging
import operator
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import prefetch_related_objects
from django.db.models.base import ModelState
from django.utils import timezone

from . import backends
from .models import SearchEntry, SearchFacet
from .registry import DOCUMENT_KIND, Searchable, all_kinds, for_key, for_model
from .text import analyse

logger = logging.getLogger(__name__)

# The beginning of a file's text that is indexed: enough for any report, bounded so a save stays quick.
MAX_DOCUMENT_CHARS = 100_000
BATCH = 500


@dataclass
class Described:
    """What the index keeps of one record."""

    title: str
    title_en: str
    url: str
    date: dt.date | None
    year: int | None
    scope: str
    unit_id: int | None
    partners: list[int]
    countries: list[str]
    body_parts: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def describe(spec: Searchable, obj: Any, url: str | None = None) -> Described:
    """What the index keeps of `obj` (`url`: its URL when the caller has it already, see _UrlMaker)."""
    date = spec.date(obj)
    if isinstance(date, dt.datetime):
        date = date.date()
    year = spec.year(obj) or (date.year if isinstance(date, dt.date) else None)
    values = [getattr(obj, name, "") for name in spec.fields]
    values += [p for p in spec.text(obj) if p]
    return Described(
        title=_text(spec.title(obj))[:500],
        title_en=_text(spec.title_en(obj))[:500],
        url=(_text(spec.url(obj)) if url is None else url)[:300],
        date=date if isinstance(date, dt.date) else None,
        year=int(year) if year else None,
        scope=_text(spec.scope(obj))[:20],
        unit_id=spec.unit(obj),
        partners=sorted({int(p) for p in spec.partners(obj) if p}),
        countries=sorted({str(c) for c in spec.countries(obj) if c}),
        # Each value's text (_text), those not empty.
        body_parts=[text for value in values if value is not None and (text := str(value))],
    )


def _is_deleted(obj: Any) -> bool:
    return getattr(obj, "deleted_at", None) is not None


def _entry_fields(d: Described) -> dict[str, Any]:
    return {
        "url": d.url,
        "date": d.date,
        "year": d.year,
        "scope": d.scope,
        "unit_id": d.unit_id,
    }


def _record_values(key: str, pk: Any, d: Described) -> dict[str, Any]:
    """The columns of a record's entry (the keyword arguments of its SearchEntry)."""
    title_en = d.title_en if d.title_en != d.title else ""
    return {
        "kind": key,
        "record_type": key,
        "record_id": str(pk),
        "title": d.title,
        "title_en": title_en,
        "body": "\n".join(d.body_parts),
        "stemmed_title": analyse([d.title, title_en]),
        "stemmed_body": analyse(d.body_parts),
        **_entry_fields(d),
    }


def _document_values(
    pk: Any, title: str, original_name: str, extracted_text: str | None, parent_key: str, parent_pk: Any, d: Described
) -> dict[str, Any]:
    """The columns of an attached file's entry."""
    text = (extracted_text or "")[:MAX_DOCUMENT_CHARS]
    return {
        "kind": DOCUMENT_KIND,
        "record_type": DOCUMENT_KIND,
        "record_id": str(pk),
        "parent_type": parent_key,
        "parent_id": str(parent_pk),
        "parent_title": d.title,
        "title": (title or original_name)[:500],
        "title_en": original_name[:500] if original_name != title else "",
        "body": text,
        "stemmed_title": analyse([title, original_name]),
        "stemmed_body": analyse([text]),
        **_entry_fields(d),
    }


def _record_entry(spec: Searchable, obj: Any, d: Described) -> SearchEntry:
    return _new_entry(_record_values(spec.key, obj.pk, d))


_entry_defaults: dict[str, Any] = {}


def _new_entry(values: dict[str, Any]) -> SearchEntry:
    """`SearchEntry(**values)` without Model.__init__'s per-field work (a third of building an import's entries):
    the columns not in `values` hold their defaults."""
    if not _entry_defaults:
        _entry_defaults.update({f.attname: f.get_default() for f in SearchEntry._meta.concrete_fields})
    entry = SearchEntry.__new__(SearchEntry)
    entry.__dict__.update(_entry_defaults)
    entry.__dict__.update(values)
    entry._state = ModelState()
    return entry


def _document_entry(document: Any, parent_spec: Searchable, parent: Any, d: Described) -> SearchEntry:
    return SearchEntry(
        **_document_values(
            document.pk,
            document.title,
            document.original_name,
            document.extracted_text,
            parent_spec.key,
            parent.pk,
            d,
        )
    )


def _facets(entry: SearchEntry, d: Described) -> list[SearchFacet]:
    return [SearchFacet(entry=entry, facet=SearchFacet.PARTNER, value=str(p)) for p in d.partners] + [
        SearchFacet(entry=entry, facet=SearchFacet.COUNTRY, value=c) for c in d.countries
    ]


def _fingerprint(values: dict[str, Any], d: Described) -> str:
    payload = repr(sorted((k, str(v)) for k, v in values.items())) + repr((d.partners, d.countries))
    return hashlib.sha256(payload.encode()).hexdigest()


# The columns of an entry that hold long texts (what the fingerprint's time goes to, see _BulkWriter).
LONG_COLUMNS = frozenset({"body", "stemmed_body"})
# The bytes of a text that repr() writes as they are: printable ASCII but quotes and backslashes, and line breaks.
_REPR_PLAIN = bytes(range(0x20, 0x7F)).translate(None, b"'\\") + b"\n"


def _repr_bytes(text: str) -> bytes:
    """`repr(text).encode()`, in half the time for the usual long text: ASCII without quotes, backslashes
    or control characters but line breaks, whose repr is the text in single quotes with each line break as \\n."""
    if text.isascii():
        raw = text.encode()
        if not raw.translate(None, _REPR_PLAIN):
            return b"'" + raw.replace(b"\n", b"\\n") + b"'"
    return repr(text).encode()


def _getter(names: list[str]) -> Any:
    """The values of these names in a dict, as a tuple (an itemgetter's, for any number of names)."""
    if len(names) > 1:
        return operator.itemgetter(*names)
    return lambda values: tuple(values[name] for name in names)


def _save_entry(entry: SearchEntry, d: Described) -> None:
    """Insert or replace the entry of the same record, with its facets; nothing when nothing changed."""
    values = {f.attname: getattr(entry, f.attname) for f in SearchEntry._meta.concrete_fields if not f.primary_key}
    for name in ("indexed_at", "fingerprint"):
        values.pop(name, None)
    values["fingerprint"] = _fingerprint(values, d)
    current = (
        SearchEntry.objects.filter(record_type=entry.record_type, record_id=entry.record_id)
        .values_list("fingerprint", flat=True)
        .first()
    )
    if current == values["fingerprint"]:
        return
    saved, _created = SearchEntry.objects.update_or_create(
        record_type=entry.record_type, record_id=entry.record_id, defaults=values
    )
    SearchFacet.objects.filter(entry=saved).delete()
    SearchFacet.objects.bulk_create(_facets(saved, d))


def _delete_entries(**lookup: Any) -> None:
    ids = list(SearchEntry.objects.filter(**lookup).values_list("pk", flat=True))
    if ids:
        SearchFacet.objects.filter(entry_id__in=ids).delete()
        SearchEntry.objects.filter(pk__in=ids).delete()


def _documents_of(obj: Any) -> models.QuerySet[Any]:
    from mitra.documents.models import Document

    return Document.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk)


def _guarded(func: Any) -> Any:
    """Index inside a savepoint: a failure to index is logged and never fails the user's save (the next save or
    `mitra search rebuild` repairs the entry)."""

    def run(*args: Any, **kwargs: Any) -> None:
        try:
            with transaction.atomic():
                func(*args, **kwargs)
        except Exception:
            logger.exception("search: indexing failed in %s", func.__name__)

    run.__name__ = func.__name__
    run.__doc__ = func.__doc__
    return run


@_guarded
def index_instance(obj: Any) -> None:
    """Bring the entry of `obj` (a registered model's row) and of its attached files up to date."""
    spec = for_model(type(obj))
    if spec is None or obj.pk is None:
        return
    if _is_deleted(obj):
        _forget(spec, obj.pk)
        return
    d = describe(spec, obj)
    _save_entry(_record_entry(spec, obj, d), d)
    if spec.documents:
        _index_files(spec, obj, d)


def _index_files(spec: Searchable, obj: Any, d: Described) -> None:
    """The entries of the files attached to `obj`, whose own entry was just brought up to date."""
    documents = list(_documents_of(obj).defer("extracted_text"))
    if not documents:
        return
    indexed = set(
        SearchEntry.objects.filter(parent_type=spec.key, parent_id=str(obj.pk)).values_list("record_id", flat=True)
    )
    for document in documents:
        if str(document.pk) in indexed:
            # The file's text has not changed: refresh only what it inherits from the record.
            entry = SearchEntry.objects.get(record_type=DOCUMENT_KIND, record_id=str(document.pk))
            SearchEntry.objects.filter(pk=entry.pk).update(parent_title=d.title, **_entry_fields(d))
            SearchFacet.objects.filter(entry=entry).delete()
            SearchFacet.objects.bulk_create(_facets(entry, d))
        else:
            _index_document(type(document).objects.get(pk=document.pk), parent=obj)


def index_many(records: Iterable[Any]) -> int:
    """Index many saved records at once — the batch form of `index_instance`, for bulk work such as imports.

    `records` are rows of registered models (any mix of kinds; others are skipped), already saved in the caller's
    transaction; call it once after writing them (e.g. with the per-save signal indexing not wanted for each row),
    with the relations the kind's declaration reads loaded or loadable. Each record gets exactly the entry, facets
    and attached-file entries `index_instance` would give it (soft-deleted records lose theirs; a record whose
    entry is unchanged is not rewritten), with a few queries per batch of 500 records instead of several per
    record. Like `index_instance` it never fails the caller: an error is logged and the batch's entries are left
    as they were (the next save or `mitra search rebuild` repairs them). Returns how many entries were written.
    """
    written = 0
    urls: dict[str, _UrlMaker] = {}  # each kind's URLs from one pattern, as the rebuild makes them
    for batch in _batched(records, BATCH):
        try:
            with transaction.atomic():
                written += _index_batch(batch, urls)
        except Exception:
            logger.exception("search: batch indexing failed")
    return written


def _index_batch(batch: list[Any], urls: dict[str, _UrlMaker]) -> int:
    pairs: list[tuple[SearchEntry, Described]] = []
    with_files: list[tuple[Searchable, Any, Described]] = []
    for obj in batch:
        spec = for_model(type(obj))
        if spec is None or obj.pk is None:
            continue
        if _is_deleted(obj):
            _forget(spec, obj.pk)
            continue
        url = urls.get(spec.key) or urls.setdefault(spec.key, _UrlMaker(spec))
        d = describe(spec, obj, url=url(obj))
        pairs.append((_record_entry(spec, obj, d), d))
        if spec.documents:
            with_files.append((spec, obj, d))
    for entry, d in pairs:
        entry.fingerprint = _fingerprint(_content(entry), d)
    current = {
        (record_type, record_id): (pk, fingerprint)
        for pk, record_type, record_id, fingerprint in SearchEntry.objects.filter(
            record_type__in={e.record_type for e, _d in pairs}, record_id__in={e.record_id for e, _d in pairs}
        ).values_list("pk", "record_type", "record_id", "fingerprint")
    }
    new = [(e, d) for e, d in pairs if (e.record_type, e.record_id) not in current]
    changed = []
    for entry, d in pairs:
        known = current.get((entry.record_type, entry.record_id))
        if known is not None and known[1] != entry.fingerprint:
            entry.pk = known[0]
            changed.append((entry, d))
    _insert_new(new)
    if changed:
        fields = [*_content(changed[0][0]), "fingerprint", "indexed_at"]
        now = SearchEntry._meta.get_field("indexed_at")
        for entry, _d in changed:
            now.pre_save(entry, add=False)  # type: ignore[attr-defined]
        SearchEntry.objects.bulk_update([e for e, _d in changed], fields)
        SearchFacet.objects.filter(entry_id__in=[e.pk for e, _d in changed]).delete()
        SearchFacet.objects.bulk_create([f for e, d in changed for f in _facets(e, d)])
    if with_files:
        from mitra.documents.models import Document

        types = {ContentType.objects.get_for_model(type(obj)).pk for _s, obj, _d in with_files}
        attached = set(
            Document.objects.filter(
                content_type_id__in=types, object_id__in={obj.pk for _s, obj, _d in with_files}
            ).values_list("content_type_id", "object_id")
        )
        for spec, obj, d in with_files:
            if (ContentType.objects.get_for_model(type(obj)).pk, obj.pk) in attached:
                _index_files(spec, obj, d)
    return len(new) + len(changed)


def _insert_new(pairs: list[tuple[SearchEntry, Described]]) -> None:
    """Insert new (fingerprinted) entries and their facets: the rows `bulk_create` writes, in multi-row INSERTs
    that return the ids for the facets, without Django's per-value insert compiler (a sixth of an import's time)."""
    if not pairs:
        return
    if not connection.features.can_return_rows_from_bulk_insert:
        _write(pairs, fingerprinted=True)
        return
    fields = [f for f in SearchEntry._meta.concrete_fields if not f.primary_key]
    # Text columns hold the str they were given; the others (dates, numbers, the time) go through their field, with
    # the connection `connection` stands for (each attribute read through that proxy costs a context lookup).
    plain = [isinstance(f, models.CharField | models.TextField) for f in fields]
    db = connections[DEFAULT_DB_ALIAS]
    now = timezone.now()
    rows = []
    for entry, _d in pairs:
        entry.indexed_at = now  # auto_now
        row = []
        for f, is_plain in zip(fields, plain, strict=True):
            value = getattr(entry, f.attname)
            row.append(value if value is None or (is_plain and type(value) is str) else f.get_db_prep_save(value, db))
        rows.append(row)
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(SearchEntry._meta.db_table)} ({', '.join(qn(f.attname) for f in fields)}) VALUES "  # noqa: S608
    one = f"({', '.join(['%s'] * len(fields))})"
    size = max(1, min(BATCH, connection.ops.bulk_batch_size(fields, rows)))
    facets = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                f"{head}{', '.join([one] * len(chunk))} RETURNING {qn('id')}", [v for row in chunk for v in row]
            )
            for (entry, d), (entry_id,) in zip(pairs[start : start + size], cursor.fetchall(), strict=True):
                entry.pk = entry_id
                facets += [(entry_id, SearchFacet.PARTNER, str(p)) for p in d.partners]
                facets += [(entry_id, SearchFacet.COUNTRY, c) for c in d.countries]
        if facets:
            columns = ", ".join(qn(c) for c in ("entry_id", "facet", "value"))
            cursor.executemany(
                f"INSERT INTO {qn(SearchFacet._meta.db_table)} ({columns}) VALUES (%s, %s, %s)",  # noqa: S608
                facets,
            )


@_guarded
def index_records(model: type[models.Model], pks: Iterable[Any]) -> None:
    """`index_many` for rows of one model named by primary key (what `signals.deferred` collects in an import):
    the rows are read as they are now; rows that are gone lose their entries and their files' entries."""
    spec = for_model(model)
    if spec is None:
        return
    loader = _RowLoader()
    for keys in _batched(sorted({str(pk) for pk in pks if pk is not None}), BATCH):
        rows = loader.named(spec, keys)
        index_many(rows)
        found = {str(obj.pk) for obj in rows}
        gone = [key for key in keys if key not in found]
        if gone:
            _delete_entries(record_type=spec.key, record_id__in=gone)
            _delete_entries(parent_type=spec.key, parent_id__in=gone)


@_guarded
def remove_instance(model: type[models.Model], pk: Any) -> None:
    spec = for_model(model)
    if spec is not None:
        _forget(spec, pk)


def _forget(spec: Searchable, pk: Any) -> None:
    """Remove the entry of a record and the entries of its files."""
    _delete_entries(record_type=spec.key, record_id=str(pk))
    _delete_entries(parent_type=spec.key, parent_id=str(pk))


def _index_document(document: Any, parent: Any = None) -> None:
    if _is_deleted(document):
        _delete_entries(record_type=DOCUMENT_KIND, record_id=str(document.pk))
        return
    if parent is None:
        model = document.content_type.model_class()
        spec = for_model(model) if model else None
        manager = getattr(model, "all_objects", None) or (model._default_manager if model else None)
        parent = manager.filter(pk=document.object_id).first() if manager is not None and spec else None
    spec = for_model(type(parent)) if parent is not None else None
    if spec is None or not spec.documents or _is_deleted(parent):
        _delete_entries(record_type=DOCUMENT_KIND, record_id=str(document.pk))
        return
    d = describe(spec, parent)
    _save_entry(_document_entry(document, spec, parent, d), d)


@_guarded
def index_document(document: Any) -> None:
    """Bring the entry of one attached file up to date (removed when the file or its record is deleted)."""
    _index_document(document)


@_guarded
def remove_document(pk: Any) -> None:
    _delete_entries(record_type=DOCUMENT_KIND, record_id=str(pk))


# --- rebuild ------------------------------------------------------------------------------------------------


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _content(entry: SearchEntry) -> dict[str, Any]:
    """What an entry's fingerprint covers: every column but its id, the time and the fingerprint itself."""
    return {
        f.attname: getattr(entry, f.attname)
        for f in SearchEntry._meta.concrete_fields
        if not f.primary_key and f.attname not in ("indexed_at", "fingerprint")
    }


def _write(pairs: list[tuple[SearchEntry, Described]], fingerprinted: bool = False) -> None:
    if not pairs:
        return
    if not fingerprinted:
        for entry, d in pairs:
            entry.fingerprint = _fingerprint(_content(entry), d)
    entries = SearchEntry.objects.bulk_create([e for e, _d in pairs])
    SearchFacet.objects.bulk_create([f for e, (_e, d) in zip(entries, pairs, strict=True) for f in _facets(e, d)])


# Rows read and entries written per round trip by a rebuild.
REBUILD_CHUNK = 2000


def rebuild(progress: Any = None) -> dict[str, int]:
    """Empty the index and index every live record and attached file again. Returns counts by kind.

    Every entry is exactly the one `index_instance` gives its record (tests/test_rebuild.py compares them),
    built from the same declarations, only faster: each kind's rows are read in id order with their declared
    relations shared (a cooperation, its forum and partners are read once, not once per meeting that names them),
    URLs are formatted from the kind's pattern, and the entries go in with plain multi-row inserts while the full-text
    index is built in one pass at the end (see backends.bulk_begin)."""
    backend = backends.get_backend()
    with _rare_full_collections(), backend.rebuilding(), transaction.atomic():
        return _rebuild(backend, progress)


# A rebuild's threshold of the garbage collector's oldest generation (Python's default: 10).
REBUILD_FULL_COLLECTION_THRESHOLD = 100


@contextmanager
def _rare_full_collections() -> Iterator[None]:
    """Fewer of the garbage collector's full collections while a rebuild runs: each one walks every object the
    process holds, and the rebuild holds more and more (the analyser's caches, the related records), so that they came
    to a seventh of its time at N=100 (47 of them, 9.6 s of 70 s CPU). Reading the rows: 45 full collections in
    7.7 s, 6 in 1.0 s with this threshold (peak 174 MB, 262 MB; none at all: 335 MB, cycles of prefetched querysets
    and their instances stay). The process-wide thresholds are set back in any case."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], REBUILD_FULL_COLLECTION_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _rebuild(backend: backends.Backend, progress: Any) -> dict[str, int]:
    from mitra.documents.models import Document

    backend.bulk_begin()
    writer = _BulkWriter()
    # Where the backend allows it (backends.Backend.rebuild_drops_indexes) the index's own indexes (but those of its
    # keys and unique constraint) are dropped and made again once the entries are in: building one from all rows is
    # quicker than keeping it up to date row by row. Before the tables are emptied (backend.empty: PostgreSQL's
    # deletes then have none to keep up, SQLite's tables are made again without them). Within the transaction, so a
    # failed rebuild leaves them as they were.
    indexes = (
        backend.secondary_indexes([SearchEntry._meta.db_table, SearchFacet._meta.db_table])
        if backend.rebuild_drops_indexes
        else []
    )
    with connection.cursor() as cursor:
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    backend.empty([SearchFacet._meta.db_table, SearchEntry._meta.db_table])
    types = {ContentType.objects.get_for_model(s.model).pk: s.key for s in all_kinds() if s.documents}
    # The records files are attached to: only theirs is kept for the files' entries (not every record's).
    with_files = {
        (types[ct], str(object_id))
        for ct, object_id in Document.objects.filter(content_type_id__in=types).values_list(
            "content_type_id", "object_id"
        )
    }
    counts: dict[str, int] = {}
    parents: dict[tuple[str, str], Described] = {}
    # One loader for every kind: the related records many kinds name (a cooperation, with its partners) are read
    # and prefetched once, not once per kind (the loader bounds how many it keeps).
    loader = _RowLoader()
    for spec in all_kinds():
        n = 0
        key = spec.key
        url = _UrlMaker(spec)
        for batch in loader.rows(spec, REBUILD_CHUNK):
            for obj in batch:
                if _is_deleted(obj):
                    continue
                d = describe(spec, obj, url=url(obj))
                pk = obj.pk
                writer.add(_record_values(key, pk, d), d)
                n += 1
                if spec.documents and (key, str(pk)) in with_files:
                    # Only what a file's entry inherits, not the record's text.
                    parents[(key, str(pk))] = dataclasses.replace(d, body_parts=[])
        counts[key] = n
        if progress:
            progress(f"{spec.key}: {n}")
    del loader  # its related records, not held through the writes that follow
    n = 0
    documents = (
        Document.objects.filter(content_type_id__in=types)
        .order_by("pk")
        .values_list("pk", "content_type_id", "object_id", "title", "original_name", "extracted_text")
    )
    for pk, content_type_id, object_id, title, original_name, extracted_text in documents.iterator(chunk_size=BATCH):
        parent_key = types[content_type_id]
        inherited = parents.get((parent_key, str(object_id)))
        if inherited is not None:
            values = _document_values(pk, title, original_name, extracted_text, parent_key, object_id, inherited)
            writer.add(values, inherited)
            n += 1
    writer.flush()
    writer.finish()
    counts[DOCUMENT_KIND] = n
    if progress:
        progress(f"{DOCUMENT_KIND}: {n}")
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
    backend.bulk_end()
    backend.after_rebuild()
    return counts


class _BulkWriter:
    """Inserts entries (with ids it numbers itself, so their facets need no read back) and facets with
    executemany, REBUILD_CHUNK rows at a time."""

    def __init__(self) -> None:
        fields = [f for f in SearchEntry._meta.concrete_fields if not f.primary_key]
        self.content = [f.attname for f in fields if f.attname not in ("indexed_at", "fingerprint")]
        # What an entry built from keyword arguments holds in the columns it was not given.
        self.defaults = {f.attname: f.get_default() for f in fields if f.attname in self.content}
        columns = ["id", *self.content, "fingerprint", "indexed_at"]
        qn = connection.ops.quote_name
        self.entry_sql = (
            f"INSERT INTO {qn(SearchEntry._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        # The facets, narrow rows, in inserts of many rows each (_MultiRowInsert); the entries, wide, with one
        # statement per row: Django rewrites each statement's placeholders, which cost about what fewer statements
        # save for rows of twenty columns.
        self.facet_insert = _MultiRowInsert(SearchFacet._meta.db_table, ["entry_id", "facet", "value"])
        # _fingerprint's payload is over the columns in name order: the same order for every entry …
        self.sorted_content = sorted(self.content)
        self.in_column_order = operator.itemgetter(*self.content)
        # … so it is %-formats of this template: `repr` of a list of (name, str(value)) pairs and of the pair
        # (partners, countries), with each name's repr written once here and `%r` (the repr of the value's str, as in
        # a list) in place of each value (a third of the fingerprints' time went to building and walking the pairs).
        # The long texts (LONG_COLUMNS) are not formatted into it: the template is cut at each, and the hash is fed
        # the pieces and each text's repr in turn (_repr_bytes), the same bytes as the whole payload's.
        self.payload: list[tuple[str, Any, str]] = []  # (piece, its values' getter, the long text after it)
        piece = "["
        names: list[str] = []
        for i, name in enumerate(self.sorted_content):
            piece += f"{', ' if i else ''}({name!r}, "
            if name in LONG_COLUMNS:
                self.payload.append((piece, _getter(names), name))
                piece, names = ")", []
            else:
                piece += "%r)"
                names.append(name)
        self.payload_end, self.in_end = piece + "](%r, %r)", _getter(names)
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.adapt_date = connection.ops.adapt_datefield_value  # once, not through the connection proxy per entry
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {qn(SearchEntry._meta.db_table)}")  # noqa: S608
            self.next_id = (cursor.fetchone()[0] or 0) + 1
        self.entries: list[tuple[Any, ...]] = []
        self.facets: list[tuple[Any, ...]] = []

    def add(self, values: dict[str, Any], d: Described) -> None:
        values = {**self.defaults, **values}
        if len(values) == len(self.sorted_content):
            # _fingerprint(values, d) without sorting the items of each entry (its keys are the content columns).
            digest = hashlib.sha256()
            for piece, in_piece, long in self.payload:
                digest.update((piece % tuple(map(str, in_piece(values)))).encode())
                digest.update(_repr_bytes(str(values[long])))
            tail = (*map(str, self.in_end(values)), d.partners, d.countries)
            digest.update((self.payload_end % tail).encode())
            fingerprint = digest.hexdigest()
        else:
            fingerprint = _fingerprint(values, d)
        values["date"] = self.adapt_date(values["date"])
        entry_id = self.next_id
        self.next_id += 1
        self.entries.append((entry_id, *self.in_column_order(values), fingerprint, self.now))
        self.facets += [(entry_id, SearchFacet.PARTNER, str(p)) for p in d.partners]
        self.facets += [(entry_id, SearchFacet.COUNTRY, c) for c in d.countries]
        if len(self.entries) >= REBUILD_CHUNK:
            self.flush()

    def flush(self) -> None:
        with connection.cursor() as cursor:
            if self.entries:
                cursor.executemany(self.entry_sql, self.entries)
            self.facet_insert(cursor, self.facets)
        self.entries, self.facets = [], []

    def finish(self) -> None:
        """Move the id sequence past the ids numbered here (PostgreSQL; SQLite's follows by itself)."""
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [SearchEntry]):
                cursor.execute(sql)


class _MultiRowInsert:
    """`cursor.executemany("INSERT INTO table (columns) VALUES (%s, …)", rows)` as inserts of many rows each, as many
    as the database takes parameters for: one statement for a hundred short rows costs little more than one for a
    row (SQLite's AUTOINCREMENT alone reads and writes sqlite_sequence once per statement: the facets of a rebuild
    went in 2.5 times quicker)."""

    # Rows per statement at most (where the database takes any number of parameters).
    MAX_ROWS = 500

    def __init__(self, table: str, columns: list[str]) -> None:
        qn = connection.ops.quote_name
        self.head = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES "  # noqa: S608
        self.row = f"({', '.join(['%s'] * len(columns))})"
        limit = connection.features.max_query_params
        self.per = max(1, min(self.MAX_ROWS, limit // len(columns))) if limit else self.MAX_ROWS
        self.full = self.head + ", ".join([self.row] * self.per)

    def __call__(self, cursor: Any, rows: list[tuple[Any, ...]]) -> None:
        for start in range(0, len(rows), self.per):
            chunk = rows[start : start + self.per]
            sql = self.full if len(chunk) == self.per else self.head + ", ".join([self.row] * len(chunk))
            cursor.execute(sql, list(itertools.chain.from_iterable(chunk)))


class _UrlMaker:
    """A kind's record URLs by formatting one URL pattern, found from the declaration's own `url` on the first
    rows: the URL of a record with a plain key (letters, digits) is its first record's URL with that key put in.
    Checked on the next rows; a kind whose URLs are not of that form keeps calling `url` for each record."""

    SAFE = re.compile(r"[A-Za-z0-9_.~-]+")
    CHECKS = 3

    def __init__(self, spec: Searchable) -> None:
        self.spec = spec
        self.pattern: tuple[str, str] | None = None  # (URL with \0 for the key, the key's attribute)
        self.candidates: list[tuple[str, str]] | None = None  # before it is settled
        self.checked = 0

    def _declared(self, obj: Any) -> str:
        return _text(self.spec.url(obj))

    def __call__(self, obj: Any) -> str:
        if self.pattern is not None:
            value = str(getattr(obj, self.pattern[1]))
            return self.pattern[0].replace("\0", value) if self.SAFE.fullmatch(value) else self._declared(obj)
        url = self._declared(obj)
        if self.candidates is None:
            self.candidates = []
            names = [obj._meta.pk.attname] + [f.attname for f in obj._meta.concrete_fields if not f.primary_key]
            # Only the columns read (not one the rebuild leaves out, see UNREAD_COLUMNS).
            for name in (name for name in names if name in obj.__dict__):
                value = str(getattr(obj, name))
                if self.SAFE.fullmatch(value) and url.count(f"/{value}/") == 1:
                    self.candidates.append((url.replace(f"/{value}/", "/\0/"), name))
            return url
        self.candidates = [
            (pattern, name)
            for pattern, name in self.candidates
            if self.SAFE.fullmatch(str(getattr(obj, name))) and pattern.replace("\0", str(getattr(obj, name))) == url
        ]
        self.checked += 1
        if self.checked >= self.CHECKS and self.candidates:
            self.pattern = self.candidates[0]
        return url


class _RowLoader:
    """A kind's rows for a rebuild, with the relations its queryset declares (select_related, prefetch_related),
    read as plain values in id order and made into instances without Django's per-row machinery; related records
    are read once per rebuild (of every kind its loader reads) and shared by every row that names them, so their own
    prefetches (a cooperation's partners) run once, not once per chunk of rows or per kind."""

    # Related records kept at most (about), so that a kind naming many more meetings than that does not hold them all.
    # At N = 100 the follow-ups name 77,700 of the meetings in no order: with 20,000 kept the meetings were dropped
    # again and again and read about twice (0.6-1.1 s of CPU more), for 28 MiB less peak memory (767 against 795 MiB).
    MAX_SHARED = 100_000

    def __init__(self) -> None:
        self.cache: dict[tuple[type[models.Model], str], dict[Any, Any]] = {}
        # The shared related records whose relations a lookup prefetched, by lookup and id() (see _prefetch).
        self.prefetched: dict[str, dict[int, Any]] = {}

    def rows(self, spec: Searchable, size: int) -> Iterator[list[Any]]:
        """Every row of the kind, in id-ordered chunks of `size`."""
        queryset, attnames = self._plain(spec)
        base = queryset.order_by("pk")
        pk_index = attnames.index(queryset.model._meta.pk.attname)
        last = None
        while True:
            chunk = base if last is None else base.filter(pk__gt=last)
            values = list(chunk.values_list(*attnames)[:size])
            if not values:
                return
            last = values[-1][pk_index]
            if sum(len(cache) for cache in self.cache.values()) > self.MAX_SHARED:
                # Bound the memory: the most numerous related records (the meetings of follow-ups) are read again
                # when named again, not the few that many rows share (cooperations, with their prefetches).
                del self.cache[max(self.cache, key=lambda key: len(self.cache[key]))]
                self._forget_prefetched()
            yield self._made(spec, attnames, values)

    def _forget_prefetched(self) -> None:
        """Let go of the prefetched records no longer shared (their cache was dropped): `prefetched` holds each
        record it names, and would otherwise keep every one the rebuild ever prefetched through."""
        kept = {id(r) for cache in self.cache.values() for r in cache.values()}
        for done in self.prefetched.values():
            for key in [key for key in done if key not in kept]:
                del done[key]

    def named(self, spec: Searchable, keys: list[str]) -> list[Any]:
        """`spec.rows().filter(pk__in=keys)`, read the same way (an import's index pass: the related records are
        kept for its next batch)."""
        queryset, attnames = self._plain(spec)
        return self._made(spec, attnames, list(queryset.filter(pk__in=keys).values_list(*attnames)))

    @staticmethod
    def _plain(spec: Searchable) -> tuple[models.QuerySet[Any], list[str]]:
        """The kind's rows without their relations, and the columns read of them."""
        queryset = spec.rows()
        return queryset.select_related(None).prefetch_related(None), _read_columns(queryset.model)

    def _made(self, spec: Searchable, attnames: list[str], values: list[tuple[Any, ...]]) -> list[Any]:
        """Instances of these rows with the relations the kind's queryset declares: its select_related from the
        shared related records, then its prefetches."""
        queryset = spec.rows()
        model = queryset.model
        tree = queryset.query.select_related
        lookups = getattr(queryset, "_prefetch_related_lookups", ())
        alias = connection.alias  # once, not through the connection proxy for each row
        objs = [_instance(model, attnames, row, alias) for row in values]
        tree = tree if isinstance(tree, dict) else {}
        if tree:
            self._attach(model, objs, tree)
        self._prefetch(objs, list(lookups), tree)
        return objs

    def _prefetch(self, objs: list[Any], lookups: list[Any], tree: dict[str, Any]) -> None:
        """`prefetch_related_objects(objs, *lookups)`, where a lookup goes through a related record of the
        select_related `tree` ("cooperation__partners"): on the distinct related records these rows name, not
        through each row (a thousand meetings of a few cooperations: Django walks the thousand and each one's
        partners, for prefetches done already; the same records end with the same prefetched relations)."""
        rest = []
        for lookup in lookups:
            head, _, tail = lookup.partition("__") if isinstance(lookup, str) else ("", "", "")
            if not (tail and head in tree):
                rest.append(lookup)
                continue
            related = {id(r): r for r in (getattr(o, head) for o in objs) if r is not None}
            # Not again on a shared related record done for an earlier chunk (Django would walk each one's prefetched
            # relations again, making a related manager for each): kept by identity, the record itself held here.
            done = self.prefetched.setdefault(lookup, {})
            fresh = [r for key, r in related.items() if done.get(key) is not r]
            if fresh:
                subtree = tree[head]
                self._prefetch(fresh, [tail], subtree if isinstance(subtree, dict) else {})
                done.update((id(r), r) for r in fresh)
        if objs:
            rest = [lookup for lookup in rest if not self._prefetch_reverse(objs, lookup)]  # those it did not do
            if rest:
                prefetch_related_objects(objs, *rest)

    def _prefetch_reverse(self, objs: list[Any], lookup: Any) -> bool:
        """`prefetch_related_objects(objs, lookup)` for a lookup that starts with a reverse foreign key and goes on
        through forward ones only (a travel request's "travellers__staff_member"), done here: the related rows read
        as plain values in the related manager's order, the records they name from the shared cache (_attach), and
        each row's list put where its related manager's all() finds it. Django makes a related manager and a
        filtered queryset for each row to hold its list (16,162 travel requests: most of their kind's time). Only
        the rebuild's descriptions see these rows, and they iterate such a relation (`all()`), which gives the same
        records in the same order; a list has no queryset methods, so a description wanting one fails (the rebuild
        tests cover every kind) rather than querying. False for any other lookup: Django prefetches it."""
        if not isinstance(lookup, str):
            return False
        head, _, tail = lookup.partition("__")
        model = type(objs[0])
        try:
            rel: Any = model._meta.get_field(head)
        except FieldDoesNotExist:
            return False
        if not (rel.one_to_many and rel.auto_created and isinstance(rel.field, models.ForeignKey)):
            return False
        related, fk = rel.related_model, rel.field
        tree: dict[str, Any] = {}
        branch, on = tree, related
        for name in tail.split("__") if tail else []:
            try:
                field: Any = on._meta.get_field(name)
            except FieldDoesNotExist:
                return False
            if not (field.many_to_one and field.concrete):
                return False
            branch = branch.setdefault(name, {})
            on = field.related_model
        target = fk.target_field.attname
        by_key = {getattr(o, target): o for o in objs}
        lists: dict[Any, list[Any]] = {key: [] for key in by_key}
        # By the related manager's own (its filter and order).
        for key, record in _read_by(related._default_manager, fk.attname, list(by_key)):
            record._state.fields_cache[fk.cache_name] = by_key[key]  # as Django's prefetch: its row
            lists[key].append(record)
        found = [r for records in lists.values() for r in records]
        if tree and found:
            self._attach(related, found, tree)
        name = rel.cache_name
        for o in objs:
            o.__dict__.setdefault("_prefetched_objects_cache", {})[name] = lists[getattr(o, target)]
        return True

    def _attach(self, model: type[models.Model], objs: list[Any], tree: dict[str, Any]) -> None:
        for name, subtree in tree.items():
            field: Any = model._meta.get_field(name)
            related = field.related_model
            target = field.target_field.attname
            cache = self.cache.setdefault((related, target), {})
            # Each row's key, from its dict (through the field's descriptor only when it was not read).
            attname = field.attname
            of_rows = [values[attname] if attname in (values := o.__dict__) else getattr(o, attname) for o in objs]
            wanted = set(of_rows) - {None}
            missing = [key for key in wanted if key not in cache]
            if missing:
                cache.update(_read_by(related._base_manager, target, missing))
            # field.set_cached_value(o, …), without a call for each row.
            cache_name, get = field.cache_name, cache.get
            for o, key in zip(objs, of_rows, strict=True):
                o._state.fields_cache[cache_name] = get(key) if key is not None else None
            if subtree:
                self._attach(related, [cache[key] for key in wanted if key in cache], subtree)


# The bookkeeping columns of tracked records (who made and changed them, when, their version; who deleted them and
# why): no description reads them, and reading them is a third of the values a row converts (two datetimes). The
# instances leave them out as a deferred field is left out: a description reading one would read it on first use
# (one query, the same value).
UNREAD_COLUMNS = frozenset(
    {"created_at", "created_by_id", "updated_at", "updated_by_id", "version", "deleted_by_id", "delete_reason"}
)


def _read_by(manager: models.Manager[Any], column: str, keys: list[Any]) -> Iterator[tuple[Any, Any]]:
    """(its `column`'s value, the record) for each row of `manager` whose `column` is one of `keys`, in the
    manager's order within each batch of 500 keys: the columns the rebuild reads (_read_columns), made into
    instances by _instance."""
    model = manager.model
    attnames = _read_columns(model)
    at, alias = attnames.index(column), connection.alias
    for batch in _batched(keys, 500):
        for row in manager.filter(**{f"{column}__in": batch}).values_list(*attnames):
            yield row[at], _instance(model, attnames, row, alias)


def _read_columns(model: type[models.Model]) -> list[str]:
    """The columns of `model` the rebuild reads: all but the bookkeeping ones (UNREAD_COLUMNS)."""
    return [f.attname for f in model._meta.concrete_fields if f.primary_key or f.attname not in UNREAD_COLUMNS]


def _instance(model: type[models.Model], attnames: list[str], row: tuple[Any, ...], alias: str) -> Any:
    """What `Model.from_db` gives (read from the connection `alias`), without __init__'s per-field work (these
    instances are only read)."""
    obj = model.__new__(model)
    obj.__dict__.update(zip(attnames, row, strict=True))
    state = ModelState()
    # fields_cache: what the first related record set on it would make, through a slower descriptor.
    state.__dict__.update(adding=False, db=alias, fields_cache={})
    obj._state = state
    return obj


def index_missing(using: str = "default") -> dict[str, int]:
    """Index the live records and files that have no entry (see signals.on_migrate). Returns counts by kind."""
    from django.db import connections

    from mitra.documents.models import Document

    if SearchEntry._meta.db_table not in connections[using].introspection.table_names():
        return {}
    counts: dict[str, int] = {}
    with transaction.atomic(using=using):
        for spec in all_kinds():
            indexed = set(SearchEntry.objects.filter(kind=spec.key).values_list("record_id", flat=True))
            live = {str(pk) for pk in spec.model._default_manager.values_list("pk", flat=True)}
            missing = live - indexed
            if not missing:
                continue
            n = 0
            for keys in _batched(sorted(missing), BATCH):
                pairs = []
                for obj in spec.rows().filter(pk__in=keys):
                    if not _is_deleted(obj):
                        d = describe(spec, obj)
                        pairs.append((_record_entry(spec, obj, d), d))
                _write(pairs)
                n += len(pairs)
            counts[spec.key] = n
        types = [ContentType.objects.get_for_model(s.model).pk for s in all_kinds() if s.documents]
        indexed_docs = set(SearchEntry.objects.filter(kind=DOCUMENT_KIND).values_list("record_id", flat=True))
        n = 0
        for document in Document.objects.filter(content_type_id__in=types).exclude(
            pk__in=[int(pk) for pk in indexed_docs]
        ):
            _index_document(document)
            n += 1
        if n:
            counts[DOCUMENT_KIND] = n
    return counts


def kind_exists(key: str) -> bool:
    return key == DOCUMENT_KIND or for_key(key) is not None
