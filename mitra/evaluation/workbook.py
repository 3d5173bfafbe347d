"""The worksheet file: the template Mitra ships, reading an administrator's XLSX, and the export.

One sheet named "LKE", a header row, then one row per component, sub-component and criterion in order:

| Jenis | Kode | Uraian | Bobot | Skala | Bergantung pada | Bukti | Tahun bukti |

- Jenis: `komponen`, `pemenuhan`, `kualitas`, `pemanfaatan` (the three sub-components) or `kriteria`;
- Bobot: a component's weight (the four sum to 100); a sub-component's share of its component's weight in % (the
  shares of a component sum to 100); empty for a criterion (its weight is the sub-component's over their number);
- Skala: `Y/T` or `A-E` for a criterion; Bergantung pada: the code of the criterion its answer may not exceed;
- Bukti: the kinds of Mitra records suggested as evidence (evidence.KINDS), comma-separated; Tahun bukti: `n` or
  `n-1`.
A sub-component belongs to the component above it, a criterion to the sub-component above it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from mitra.core.spreadsheets import xlsx_row

from . import template_data
from .evidence import KINDS

SHEET = "LKE"
HEADER = ["Jenis", "Kode", "Uraian", "Bobot", "Skala", "Bergantung pada", "Bukti", "Tahun bukti"]
SUB_KINDS = ("pemenuhan", "kualitas", "pemanfaatan")
SCALES = {"Y/T": "YT", "YT": "YT", "A-E": "AE", "A–E": "AE", "AE": "AE"}
MAX_ROWS = 2000


@dataclass
class ParsedCriterion:
    row: int
    code: str
    text: str
    scale: str
    depends_on: str
    evidence_kinds: str
    evidence_year: int


@dataclass
class ParsedSub:
    row: int
    code: str
    kind: str
    name: str
    share_pct: Decimal
    criteria: list[ParsedCriterion] = field(default_factory=list)


@dataclass
class ParsedComponent:
    row: int
    code: str
    name: str
    weight: Decimal
    subs: list[ParsedSub] = field(default_factory=list)


@dataclass
class Parsed:
    components: list[ParsedComponent] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def criteria_count(self) -> int:
        return sum(len(s.criteria) for c in self.components for s in c.subs)


def template_rows() -> list[list[Any]]:
    rows: list[list[Any]] = []
    by_sub: dict[str, list[template_data.Row]] = {}
    for row in template_data.CRITERIA:
        by_sub.setdefault(row[0].rsplit(".", 1)[0], []).append(row)
    for code, name, weight in template_data.COMPONENTS:
        rows.append(["komponen", code, name, weight, "", "", "", ""])
        for letter, kind, sub_name, share in template_data.SUB_COMPONENTS:
            sub_code = f"{code}.{letter}"
            rows.append([kind, sub_code, sub_name, share, "", "", "", ""])
            for c_code, text, scale, depends, kinds, year, _answer in by_sub[sub_code]:
                rows.append(["kriteria", c_code, text, None, "Y/T" if scale == "YT" else "A-E", depends, kinds, year])
    return rows


def template_workbook() -> bytes:
    """The shipped template (also committed as data/lke-template.xlsx by `mitra sakip-evaluation template`)."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADER)
    for row in template_rows():
        sheet.append(row)
    for column, width in zip("ABCDEFGH", (12, 8, 90, 8, 6, 14, 22, 10), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value: Any) -> Decimal | None:
    try:
        number = Decimal(_text(value).replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse(content: bytes) -> Parsed:
    """Read a worksheet file. Every problem is an error naming its row; nothing is loaded when there is one."""
    parsed = Parsed()
    errors = parsed.errors
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not an XLSX workbook
        errors.append(_("The file is not an Excel workbook (.xlsx)."))
        return parsed
    if SHEET not in book.sheetnames:
        errors.append(_("The workbook has no sheet named “%(sheet)s”.") % {"sheet": SHEET})
        return parsed
    rows = book[SHEET].iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())][: len(HEADER)]
    if [h.lower() for h in header] != [h.lower() for h in HEADER]:
        errors.append(_("The first row must be the header: %(header)s.") % {"header": ", ".join(HEADER)})
        return parsed
    codes: set[str] = set()
    criteria: dict[str, ParsedCriterion] = {}
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            errors.append(_("The worksheet has more than %(max)s rows.") % {"max": MAX_ROWS})
            break
        cells = [_text(v) for v in (list(values) + [None] * len(HEADER))[: len(HEADER)]]
        kind, code, text, weight_text, scale, depends, kinds, year = cells
        kind = kind.lower()
        if not any(cells):
            continue
        where = {"row": number}
        if not code or not text:
            errors.append(_("Row %(row)s: a code and a description are required.") % where)
            continue
        if code in codes:
            errors.append(_("Row %(row)s: the code %(code)s appears twice.") % (where | {"code": code}))
            continue
        codes.add(code)
        if kind == "komponen" or kind in SUB_KINDS:
            weight = _number(weight_text)
            if weight is None or not Decimal(0) < weight <= Decimal(100):
                errors.append(_("Row %(row)s: the weight must be a number above 0 and at most 100.") % where)
                continue
            if kind == "komponen":
                parsed.components.append(ParsedComponent(number, code, text[:300], weight))
            elif not parsed.components:
                errors.append(_("Row %(row)s: a sub-component must follow its component.") % where)
            else:
                parsed.components[-1].subs.append(ParsedSub(number, code, kind, text[:300], weight))
        elif kind == "kriteria":
            if not parsed.components or not parsed.components[-1].subs:
                errors.append(_("Row %(row)s: a criterion must follow its sub-component.") % where)
                continue
            if scale.upper() not in SCALES:
                errors.append(_("Row %(row)s: the scale must be Y/T or A-E.") % where)
                continue
            unknown = [k for k in (k.strip() for k in kinds.split(",")) if k and k not in KINDS]
            if unknown:
                errors.append(
                    _("Row %(row)s: unknown evidence kind %(kinds)s; known: %(known)s.")
                    % (where | {"kinds": ", ".join(unknown), "known": ", ".join(KINDS)})
                )
                continue
            if year.lower().replace("−", "-") not in ("", "n", "n-1"):
                errors.append(_("Row %(row)s: the evidence year must be n or n-1.") % where)
                continue
            criterion = ParsedCriterion(
                number,
                code,
                text,
                SCALES[scale.upper()],
                depends,
                ",".join(k.strip() for k in kinds.split(",") if k.strip()),
                1 if year.lower().replace("−", "-") == "n-1" else 0,
            )
            parsed.components[-1].subs[-1].criteria.append(criterion)
            criteria[code] = criterion
        else:
            errors.append(
                _("Row %(row)s: the kind must be komponen, pemenuhan, kualitas, pemanfaatan or kriteria.") % where
            )
    for criterion in criteria.values():
        if criterion.depends_on and criterion.depends_on not in criteria:
            errors.append(
                _("Row %(row)s: the criterion %(code)s it rests on is not in the worksheet.")
                % {"row": criterion.row, "code": criterion.depends_on}
            )
        elif criterion.depends_on == criterion.code:
            errors.append(_("Row %(row)s: a criterion cannot rest on itself.") % {"row": criterion.row})
    if not parsed.components and not errors:
        errors.append(_("The worksheet has no components."))
    if parsed.components and sum(c.weight for c in parsed.components) != 100:
        errors.append(_("The components' weights must sum to 100."))
    for component in parsed.components:
        if not component.subs:
            errors.append(_("Component %(code)s has no sub-components.") % {"code": component.code})
        elif sum(s.share_pct for s in component.subs) != 100:
            errors.append(
                _("The sub-components' shares of component %(code)s must sum to 100 %%.") % {"code": component.code}
            )
        for sub in component.subs:
            if not sub.criteria:
                errors.append(_("Sub-component %(code)s has no criteria.") % {"code": sub.code})
    return parsed


