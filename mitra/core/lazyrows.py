"""A list of rows read from the database only as far as it is used.

A figure with the list behind it (an indicator source, the on-time list) needs the number of its rows everywhere
and the rows themselves only where the list is shown, usually one page of it. `LazyRows` is that list: `len()` is a
`COUNT` in SQL (read once), a slice reads and builds only the rows of the slice, `ids()` reads the primary keys
without building anything, and iterating reads the whole list in chunks (only for the pages and exports that show
it whole). It is a `Sequence`, so a `Paginator`, `len`, `bool` and templates use it as they use a list.

    rows = LazyRows([(Study.objects.filter(year=2017).order_by("pk"), lambda objs: [Row(o) for o in objs])])

Each part is an ordered queryset and a function building the rows of a batch of its objects (a batch, so that a
row's marks can be read for the whole batch in one query). The parts follow one another, in the order given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

from django.db.models import QuerySet

T = TypeVar("T")
U = TypeVar("U")

CHUNK = 2000

Part = tuple[QuerySet[Any], Callable[[list[Any]], list[T]]]


class LazyRows(Sequence[T], Generic[T]):
    def __init__(self, parts: Sequence[Part[T]], counts: list[int] | Callable[[], list[int]] | None = None) -> None:
        """`counts`: the number of rows of each part when the caller has already counted them, or a function
        counting them (called once, when the number is first needed) when another query counts them faster than
        `COUNT` over the part's queryset."""
        self._parts = list(parts)
        self._counter = counts if callable(counts) else None
        self._counts: list[int] | None = list(counts) if counts is not None and not callable(counts) else None

    def _part_counts(self) -> list[int]:
        if self._counts is None:
            self._counts = self._counter() if self._counter else [qs.count() for qs, _build in self._parts]
        return self._counts

    def count(self) -> int:  # type: ignore[override]  # (Paginator calls count() without an argument)
        """The number of rows (one COUNT per part, read once); `Paginator` calls this."""
        return sum(self._part_counts())

    def __len__(self) -> int:
        return self.count()

    def __bool__(self) -> bool:
        return self.count() > 0

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, int):
            n = len(self)
            i = index + n if index < 0 else index
            if not 0 <= i < n:
                raise IndexError(index)
            return self[i : i + 1][0]
        start, stop, step = index.indices(len(self))
        if step != 1:
            return list(self[start:stop])[::step]
        out: list[T] = []
        offset = 0
        for (qs, build), n in zip(self._parts, self._part_counts(), strict=True):
            lo, hi = max(start - offset, 0), min(stop - offset, n)
            if lo < hi:
                out += build(list(qs[lo:hi]))
            offset += n
        return out

    def __iter__(self) -> Iterator[T]:
        for qs, build in self._parts:
            last = None
            while True:
                # Keyset-free chunking by offset keeps the part's own order; the parts are ordered querysets.
                batch = list(qs[last or 0 : (last or 0) + CHUNK])
                yield from build(batch)
                if len(batch) < CHUNK:
                    break
                last = (last or 0) + CHUNK

    def ids(self) -> list[int]:
        """The primary keys of the rows' records, in order, without building the rows."""
        return [pk for qs, _build in self._parts for pk in qs.values_list("pk", flat=True)]

    def map(self, convert: Callable[[T], U]) -> LazyRows[U]:
        """The same rows, each converted (still read lazily, with the same counts)."""
        return LazyRows([(qs, _then(build, convert)) for qs, build in self._parts], self._counts)


def _then(build: Callable[[list[Any]], list[T]], convert: Callable[[T], U]) -> Callable[[list[Any]], list[U]]:
    return lambda objs: [convert(row) for row in build(objs)]
