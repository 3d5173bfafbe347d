"""HTML: the in-app preview (figures link to their records or computation) and the document WeasyPrint prints."""

from __future__ import annotations

import base64
from html import escape

from django.utils.translation import gettext as _

from ..model import Cell, Chart, Fig, Note, Paragraph, Report, Section, Styled, Table, plain
from . import layout
from .emblem import emblem_data_uri

NUMERIC = {"money", "pct", "number", "ratio"}


class HtmlRenderer:
    def __init__(
        self,
        report: Report,
        *,
        links: bool = True,
        footnotes_inline: bool = False,
        paged: bool = False,
        bind_units: bool = False,
        chart_format: str = "svg",
    ):
        self.r = report
        self.links = links
        self.footnotes_inline = footnotes_inline  # WeasyPrint places them at the foot of the page
        self.paged = paged  # printed by WeasyPrint: landscape pages for wide tables, roman front matter
        self.bind_units = bind_units  # documents (PDF, HTML download): a number never parts from its unit
        self.chart_format = chart_format  # "svg", or "svg-text" for WeasyPrint (charts.SVG_TEXT)
        self.notes: list[str] = []
        self.front = layout.front_matter(report)
        self.first_body = next((s for s in report.sections if s.key not in self.front), None)

    def bind(self, text: str) -> str:
        return layout.nbsp(text) if self.bind_units else text

    def runs(self, runs: list) -> str:  # type: ignore[type-arg]
        out = []
        for run in runs:
            if isinstance(run, Fig):
                out.append(self.fig(run))
            elif isinstance(run, Styled):
                text = escape(self.bind(run.text))
                text = f"<strong>{text}</strong>" if run.bold else text
                out.append(f"<em>{text}</em>" if run.italic else text)
            elif isinstance(run, Note):
                if self.footnotes_inline:
                    out.append(f'<span class="footnote">{escape(self.bind(run.text))}</span>')
                else:
                    self.notes.append(run.text)
                    n = len(self.notes)
                    out.append(f'<sup class="fn-ref"><a href="#fn-{n}" id="fnref-{n}">{n}</a></sup>')
            else:
                out.append(escape(self.bind(str(run))))
        return "".join(out)

    def fig(self, fig: Fig) -> str:
        text = escape(self.bind(fig.text(self.r.language)))
        title = escape(f"{fig.label} · {{{{ {fig.name} }}}}" if fig.label else f"{{{{ {fig.name} }}}}")
        if self.links and fig.url:
            return f'<a class="fig" data-fig="{escape(fig.name)}" href="{escape(fig.url)}" title="{title}">{text}</a>'
        return f'<span class="fig" data-fig="{escape(fig.name)}">{text}</span>'

    def cell(self, cell: Cell, tag: str = "td") -> str:
        kind = cell.value.kind if isinstance(cell.value, Fig) else cell.kind
        cls = ' class="num"' if kind in NUMERIC else ""
        span = f' colspan="{cell.span}"' if cell.span > 1 else ""
        if isinstance(cell.value, Fig):
            body = self.fig(cell.value)
        else:
            body = escape(self.bind(cell.text(self.r.language))).replace("\n", "<br>")
            if self.links and cell.url:
                body = f'<a href="{escape(cell.url)}">{body}</a>'
        if cell.bold:
            body = f"<strong>{body}</strong>"
        return f"<{tag}{cls}{span}>{body}</{tag}>"

    def table(self, t: Table) -> str:
        # Widths that leave every number whole (layout.py); a table too wide for a portrait page gets a landscape one.
        fit = layout.table_layout(t, self.r.language)
        cols = "".join(f'<col class="w{p}">' for p in fit.percents)
        head = "".join(f"<th>{escape(h)}</th>" for h in t.header)
        keep = layout.keep_with_next(t, self.r.language)
        rows = "".join(
            ('<tr class="keep">' if k else "<tr>") + "".join(self.cell(c) for c in row) + "</tr>"
            for row, k in zip(t.rows, keep, strict=True)
        )
        wide = " wide" if fit.landscape else " compact" if fit.compact else ""
        # The caption is a row of the head: WeasyPrint never leaves a head without a body row below it, so the
        # caption cannot stay alone at the foot of a page, and it is repeated over the table's next pages.
        caption = (
            f'<tr class="caption-row"><th class="caption" colspan="{len(t.header)}">{escape(t.caption)}</th></tr>'
            if self.paged
            else ""
        )
        return (
            # The wrapper scrolls a wide table sideways inside itself on a phone (static/reports/report.css).
            f'<div class="report-table-wrap{wide}">'
            f'<table class="report-table{wide}" id="{escape(t.key)}" data-table="{escape(t.key)}">'
            + ("" if self.paged else f"<caption>{escape(t.caption)}</caption>")
            + f"<colgroup>{cols}</colgroup>"
            f"<thead>{caption}<tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
        )

    def chart(self, c: Chart) -> str:
        data = base64.b64encode(c.draw(self.chart_format)).decode()
        return (
            f'<figure class="chart" id="{escape(c.key)}"><img alt="{escape(c.caption)}" '
            f'src="data:image/svg+xml;base64,{data}"><figcaption>{escape(c.caption)}</figcaption></figure>'
        )

    def paragraph(self, p: Paragraph) -> str:
        body = self.runs(p.runs)
        if p.style == "subheading":
            return f"<h4>{body}</h4>"
        if p.style in ("bullet", "number"):
            return f'<li class="{p.style}">{body}</li>'
        if p.style == "signature":
            return f'<p class="signature">{body}</p>'
        return f"<p>{body}</p>"

    def blocks(self, blocks: list) -> str:  # type: ignore[type-arg]
        out: list[str] = []
        open_list = ""
        for b in blocks:
            style = b.style if isinstance(b, Paragraph) and b.style in ("bullet", "number") else ""
            if style != open_list:
                if open_list:
                    out.append("</ol>" if open_list == "number" else "</ul>")
                if style:
                    out.append("<ol>" if style == "number" else "<ul>")
                open_list = style
            if isinstance(b, Paragraph):
                out.append(self.paragraph(b))
            elif isinstance(b, Table):
                out.append(self.table(b))
            elif isinstance(b, Chart):
                out.append(self.chart(b))
        if open_list:
            out.append("</ol>" if open_list == "number" else "</ul>")
        return "".join(out)

    def section(self, s: Section, level: int, parent_wide: bool = False) -> str:
        classes = ["page-break"] if s.page_break else []
        wide = self.paged and layout.is_wide(s, self.r.language)
        if wide:
            classes.append("landscape")  # print.css: `page: landscape`
        elif parent_wide:
            classes.append("portrait")
        if self.paged and s.key in self.front:
            classes.append("front")
        elif self.paged and not wide and level == 1 and s is self.first_body:
            classes.append("bodystart")  # its first page is page 1
        cls = f' class="{" ".join(classes)}"' if classes else ""
        h = min(level + 1, 6)
        inner = self.blocks(s.blocks) + "".join(self.section(c, level + 1, wide) for c in s.children)
        notes = ""
        if level == 1 and self.notes and not self.footnotes_inline:
            notes = (
                '<ol class="footnotes">'
                + "".join(f'<li id="fn-{i}">{escape(t)}</li>' for i, t in enumerate(self.notes, 1) if t)
                + "</ol>"
            )
            self.notes = [""] * len(self.notes)  # keep numbering running through the report
        return (
            f'<section id="s-{escape(s.key)}" data-section="{escape(s.key)}"{cls}>'
            f'<h{h} class="level-{level}">{escape(s.title)}</h{h}>{inner}{notes}</section>'
        )

    def toc(self) -> str:
        items = "".join(
            f'<li class="toc-{level}{" front" if s.key in self.front else ""}">'
            f'<a href="#s-{escape(s.key)}">{escape(s.title)}</a></li>'
            for level, s in self.r.walk()
            if level <= 2
        )
        title = escape(self.r.toc_title or _("Contents"))
        return f'<nav class="toc"><h2 class="toc-title">{title}</h2><ol>{items}</ol></nav>'

    def cover(self) -> str:
        where = ", ".join(p for p in (self.r.place, self.r.date) if p)
        emblem = emblem_data_uri() if self.paged else ""
        return (
            '<header class="cover">'
            + (f'<img class="emblem" alt="{escape(_("Emblem"))}" src="{emblem}">' if emblem else "")
            + f'<p class="org">{escape(self.r.organisation)}</p>'
            f'<h1>{escape(self.r.title)}</h1><p class="subtitle">{escape(self.r.subtitle)}</p>'
            + (f'<p class="place-date">{escape(where)}</p>' if where else "")
            + "</header>"
        )

    def body(self) -> str:
        return (
            f'<article class="report" lang="{escape(self.r.language)}">'
            + self.cover()
            + self.toc()
            + "".join(self.section(s, 1) for s in self.r.sections)
            + "</article>"
        )


def render_fragment(report: Report, *, links: bool = True) -> str:
    """The report's body for the in-app preview (inside the site's layout)."""
    return HtmlRenderer(report, links=links).body()


def render_document(
    report: Report,
    css: str,
    *,
    links: bool = False,
    footnotes_inline: bool = False,
    paged: bool = False,
    chart_format: str = "svg",
) -> str:
    """A standalone HTML document (the `html` download and, with `paged`, WeasyPrint's input)."""
    body = HtmlRenderer(
        report,
        links=links,
        footnotes_inline=footnotes_inline,
        paged=paged,
        bind_units=True,
        chart_format=chart_format,
    ).body()
    return (
        f'<!DOCTYPE html><html lang="{escape(report.language)}"><head><meta charset="utf-8">'
        f"<title>{escape(report.title)}</title><style>{css}</style></head><body>{body}</body></html>"
    )


def title_text(report: Report) -> str:
    return plain([report.title], report.language)