def export(sheet_data: Any) -> bytes:
    """The worksheet with its answers and scores, in the template's layout plus the answer columns."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append(
        [*HEADER, "Jawaban unit", "Catatan unit", "Jawaban evaluator", "Catatan evaluator", "Nilai", "Bukti terkait"]
    )
    for comp in sheet_data.components:
        c = comp.component
        sheet.append(
            xlsx_row(sheet, ["komponen", c.code, c.name, c.weight, "", "", "", "", "", "", "", "", comp.shown])
        )
        for sub in comp.subs:
            s = sub.sub
            sheet.append(
                xlsx_row(sheet, [s.kind, s.code, s.name, s.share_pct, "", "", "", "", "", "", "", "", sub.score])
            )
            for row in sub.rows:
                cr = row.criterion
                answer = row.answer
                sheet.append(
                    xlsx_row(
                        sheet,
                        [
                            "kriteria",
                            cr.code,
                            cr.text,
                            None,
                            "Y/T" if cr.scale == "YT" else "A-E",
                            cr.depends_on.code if cr.depends_on else "",
                            cr.evidence_kinds,
                            "n-1" if cr.evidence_year else "n",
                            answer.own_answer if answer else "",
                            answer.own_note if answer else "",
                            answer.evaluator_answer if answer else "",
                            answer.evaluator_note if answer else "",
                            row.value,
                            "; ".join(e.label for e in row.evidence),
                        ],
                    )
                )
    sheet.append([])
    sheet.append(
        xlsx_row(
            sheet, ["total", "", "Nilai total (perkiraan, bukan hasil resmi)", 100] + [""] * 8 + [sheet_data.total]
        )
    )
    sheet.append(
        xlsx_row(sheet, ["predikat", "", "Predikat (perkiraan, bukan hasil resmi)", ""] + [""] * 8 + [sheet_data.grade])
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
