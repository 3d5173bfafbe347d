"""Rendering runs with Python's cycle collector paused (mitra.core.collector, issue 17): charts and every format,
and the collector is back as it was afterwards, also when rendering fails."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from weasyprint import HTML

from mitra.reports import generate
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
        return b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>' if image == "svg" else _PNG

    monkeypatch.setattr(HTML, "write_pdf", watched_pdf)
    assert gc.isenabled()
    assert generate.render(_report(draw), fmt)
    assert gc.isenabled()
    expected = {"pdf": ["chart", "write_pdf"], "docx": ["chart"], "html": ["chart"], "xlsx": []}[fmt]
    assert [what for what, _enabled in seen] == expected
    assert not any(enabled for _what, enabled in seen)


def test_the_collector_is_resumed_when_rendering_fails() -> None:
    def broken(image: str) -> bytes:
        raise RuntimeError("matplotlib failed")

    with pytest.raises(RuntimeError):
        generate.render(_report(broken), "pdf")
    assert gc.isenabled()


# A 1×1 white PNG (DOCX draws its charts as PNG).
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8ffff3f0005fe02fe"
    "a7359a8b0000000049454e44ae426082"
)
