"""`field__in_literal=(…)`: `field IN ('a', 'b')` with the values written into the SQL instead of bound as parameters.

SQLite uses a partial index whose condition is `field IN ('a', 'b')` only for a query that states that very list;
it matches a bound parameter against a constant of the condition only outside lists, so a query written
`status IN (?, ?)` never uses such an index and scans the table instead (issue 17: the home page's "my work" and
the travel queue read every travel request this way at ten years of data). Meant for fixed sets of a model's
choices (code constants, in the order of the index's condition); anything else than a plain word is refused.
Register it on the field whose partial indexes need it (`Model._meta.get_field(name).register_lookup(InLiteral)`)."""

from __future__ import annotations

import re
from typing import Any

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
