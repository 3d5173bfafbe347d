"""Print layout shared by the PDF (through HTML) and DOCX renderers: which tables need a landscape page, column
widths that leave every number whole, which rows stay together, and non-breaking spaces that keep a number with
its unit.

Widths are estimated from the text, not measured: a number cell never wraps, so its column is at least as wide
as its longest number; a text column is at least as wide as its longest word. When the declared widths, scaled to
the page, leave a column narrower than that, the column gets its minimum and the others share the rest; when the
minimums together are wider than a portrait page, the table goes on a landscape page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..model import Cell, Fig, Report, Section, Table

NUMERIC = {"money", "pct", "number", "ratio"}
NBSP = "\u00a0"

# A4 with the margins of print.css and docx.py (2.5 cm left, 2 cm right).
PORTRAIT_CM = 21.0 - 4.5
LANDSCAPE_CM = 29.7 - 4.5
# Table text is 8 pt DejaVu Sans (print.css), measured with the font's own advance widths when the font is
# installed; else about 0.62 em a character (0.68 em bold). A cell's padding and borders add about 0.25 cm.
FONT_PT = 8
COMPACT_PT = 7  # a table that fits a portrait page only in smaller type (print.css `table.compact`)
CHAR_CM = FONT_PT * 0.62 * 2.54 / 72
HEADER_CHAR_CM = FONT_PT * 0.68 * 2.54 / 72
PAD_CM = 0.25
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"), Path("/usr/local/share/fonts")]
# A text column narrower than this is unreadable even when its longest word fits.
TEXT_MIN_CM = 1.2

# A number and its unit or label stay on one line: "100,00 %", "Rp 4.917.801.000", "HK. 04.01…", "No. 29", "25 orang".
# Each pattern ends with the space to make non-breaking.
_BINDINGS = [
    re.compile(r"(?<=\d) (?=%)"),
    re.compile(r"\bRp\.? (?=[\d-])"),
    re.compile(r"\b(HK|PP|No|Nomor|KEP|SK|UU|Pasal|Tahun|TW|Triwulan|Quarter)\.? (?=\d)"),
    re.compile(r"(?<=\d) (?=(orang|dokumen|kali|kegiatan|persons?|documents?|times)\b)"),
]


# A reference code: no break after its letters' full stop ("HK.04.2.21…"), nor between "Nomor" and the code.
_CODE = re.compile(r"\b([A-Z]{2,5})\.(?=\d)")
_NUMBER_OF_CODE = re.compile(r"\b(Nomor|No\.|Number) (?=[A-Z]{2,5}\.\d)")
WORD_JOINER = "\u2060"


def nbsp(text: str) -> str:
    """`text` with the spaces that would part a number from its unit made non-breaking."""
    text = _CODE.sub(lambda m: m.group(0) + WORD_JOINER, text)
    if " " not in text:
        return text
    text = _NUMBER_OF_CODE.sub(lambda m: m.group(0)[:-1] + NBSP, text)
    for pattern in _BINDINGS:
        text = pattern.sub(lambda m: m.group(0)[:-1] + NBSP, text)
    return text


def _kind(cell: Cell) -> str:
    return cell.value.kind if isinstance(cell.value, Fig) else cell.kind


@cache
def _advances(bold: bool) -> tuple[dict[int, int], int] | None:
    """The font's advance width of each character, and its units per em (None when the font is not installed)."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = next((d / name for d in FONT_DIRS if (d / name).is_file()), None)
    if path is None:
        return None
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

    font = TTFont(str(path), lazy=True)
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
    return widths, int(font["head"].unitsPerEm)


def text_cm(text: str, bold: bool = False, size: float = FONT_PT) -> float:
    """The width of `text` on one line at the table's font size."""
    font = _advances(bold)
    if font is None:
        return len(text) * (HEADER_CHAR_CM if bold else CHAR_CM) * size / FONT_PT
    widths, upem = font
    default = upem * 0.6
    units = sum(widths.get(ord(ch), default) for ch in text)
    return units / upem * size * 2.54 / 72


def _longest_word(text: str, bold: bool = False, size: float = FONT_PT) -> float:
    """The width of the longest piece of `text` that cannot wrap (cm)."""
    words = re.split(r"[ \t\n/–-]+", text)  # not NBSP: it binds
    return max((text_cm(w, bold, size) for w in words if w), default=0.0)


@dataclass(frozen=True)
class Type:
    """A renderer's table type: font size, the smaller size for a table that fits only so, and cell padding."""

    size: float
    compact: float
    pad_cm: float


