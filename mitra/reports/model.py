"""The report model: a report is built once from the records, as plain data, and every renderer draws it.

A `Fig` is one computed figure with its name (the one narratives use, e.g. `budget.absorption_pct`), its value,
how it is shown, and the page that shows the records or the computation behind it. Tables and paragraphs hold
`Fig`s rather than text, so the consistency check can prove that a figure shown in several places is one value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mitra.core import formatting

MONEY = "money"
PCT = "pct"
NUMBER = "number"
RATIO = "ratio"
TEXT = "text"


@dataclass(frozen=True)
class Fig:
    name: str
    value: Any  # int (rupiah, counts), Decimal (percentages, volumes, ratios), str (grades, labels, years)
    kind: str = NUMBER
    url: str = ""
    label: str = ""

    def text(self, language: str) -> str:
        return format_value(self.value, self.kind, language)

    @property
    def number(self) -> int | float | None:
        """The value as a spreadsheet number (percentages as fractions of 1, as Excel's % format expects)."""
        if self.value is None or self.kind == TEXT:
            return None
        if self.kind == MONEY:
            return int(self.value)
        value = Decimal(self.value)
        if self.kind == PCT:
            value = value / 100
        return int(value) if value == value.to_integral_value() and self.kind == NUMBER else float(value)


def format_value(value: Any, kind: str, language: str) -> str:
    if value is None:
        return "–"
    if kind == MONEY:
        return formatting.rupiah(value, language)
    if kind == PCT:
        return formatting.percent(value, 2, language)
    if kind == RATIO:
        return formatting.number(value, 3, language)
    if kind == NUMBER:
        d = Decimal(value)
        places = 0 if d == d.to_integral_value() else 2
        return formatting.number(d, places, language)
    return str(value)


@dataclass(frozen=True)
class Styled:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Note:
    """A footnote, placed where it is referred to."""

    text: str


Inline = str | Styled | Fig | Note


@dataclass
class Paragraph:
    runs: list[Inline]
    style: str = "body"  # body | bullet | number | subheading | caption | signature


@dataclass
class Cell:
    value: Any  # str, Fig, int, Decimal or None
    kind: str = TEXT
    bold: bool = False
    span: int = 1
    url: str = ""

    def text(self, language: str) -> str:
        if isinstance(self.value, Fig):
            return self.value.text(language)
        return format_value(self.value, self.kind, language) if self.value not in (None, "") else ""


@dataclass
class Table:
    key: str  # also the XLSX sheet name
    caption: str
    header: list[str]
    rows: list[list[Cell]]
    widths: list[float] = field(default_factory=list)  # relative column widths


@dataclass
class Chart:
    key: str
    caption: str
    draw: Callable[[str], bytes]  # format "svg" | "png" -> image bytes
    width_cm: float = 16


Block = Paragraph | Table | Chart


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    numbered_title: bool = True
    page_break: bool = False

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self

    def sub(self, key: str, title: str) -> Section:
        child = Section(key, title)
        self.children.append(child)
        return child


@dataclass
class Report:
    kind: str  # "lakip" | "monitoring"
    title: str
    subtitle: str
    year: int
    language: str
    organisation: str
    sections: list[Section]
    figures: dict[str, Fig]
    meta: dict[str, Any] = field(default_factory=dict)
    toc_title: str = ""
    place: str = ""  # the cover's place and date ("Jakarta", "2018")
    date: str = ""

    def walk(self) -> Iterator[tuple[int, Section]]:
        def visit(sections: list[Section], level: int) -> Iterator[tuple[int, Section]]:
            for s in sections:
                yield level, s
                yield from visit(s.children, level + 1)

        return visit(self.sections, 1)

    def tables(self) -> list[Table]:
        return [b for _level, s in self.walk() for b in s.blocks if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for _level, s in self.walk() for b in s.blocks if isinstance(b, Chart)]

    def used_figures(self) -> list[tuple[str, Fig]]:
        """Every figure shown, with where (section key), for the consistency check."""
        out: list[tuple[str, Fig]] = []
        for _level, s in self.walk():
            for b in s.blocks:
                if isinstance(b, Paragraph):
                    out += [(s.key, r) for r in b.runs if isinstance(r, Fig)]
                elif isinstance(b, Table):
                    out += [(f"{s.key}/{b.key}", c.value) for row in b.rows for c in row if isinstance(c.value, Fig)]
        return out


def runs(template: str, **parts: str | Fig) -> list[Inline]:
    """A translated sentence with %(name)s placeholders as runs: figures stay figures (the consistency check sees
    them), text is filled in."""
    out: list[Inline] = []
    for i, piece in enumerate(re.split(r"%\((\w+)\)s", template)):
        if i % 2 == 0:
            if piece:
                out.append(piece)
        else:
            out.append(parts[piece])
    return out


def plain(runs: list[Inline], language: str) -> str:
    return "".join(
        r if isinstance(r, str) else r.text if isinstance(r, Styled) else r.text(language) if isinstance(r, Fig) else ""
        for r in runs
    )
