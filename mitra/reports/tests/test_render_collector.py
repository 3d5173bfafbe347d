"""Rendering runs with Python's cycle collector paused (mitra.core.collector, issue 17): charts and every format,
and the collector is back as it was afterwards, also when rendering fails."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from weasyprint import HTML

from mitra.reports import charts, generate
from mitra.reports.model import Chart, Paragraph, Report, Section


def _report(draw: Any) -> Report:
    section = Section("s", "Bagian", [Paragraph(["Teks."]), Chart("c", "Gambar", draw)])
    return Report("lakip", "Uji", "Biro", 2017, "id", "Badan", [section], {})


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html", "xlsx"])
def test_rendering_runs_with_the_cycle_collector_paused(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, bool]] = []
    write_pdf = HTML.write_pdf

    def watched_pdf(self: HTML, *args: Any, **kwargs: Any) -> Any:
        seen.append(("write_pdf", gc.isenabled()))
        return write_pdf(self, *args, **kwargs)

    def draw(image: str) -> bytes:
        seen.append(("chart", gc.isenabled()))
        return _SVG if image.startswith("svg") else _PNG

    monkeypatch.setattr(HTML, "write_pdf", watched_pdf)
    assert gc.isenabled()
    assert generate.render(_report(draw), fmt)
    assert gc.isenabled()
    expected = {"pdf": ["chart", "write_pdf"], "docx": ["chart"], "html": ["chart"], "xlsx": []}[fmt]
    assert [what for what, _enabled in seen] == expected
    assert not any(enabled for _what, enabled in seen)


def test_each_format_draws_its_charts_once_and_the_pdf_with_their_words_as_text() -> None:
    """The PDF's charts are SVG with text in the charts' font, which WeasyPrint draws far faster than the outlines
    of glyphs (issue 17); the HTML download keeps the outlines (a browser may lack the font)."""
    for fmt, image in (("pdf", "svg-text"), ("html", "svg"), ("docx", "png")):
        drawn: list[str] = []

        def draw(image: str, drawn: list[str] = drawn) -> bytes:
            drawn.append(image)
            return _SVG if image.startswith("svg") else _PNG

        generate.render(_report(draw), fmt)
        assert drawn == [image], fmt
    quarters = [{"quarter": q, "physical": 25 * q, "physical_plan": 25 * q} for q in (1, 2, 3, 4)]
    labels = {"quarter": "TW %(q)s", "plan": "Rencana", "realised": "Realisasi", "fmt": str}
    chart = charts.quarter_chart(quarters, labels, "physical")
    assert b">Realisasi</text>" in chart(charts.SVG_TEXT)
    assert b"<text" not in chart("svg")


def test_the_collector_is_resumed_when_rendering_fails() -> None:
    def broken(image: str) -> bytes:
        raise RuntimeError("matplotlib failed")

    with pytest.raises(RuntimeError):
        generate.render(_report(broken), "pdf")
    assert gc.isenabled()


_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
# A 1×1 white PNG (DOCX draws its charts as PNG).
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8ffff3f0005fe02fe"
    "a7359a8b0000000049454e44ae426082"
)