PDF = Type(FONT_PT, COMPACT_PT, PAD_CM)
# Word: 8.5 pt (7.5 compact) and its default cell margins of 0.19 cm a side. Measured with DejaVu Sans, which is
# wider than Calibri, so a column is wide enough in Word and in LibreOffice (which may fall back to DejaVu).
DOCX = Type(8.5, 7.5, 0.45)


def _min_widths(t: Table, language: str, size: float = FONT_PT, pad: float = PAD_CM) -> list[float]:
    n = len(t.header)
    mins = [max(pad + _longest_word(h, True, size), TEXT_MIN_CM if i else 0.6) for i, h in enumerate(t.header)]
    for row in t.rows:
        col = 0
        for cell in row:
            if col >= n:
                break
            text = cell.text(language)
            if cell.span == 1:
                if _kind(cell) in NUMERIC:  # a number cell never wraps
                    need = pad + text_cm(text, cell.bold, size)
                else:
                    need = pad + _longest_word(text, cell.bold, size)
                mins[col] = max(mins[col], need)
            col += cell.span
    return mins


def _distribute(declared: list[float], mins: list[float], usable: float) -> list[float]:
    total = sum(declared) or 1
    widths = [usable * w / total for w in declared]
    fixed: set[int] = set()
    for _round in range(len(widths)):
        short = [i for i, w in enumerate(widths) if i not in fixed and w < mins[i] - 1e-9]
        if not short:
            break
        fixed.update(short)
        rest = usable - sum(mins[i] for i in fixed)
        free = [i for i in range(len(widths)) if i not in fixed]
        free_total = sum(declared[i] for i in free) or 1
        widths = [mins[i] if i in fixed else rest * declared[i] / free_total for i in range(len(widths))]
    return widths


@dataclass(frozen=True)
class TableLayout:
    landscape: bool
    widths_cm: list[float]
    compact: bool = False  # set in COMPACT_PT type to fit a portrait page

    @property
    def percents(self) -> list[int]:
        total = sum(self.widths_cm) or 1
        return [max(1, round(w / total * 100)) for w in self.widths_cm]


def table_layout(t: Table, language: str, kind: Type = PDF) -> TableLayout:
    n = len(t.header)
    declared = list(t.widths[:n]) + [1.0] * (n - len(t.widths))
    mins = _min_widths(t, language, kind.size, kind.pad_cm)
    if sum(mins) <= PORTRAIT_CM:
        return TableLayout(False, _distribute(declared, mins, PORTRAIT_CM))
    compact = _min_widths(t, language, kind.compact, kind.pad_cm)
    if sum(compact) <= PORTRAIT_CM:
        return TableLayout(False, _distribute(declared, compact, PORTRAIT_CM), compact=True)
    return TableLayout(True, _distribute(declared, mins, LANDSCAPE_CM))


def _is_continuation(row: list[Cell], language: str) -> bool:
    """A row whose first cell is empty and which is no heading continues the row above (a sub-activity's output
    row under its input row, a second indicator of the same target)."""
    return bool(row) and not row[0].text(language).strip() and not any(c.bold for c in row)


def _is_heading(row: list[Cell], language: str) -> bool:
    """A group heading ("997. Peralatan …"): its first cell is bold, or empty beside a bold cell."""
    if not row:
        return False
    first = row[0]
    return first.bold or (not first.text(language).strip() and any(c.bold and c.text(language).strip() for c in row))


def keep_with_next(t: Table, language: str) -> list[bool]:
    """For each row: must it stay on the page of the row below? Group headings stay with their first row, and a
    row stays with the rows continuing it."""
    rows = t.rows
    keep = []
    for i, row in enumerate(rows):
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        keep.append(nxt is not None and (_is_heading(row, language) or _is_continuation(nxt, language)))
    return keep


def is_wide(s: Section, language: str, kind: Type = PDF) -> bool:
    """Does the section go on landscape pages? When one of its tables is too wide for a portrait page, or when it
    has no text of its own and its first subsection does (the chapter's heading goes with it)."""
    if any(isinstance(b, Table) and table_layout(b, language, kind).landscape for b in s.blocks):
        return True
    return not s.blocks and bool(s.children) and is_wide(s.children[0], language, kind)


def front_matter(report: Report) -> set[str]:
    """The keys of the sections before the first numbered chapter (foreword, executive summary): printed with
    roman page numbers, like the cover and the table of contents."""
    keys: set[str] = set()
    for s in report.sections:
        if s.numbered_title:
            break
        keys.add(s.key)
    return keys if len(keys) < len(report.sections) else set()
