"""Charts drawn with matplotlib (SVG for HTML and PDF, PNG for Word), from figures already computed."""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams.update(
    {
        "svg.hashsalt": "mitra",  # same data, same SVG: output can be cached and compared
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

BLUE = "#1f5fa8"
ORANGE = "#e07b1a"
GREY = "#9aa5b1"


# "svg-text": SVG whose words are text in the charts' font, not outlines of its glyphs. For WeasyPrint (the PDF),
# which has the font: it draws a glyph outline by parsing its path again at every use, which made the charts a
# fifth of the PDF's drawing time at N=100 (issue 17). A browser may lack the font, so the HTML keeps outlines.
SVG_TEXT = "svg-text"


def _save(fig: Figure, fmt: str) -> bytes:
    buf = io.BytesIO()
    svg = fmt in ("svg", SVG_TEXT)
    with matplotlib.rc_context({"svg.fonttype": "none"} if fmt == SVG_TEXT else {}):
        fig.savefig(
            buf,
            format="svg" if svg else fmt,
            dpi=200 if fmt == "png" else 72,
            bbox_inches="tight",
            metadata={"Date": None} if svg else {},
        )
    plt.close(fig)
    return buf.getvalue()


# Pictures already drawn in this process, by everything they show (see _kept): a report is made in several formats and
# languages, again after each change of its records, and its charts seldom change with it.
_DRAWN: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_DRAWN_MAX = 64
_DRAWN_LOCK = threading.Lock()


def _kept(picture: Callable[[], tuple[Any, ...]], draw: Callable[[str], bytes]) -> Callable[[str], bytes]:
    """`draw`, kept per process by `picture()`: every value the chart shows (its numbers, texts and labels as
    drawn, in the language active when it is drawn). The same picture gives the same file (svg.hashsalt, no date),
    so drawing it again would only give the same bytes."""

    def kept(fmt: str) -> bytes:
        key = (*picture(), fmt)
        with _DRAWN_LOCK:
            if key in _DRAWN:
                _DRAWN.move_to_end(key)
                return _DRAWN[key]
        content = draw(fmt)
        with _DRAWN_LOCK:
            _DRAWN[key] = content
            while len(_DRAWN) > _DRAWN_MAX:
                _DRAWN.popitem(last=False)
        return content

    return kept


def _f(value: Any) -> float:
    return float(value) if value is not None else 0.0


def breakdown_chart(panels: Sequence[tuple[str, Sequence[tuple[str, int]]]]) -> Callable[[str], bytes]:
    """Four small bar charts (education, age, grade, position) as chapter I of the report shows them."""

    def draw(fmt: str) -> bytes:
        fig, axes = plt.subplots(2, 2, figsize=(8, 5.2))
        for ax, (title, rows) in zip(axes.flat, panels, strict=False):
            labels = [label for label, _count in rows]
            counts = [count for _label, count in rows]
            bars = ax.barh(labels, counts, color=BLUE)
            ax.invert_yaxis()
            ax.set_title(title, fontsize=9, fontweight="bold")
            ax.bar_label(bars, padding=2, fontsize=7)
            ax.xaxis.set_visible(False)
            ax.spines["bottom"].set_visible(False)
        fig.tight_layout()
        return _save(fig, fmt)

    def picture() -> tuple[Any, ...]:
        return ("breakdown", tuple((str(title), tuple((str(k), c) for k, c in rows)) for title, rows in panels))

    return _kept(picture, draw)


def quarter_chart(quarters: Sequence[dict[str, Any]], labels: dict[str, Any], kind: str) -> Callable[[str], bytes]:
    """Plan against realisation per quarter (cumulative %), physical or financial."""

    def draw(fmt: str) -> bytes:
        fig, ax = plt.subplots(figsize=(7, 3))
        names = [labels["quarter"] % {"q": q["quarter"]} for q in quarters]
        plan = [_f(q[f"{kind}_plan"]) for q in quarters]
        real = [_f(q[kind]) for q in quarters]
        x = range(len(names))
        ax.bar([i - 0.2 for i in x], plan, width=0.4, color=GREY, label=labels["plan"])
        bars = ax.bar(
            [i + 0.2 for i in x],
            real,
            width=0.4,
            color=BLUE if kind == "physical" else ORANGE,
            label=labels["realised"],
        )
        ax.bar_label(bars, labels=[labels["fmt"](Decimal(str(v))) for v in real], padding=2, fontsize=7)
        ax.set_xticks(list(x), names)
        ax.set_ylim(0, 115)
        ax.set_ylabel("%")
        ax.legend(loc="upper left", frameon=False, fontsize=7)
        fig.tight_layout()
        return _save(fig, fmt)

    def picture() -> tuple[Any, ...]:
        real = [_f(q[kind]) for q in quarters]
        return (
            "quarter",
            kind,
            tuple(str(labels["quarter"] % {"q": q["quarter"]}) for q in quarters),
            tuple(_f(q[f"{kind}_plan"]) for q in quarters),
            tuple(real),
            tuple(str(labels["fmt"](Decimal(str(v)))) for v in real),
            str(labels["plan"]),
            str(labels["realised"]),
        )

    return _kept(picture, draw)


def history_chart(rows: Sequence[tuple[str, Any, Any]], labels: dict[str, Any]) -> Callable[[str], bytes]:
    """Earlier years: SAKIP score and budget absorption side by side."""

    def draw(fmt: str) -> bytes:
        fig, ax = plt.subplots(figsize=(7, 2.8))
        years = [r[0] for r in rows]
        x = range(len(years))
        score = [_f(r[1]) for r in rows]
        absorption = [_f(r[2]) for r in rows]
        b1 = ax.bar([i - 0.2 for i in x], score, width=0.4, color=BLUE, label=labels["score"])
        b2 = ax.bar([i + 0.2 for i in x], absorption, width=0.4, color=ORANGE, label=labels["absorption"])
        ax.bar_label(b1, labels=[labels["fmt"](Decimal(str(v))) if v else "–" for v in score], fontsize=7, padding=2)
        ax.bar_label(
            b2, labels=[labels["fmt"](Decimal(str(v))) if v else "–" for v in absorption], fontsize=7, padding=2
        )
        ax.set_xticks(list(x), years)
        ax.set_ylim(0, 115)
        ax.legend(loc="upper left", frameon=False, fontsize=7, ncols=2)
        fig.tight_layout()
        return _save(fig, fmt)

    def picture() -> tuple[Any, ...]:
        score = [_f(r[1]) for r in rows]
        absorption = [_f(r[2]) for r in rows]
        return (
            "history",
            tuple(str(r[0]) for r in rows),
            tuple(score),
            tuple(absorption),
            tuple(str(labels["fmt"](Decimal(str(v)))) if v else "–" for v in score + absorption),
            str(labels["score"]),
            str(labels["absorption"]),
        )

    return _kept(picture, draw)


def unit_chart(units: Sequence[tuple[str, Any, Any, Any, Any]], labels: dict[str, Any]) -> Callable[[str], bytes]:
    """Per unit: physical and financial realisation against plan (cumulative %) for the monitoring report."""

    def draw(fmt: str) -> bytes:
        fig, ax = plt.subplots(figsize=(7, 0.9 + 0.55 * max(len(units), 1)))
        names = [u[0] for u in units]
        y = range(len(names))
        ax.barh([i - 0.3 for i in y], [_f(u[1]) for u in units], height=0.2, color=GREY, label=labels["physical_plan"])
        ax.barh([i - 0.1 for i in y], [_f(u[2]) for u in units], height=0.2, color=BLUE, label=labels["physical"])
        ax.barh(
            [i + 0.1 for i in y], [_f(u[3]) for u in units], height=0.2, color="#c9ced6", label=labels["financial_plan"]
        )
        ax.barh([i + 0.3 for i in y], [_f(u[4]) for u in units], height=0.2, color=ORANGE, label=labels["financial"])
        ax.set_yticks(list(y), names)
        ax.invert_yaxis()
        ax.set_xlim(0, 110)
        ax.set_xlabel("%")
        # The legend goes above the plot, outside it, so it never covers a bar.
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.01), frameon=False, fontsize=7, ncols=4)
        fig.tight_layout()
        return _save(fig, fmt)

    def picture() -> tuple[Any, ...]:
        return (
            "unit",
            tuple((str(u[0]), *(_f(v) for v in u[1:5])) for u in units),
            *(str(labels[k]) for k in ("physical_plan", "physical", "financial_plan", "financial")),
        )

    return _kept(picture, draw)
