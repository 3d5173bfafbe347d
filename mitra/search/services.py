"""Every write to the search index. The index is derived data: no permission check and no audit entry here —
the record's own service checked and audited the change that triggered it, in the same transaction.

`index_instance` follows one saved record (and the files attached to it); `index_document` one attached file;
`rebuild` throws the index away and builds it again from the records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

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


def describe(spec: Searchable, obj: Any) -> Described:
    date = spec.date(obj)
    if isinstance(date, dt.datetime):
        date = date.date()
    year = spec.year(obj) or (date.year if isinstance(date, dt.date) else None)
    parts = [_text(getattr(obj, name, "")) for name in spec.fields]
    parts += [_text(p) for p in spec.text(obj) if p]
    return Described(
        title=_text(spec.title(obj))[:500],
        title_en=_text(spec.title_en(obj))[:500],
        url=_text(spec.url(obj))[:300],
        date=date if isinstance(date, dt.date) else None,
        year=int(year) if year else None,
        scope=_text(spec.scope(obj))[:20],
        unit_id=spec.unit(obj),
        partners=sorted({int(p) for p in spec.partners(obj) if p}),
        countries=sorted({str(c) for c in spec.countries(obj) if c}),
        body_parts=[p for p in parts if p],
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


def _record_entry(spec: Searchable, obj: Any, d: Described) -> SearchEntry:
    title_en = d.title_en if d.title_en != d.title else ""
    return SearchEntry(
        kind=spec.key,
        record_type=spec.key,
        record_id=str(obj.pk),
        title=d.title,
        title_en=title_en,
        body="\n".join(d.body_parts),
        stemmed_title=analyse([d.title, title_en]),
        stemmed_body=analyse(d.body_parts),
        **_entry_fields(d),
    )


def _document_entry(document: Any, parent_spec: Searchable, parent: Any, d: Described) -> SearchEntry:
    text = (document.extracted_text or "")[:MAX_DOCUMENT_CHARS]
    return SearchEntry(
        kind=DOCUMENT_KIND,
        record_type=DOCUMENT_KIND,
        record_id=str(document.pk),
        parent_type=parent_spec.key,
        parent_id=str(parent.pk),
        parent_title=d.title,
        title=(document.title or document.original_name)[:500],
        title_en=document.original_name[:500] if document.original_name != document.title else "",
        body=text,
        stemmed_title=analyse([document.title, document.original_name]),
        stemmed_body=analyse([text]),
        **_entry_fields(d),
    )


def _facets(entry: SearchEntry, d: Described) -> list[SearchFacet]:
    return [SearchFacet(entry=entry, facet=SearchFacet.PARTNER, value=str(p)) for p in d.partners] + [
        SearchFacet(entry=entry, facet=SearchFacet.COUNTRY, value=c) for c in d.countries
    ]


def _fingerprint(values: dict[str, Any], d: Described) -> str:
    payload = repr(sorted((k, str(v)) for k, v in values.items())) + repr((d.partners, d.countries))
    return hashlib.sha256(payload.encode()).hexdigest()


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
    for batch in _batched(records, BATCH):
        try:
            with transaction.atomic():
                written += _index_batch(batch)
        except Exception:
            logger.exception("search: batch indexing failed")
    return written


def _index_batch(batch: list[Any]) -> int:
    pairs: list[tuple[SearchEntry, Described]] = []
    with_files: list[tuple[Searchable, Any, Described]] = []
    for obj in batch:
        spec = for_model(type(obj))
        if spec is None or obj.pk is None:
            continue
        if _is_deleted(obj):
            _forget(spec, obj.pk)
            continue
        d = describe(spec, obj)
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
    _write(new, fingerprinted=True)
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


@_guarded
def index_records(model: type[models.Model], pks: Iterable[Any]) -> None:
    """`index_many` for rows of one model named by primary key (what `signals.deferred` collects in an import):
    the rows are read as they are now; rows that are gone lose their entries and their files' entries."""
    spec = for_model(model)
    if spec is None:
        return
    for keys in _batched(sorted({str(pk) for pk in pks if pk is not None}), BATCH):
        rows = list(spec.rows().filter(pk__in=keys))
        index_many(rows)
        gone = [key for key in keys if key not in {str(obj.pk) for obj in rows}]
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


@transaction.atomic
def rebuild(progress: Any = None) -> dict[str, int]:
    """Empty the index and index every live record and attached file again. Returns counts by kind."""
    from mitra.documents.models import Document

    backend = backends.get_backend()
    backend.bulk_begin()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SearchFacet._meta.db_table}")  # noqa: S608 - constant table names
        cursor.execute(f"DELETE FROM {SearchEntry._meta.db_table}")  # noqa: S608
    counts: dict[str, int] = {}
    parents: dict[tuple[str, str], tuple[Searchable, Any, Described]] = {}
    for spec in all_kinds():
        n = 0
        rows = spec.rows().iterator(chunk_size=BATCH)
        for batch in _batched(rows, BATCH):
            pairs = []
            for obj in batch:
                if _is_deleted(obj):
                    continue
                d = describe(spec, obj)
                pairs.append((_record_entry(spec, obj, d), d))
                if spec.documents:
                    # Only what a file's entry inherits, not the record itself.
                    parents[(spec.key, str(obj.pk))] = (spec, _Ref(obj.pk), d)
            _write(pairs)
            n += len(pairs)
        counts[spec.key] = n
        if progress:
            progress(f"{spec.key}: {n}")
    types = {ContentType.objects.get_for_model(s.model).pk: s.key for s in all_kinds() if s.documents}
    n = 0
    documents = Document.objects.filter(content_type_id__in=types).order_by("pk").iterator(chunk_size=BATCH)
    for batch in _batched(documents, BATCH):
        pairs = []
        for document in batch:
            parent = parents.get((types[document.content_type_id], str(document.object_id)))
            if parent is not None:
                spec, ref, d = parent
                pairs.append((_document_entry(document, spec, ref, d), d))
        _write(pairs)
        n += len(pairs)
    counts[DOCUMENT_KIND] = n
    if progress:
        progress(f"{DOCUMENT_KIND}: {n}")
    backend.bulk_end()
    backend.after_rebuild()
    return counts


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


@dataclass
class _Ref:
    pk: Any


def kind_exists(key: str) -> bool:
    return key == DOCUMENT_KIND or for_key(key) is not None
