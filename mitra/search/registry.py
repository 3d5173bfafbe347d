"""Which records are searchable, and how each kind describes itself to the index.

An app makes a model searchable by calling `register()` (from its AppConfig.ready(), or from
mitra/search/declarations.py for the apps that predate search). The index then follows every save, soft delete
and many-to-many change of that model, and indexes the files attached to its records (mitra.documents) as hits
that lead to the record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import QuerySet

Extractor = Callable[[Any], Any]


def _none(obj: Any) -> Any:
    return None


def _empty(obj: Any) -> Iterable[Any]:
    return ()


def _absolute_url(obj: Any) -> str:
    return str(obj.get_absolute_url())


@dataclass(frozen=True)
class Searchable:
    """How one model is indexed. Every callable takes a record and must not fail on missing relations."""

    model: type[models.Model]
    # The record's title (Indonesian or the only one) and English title, shown and weighted above the text.
    title: Extractor
    title_en: Extractor = _none
    # Plain attributes whose text is indexed, and a callable for anything else (related names …).
    fields: tuple[str, ...] = ()
    text: Callable[[Any], Iterable[str | None]] = _empty
    url: Extractor = _absolute_url
    date: Extractor = _none  # the date shown
    year: Extractor = _none  # the year faceted; default: the date's year
    scope: Extractor = _none  # bilateral / regional / multilateral
    unit: Extractor = _none  # OrganisationUnit id (the owner unit)
    partners: Callable[[Any], Iterable[int]] = _empty  # Institution ids
    countries: Callable[[Any], Iterable[str]] = _empty  # ISO alpha-2 codes
    # The rows to index on a rebuild (select_related/prefetch_related for speed); default: the default manager.
    queryset: Callable[[], QuerySet[Any]] | None = None
    # For kinds not every signed-in user may read: the records `user` may see (None: all of them).
    visible_to: Callable[[Any], QuerySet[Any] | None] | None = None
    # Index the files attached to these records.
    documents: bool = True
    # How much a hit of this kind weighs in the ranking: below 1, it is listed after records of other kinds that
    # match as well (travel requests, numerous and wordy, would otherwise crowd the registry out of general words).
    weight: float = 1.0
    kind_label: Any = field(default=None)

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def label(self) -> Any:
        return self.kind_label or self.model._meta.verbose_name_plural

    def rows(self) -> QuerySet[Any]:
        return self.queryset() if self.queryset else self.model._default_manager.all()


_REGISTRY: dict[str, Searchable] = {}
# The kind of an attached file's entry.
DOCUMENT_KIND = "documents.document"


def register(model: type[models.Model], **options: Any) -> Searchable:
    """Make `model` searchable (idempotent: registering again replaces the description)."""
    searchable = Searchable(model=model, **options)
    _REGISTRY[searchable.key] = searchable
    return searchable


def unregister(model: type[models.Model]) -> None:
    _REGISTRY.pop(model._meta.label_lower, None)


def for_model(model: type[models.Model]) -> Searchable | None:
    return _REGISTRY.get(model._meta.label_lower)


def for_key(key: str) -> Searchable | None:
    return _REGISTRY.get(key)


def all_kinds() -> list[Searchable]:
    return list(_REGISTRY.values())


def kind_label(key: str) -> Any:
    if key == DOCUMENT_KIND:
        from django.utils.translation import gettext_lazy as _

        return _("Attached files")
    searchable = _REGISTRY.get(key)
    return searchable.label if searchable else key
