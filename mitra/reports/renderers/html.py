"""HTML: the in-app preview (figures link to their records or computation) and the document WeasyPrint prints."""

from __future__ import annotations

import base64
from html import escape

from django.utils.translation import gettext as _

from ..model import Cell, Chart, Fig, Note, Paragraph, Report, Section, Styled, Table, plain

NUMERIC = {"money", "pct", "number", "ratio"}


class HtmlRenderer:
    def __init__(self, report: Report, *, links: bool = True, footnotes_inline: bool = False):
        self.r = report
        self.links = links
        self.footnotes_inline = footnotes_inline  # WeasyPrint places them at the foot of the page
        self.notes: list[str] = []

    def runs(self, runs: list) -> str:  # type: ignore[type-arg]
        out = []
        for run in runs:
            if isinstance(run, Fig):
                out.append(self.fig(run))
            elif isinstance(run, Styled):
                text = escape(run.text)
                text = f"<strong>{text}</strong>" if run.bold else text
                out.append(f"<em>{text}</em>" if run.italic else text)
            elif isinstance(run, Note):
                if self.footnotes_inline:
                    out.append(f'<span class="footnote">{escape(run.text)}</span>')
                else:
                    self.notes.append(run.text)
                    n = len(self.notes)
                    out.append(f'<sup class="fn-ref"><a href="#fn-{n}" id="fnref-{n}">{n}</a></sup>')
            else:
                out.append(escape(str(run)))
        return "".join(out)

    def fig(self, fig: Fig) -> str:
        text = escape(fig.text(self.r.language))
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
            body = escape(cell.text(self.r.language)).replace("\n", "<br>")
            if self.links and cell.url:
                body = f'<a href="{escape(cell.url)}">{body}</a>'
        if cell.bold:
            body = f"<strong>{body}</strong>"
        return f"<{tag}{cls}{span}>{body}</{tag}>"

    def table(self, t: Table) -> str:
        total = sum(t.widths) or 1
        cols = "".join(f'<col class="w{round(w / total * 100)}">' for w in t.widths)
        head = "".join(f"<th>{escape(h)}</th>" for h in t.header)
        rows = "".join("<tr>" + "".join(self.cell(c) for c in row) + "</tr>" for row in t.rows)
        return (
            # The wrapper scrolls a wide table sideways inside itself on a phone (static/reports/report.css).
            '<div class="report-table-wrap">'
            f'<table class="report-table" id="{escape(t.key)}" data-table="{escape(t.key)}">'
            f"<caption>{escape(t.caption)}</caption><colgroup>{cols}</colgroup>"
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
        )

    def chart(self, c: Chart) -> str:
        data = base64.b64encode(c.draw("svg")).decode()
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

    def section(self, s: Section, level: int) -> str:
        cls = ' class="page-break"' if s.page_break else ""
        h = min(level + 1, 6)
        inner = self.blocks(s.blocks) + "".join(self.section(c, level + 1) for c in s.children)
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
            f'<li class="toc-{level}"><a href="#s-{escape(s.key)}">{escape(s.title)}</a></li>'
            for level, s in self.r.walk()
            if level <= 2
        )
        title = escape(self.r.toc_title or _("Contents"))
        return f'<nav class="toc"><h2 class="toc-title">{title}</h2><ol>{items}</ol></nav>'

    def cover(self) -> str:
        return (
            f'<header class="cover"><p class="org">{escape(self.r.organisation)}</p>'
            f'<h1>{escape(self.r.title)}</h1><p class="subtitle">{escape(self.r.subtitle)}</p></header>'
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


def render_document(report: Report, css: str, *, links: bool = False, footnotes_inline: bool = False) -> str:
    """A standalone HTML document (the `html` download and WeasyPrint's input)."""
    body = HtmlRenderer(report, links=links, footnotes_inline=footnotes_inline).body()
    return (
        f'<!DOCTYPE html><html lang="{escape(report.language)}"><head><meta charset="utf-8">'
        f"<title>{escape(report.title)}</title><style>{css}</style></head><body>{body}</body></html>"
    )


def title_text(report: Report) -> str:
    return plain([report.title], report.language)
