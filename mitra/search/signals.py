"""Keep the index in step with the records: saves, soft deletes (a save with deleted_at), hard deletes,
many-to-many changes and attached files, inside the transaction that changed them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from . import services
from .registry import Searchable, for_model


def _is_document(model: Any) -> bool:
    from mitra.documents.models import Document

    return model is Document


def _spec(model: Any) -> Searchable | None:
    # Only the real model class: migrations send signals with historical models of the same name.
    spec = for_model(model) if hasattr(model, "_meta") else None
    return spec if spec is not None and spec.model is model else None


# Records whose text is part of another record's entry (a traveller's name is found on the trip): model label →
# the record whose entry to refresh when one is saved or deleted.
PARTS: dict[str, Any] = {"travel.traveller": lambda traveller: traveller.request}


# Inside `deferred()`: the rows to index at the end of the block, by model.
_pending: ContextVar[dict[Any, set[Any]] | None] = ContextVar("mitra_search_pending", default=None)


def _index(obj: Any) -> None:
    pending = _pending.get()
    if pending is None:
        services.index_instance(obj)
    elif obj.pk is not None:
        pending.setdefault(type(obj), set()).add(obj.pk)


@contextmanager
def deferred() -> Iterator[None]:
    """Index the records saved inside the block in one pass at its end (`services.index_records`), instead of one
    record at a time as each is saved: for an import of many rows, inside its transaction. When the block ends with
    an exception nothing is indexed (the transaction is rolled back with the records). A rolled-back savepoint inside
    the block needs nothing: the pass indexes the rows as they are at the end."""
    if _pending.get() is not None:
        yield
        return
    pending: dict[Any, set[Any]] = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for model, pks in pending.items():
        services.index_records(model, pks)


def _refresh_whole(instance: Any) -> None:
    part_of = PARTS.get(instance._meta.label_lower) if hasattr(instance, "_meta") else None
    if part_of is None:
        return
    whole = part_of(instance)
    if whole is not None and _spec(type(whole)) is not None:
        _index(whole)


def on_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    if _is_document(sender):
        services.index_document(instance)
    elif _spec(sender) is not None:
        _index(instance)
    else:
        _refresh_whole(instance)


def on_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    if _is_document(sender):
        services.remove_document(instance.pk)
    elif _spec(sender) is not None:
        services.remove_instance(sender, instance.pk)
    else:
        _refresh_whole(instance)


def on_m2m(sender: Any, instance: Any, action: str, reverse: bool, model: Any, pk_set: Any, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        if _spec(type(instance)) is not None:
            _index(instance)
    elif pk_set and _spec(model) is not None:
        for obj in model._default_manager.filter(pk__in=pk_set):
            _index(obj)


def on_migrate(sender: Any, **kwargs: Any) -> None:
    """After `migrate` (and a test database flush): index records that have no entry yet — reference data the
    migrations loaded in bulk, or every record when search is added to an existing database."""
    services.index_missing(using=kwargs.get("using", "default"))


def connect() -> None:
    post_save.connect(on_save, dispatch_uid="search.on_save")
    post_delete.connect(on_delete, dispatch_uid="search.on_delete")
    m2m_changed.connect(on_m2m, dispatch_uid="search.on_m2m")


def connect_migrate(app_config: Any) -> None:
    post_migrate.connect(on_migrate, sender=app_config, dispatch_uid="search.on_migrate")
