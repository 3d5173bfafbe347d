"""Lookups that write their list into the SQL instead of binding each value as a parameter.

`field__in_literal=(…)`: `field IN ('a', 'b')` with the values written into the SQL instead of bound as parameters.

SQLite uses a partial index whose condition is `field IN ('a', 'b')` only for a query that states that very list;
it matches a bound parameter against a constant of the condition only outside lists, so a query written
`status IN (?, ?)` never uses such an index and scans the table instead (issue 17: the home page's "my work" and
the travel queue read every travel request this way at ten years of data). Meant for fixed sets of a model's
choices (code constants, in the order of the index's condition); anything else than a plain word is refused.
Register it on the field whose partial indexes need it (`Model._meta.get_field(name).register_lookup(InLiteral)`).

`key__in_ids=[…]`: `key IN (…)` for a list of ids already read from the database (a profile's 661
cooperations, passed to a dozen lookups). The plain `__in` prepares each value through the field and binds it
(about 2 µs a value: 20 ms of the ASEAN forum profile at ten years of data); this one checks that every value is a
plain int and passes them all as one value, so it takes nothing else. On SQLite that value is one parameter, the
ids as a JSON array, `key IN (SELECT value FROM json_each('[1,2,3]'))`: the same plans as the ids written out
(`key IN (1, 2, 3)`, as it was: a lookup per id, or a membership test), but the SQL stays short whatever the
number of ids; Django runs a regular expression over the SQL of each query to turn its `%s` into `?`, and ASEAN's
forum profile at N=100 wrote ids 20 times (661 cooperations, its forums) into its queries: 76,000 characters of SQL,
now 10,000 (~0.5 ms of its request).
Registered on every ForeignKey and integer field (ready()).
A list passed to many lookups can be given as `Ids(list)`: checked and written out once, and not walked value by
value by Django for each lookup (it resolves every item of a list or tuple given to a filter: ~9,000 items for the
ASEAN forum profile's dozen lookups of 661 ids).
On PostgreSQL the list is one array, `key = ANY(%s::bigint[])` with the ids' array literal ('{1,2,3}') as its
parameter. Django's cursors bind on the client, so the server receives `key = ANY('{1,2,3}'::bigint[])`: the same
condition and the same plans as `IN (…)` (PostgreSQL turns it into that very `= ANY` of an array), but parsed as one
constant instead of 661 that are then coerced and folded into an array, which halves the planning of these queries
(ASEAN's forum profile at N=100: 11.1 -> 5.3 ms of planning over its 16 lookups, measured with EXPLAIN ANALYZE). A
query sent bound on the server (mitra/core/prepared.py) gets the array as a value, and its SQL stays the same
whatever the ids: one prepared statement for every profile."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup

_PLAIN = re.compile(r"[A-Za-z0-9_.-]+")


class InLiteral(Lookup):
    lookup_name = "in_literal"

    def get_prep_lookup(self) -> Any:
        values = tuple(str(self.lhs.output_field.get_prep_value(value)) for value in self.rhs)
        if not values or not all(_PLAIN.fullmatch(value) for value in values):
            raise ValueError(f"in_literal takes a non-empty list of plain words, not {values!r}")
        return values

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = ", ".join(f"'{value}'" for value in self.rhs)
        return f"{lhs} IN ({values})", tuple(lhs_params)


class Ids:
    """Ids for several `in_ids` lookups: checked and written once. Neither a list nor a tuple, so that a filter
    takes it as one value, and not iterable (the ids are `.values`): a filter on a relation walks any iterable value
    to check that each item is an instance of the right model (`Query.check_related_objects`), 661 calls for each of
    the ASEAN forum profile's lookups at ten years of data (~1 ms of its request)."""

    __slots__ = ("array", "json", "values")

    def __init__(self, values: Iterable[int]):
        self.values = tuple(values)
        # `type(...) is int`: not a bool, not a str that would look like one.
        if any(type(value) is not int for value in self.values):
            raise ValueError(f"in_ids takes a list of ints, not {self.values[:5]!r}…")
        written = ",".join(map(str, self.values))
        self.array = "{" + written + "}"  # PostgreSQL's parameter: the array literal of these ints
        self.json = "[" + written + "]"  # SQLite's parameter: a JSON array of these ints

    def __len__(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return f"Ids({list(self.values)!r})"

    def put_into(self, params: Iterable[Any]) -> list[Any]:
        """The parameters of a query compiled with ANY_IDS in its `in_ids` lookups, these ids in its place (the array
        on PostgreSQL, the JSON array on SQLite): a query that differs from another by its ids alone is compiled once
        (a profile's timeline), its SQL the same for any ids."""
        return [self.json if p == ANY_IDS.json else self.array if p == ANY_IDS.array else p for p in params]


# Stands for any ids in a query compiled once (Ids.put_into): a number no list of ids holds.
ANY_IDS = Ids([-720_517_031])


class InIds(Lookup):
    lookup_name = "in_ids"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        return self.rhs if isinstance(self.rhs, Ids) else Ids(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if not self.rhs.values:
            raise EmptyResultSet  # as `__in=[]`: the condition matches nothing
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            # bigint[] for any integer column: its index takes the cross-type `=` (integer_ops) all the same.
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, self.rhs.array)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, self.rhs.json)  # noqa: S608 - a column


def register() -> None:
    from django.db.models import ForeignKey, IntegerField

    ForeignKey.register_lookup(InIds)
    IntegerField.register_lookup(InIds)
