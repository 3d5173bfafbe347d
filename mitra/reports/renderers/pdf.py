"""PDF through WeasyPrint: A4, page numbers, a table of contents with page numbers, footnotes at the foot."""

from __future__ import annotations

import logging
from pathlib import Path

from mitra.core.collector import cyclic_gc_paused

from ..model import Report
from .html import render_document

logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

# Column widths travel as classes (w1 … w100, a percentage), so the in-app preview needs no style attributes.
WIDTH_CSS = "".join(f"col.w{n}{{width:{n}%}}" for n in range(1, 101))
PRINT_CSS = (Path(__file__).parent / "print.css").read_text() + WIDTH_CSS


def render_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # imported here: it is heavy and only the PDF needs it

    from ..charts import SVG_TEXT  # matplotlib: heavy too (the charts are drawn by now: generate.draw_charts)

    document = render_document(report, PRINT_CSS, links=False, footnotes_inline=True, paged=True, chart_format=SVG_TEXT)
    with cyclic_gc_paused():  # a third of WeasyPrint's CPU time otherwise (generate.render)
        return HTML(string=document).write_pdf()  # type: ignore[no-any-return]
