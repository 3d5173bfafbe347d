"""Charts (the reports' and the evaluator's) are kept per process by everything they show (charts._kept): the same
picture is not drawn again, and any change of a number, a label or the language gives a new one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from mitra.reports import charts


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The formats of the charts drawn (saved) from here on, with none kept from before."""
    formats: list[str] = []
    save = charts._save

    def counted(fig: Any, fmt: str) -> bytes:
        formats.append(fmt)
        return save(fig, fmt)

    monkeypatch.setattr(charts, "_save", counted)
    charts._DRAWN.clear()
    return formats


def _quarters(real: str) -> list[dict]:
    return [{"quarter": q, "physical_plan": Decimal(25 * q), "physical": Decimal(real) * q} for q in range(1, 5)]


def _labels() -> dict:
    return {"quarter": _("Q%(q)s"), "plan": _("Plan"), "realised": _("Realisation"), "fmt": lambda v: f"{v:.2f}"}


def test_the_same_picture_is_drawn_once_and_any_change_draws_again(drawn: list[str]) -> None:
    first = charts.quarter_chart(_quarters("20"), _labels(), "physical")("svg")
    assert charts.quarter_chart(_quarters("20"), _labels(), "physical")("svg") == first
    assert drawn == ["svg"]
    # Another number, another format, another language: drawn again, and a different file.
    assert charts.quarter_chart(_quarters("21"), _labels(), "physical")("svg") != first
    assert charts.quarter_chart(_quarters("20"), _labels(), "physical")("png").startswith(b"\x89PNG")
    with translation.override("en"):
        english = charts.quarter_chart(_quarters("20"), _labels(), "physical")("svg")
    with translation.override("id"):
        indonesian = charts.quarter_chart(_quarters("20"), _labels(), "physical")("svg")
    assert english != indonesian
    assert indonesian == first  # the tests' language: the first picture, kept
    assert drawn == ["svg", "svg", "png", "svg"]


def test_every_chart_kind_is_kept_by_what_it_shows() -> None:
    labels = {"score": "Nilai", "absorption": "Serapan", "fmt": str}
    unit_labels = {"physical_plan": "a", "physical": "b", "financial_plan": "c", "financial": "d"}
    pairs = [
        (charts.breakdown_chart([("Umur", [("20-30", 3)])]), charts.breakdown_chart([("Umur", [("20-30", 4)])])),
        (
            charts.history_chart([("2016", Decimal(70), Decimal(90))], labels),
            charts.history_chart([("2016", Decimal(71), Decimal(90))], labels),
        ),
        (
            charts.unit_chart([("Bilateral", 10, 20, 30, 40)], unit_labels),
            charts.unit_chart([("Bilateral", 10, 20, 30, 41)], unit_labels),
        ),
    ]
    for one, other in pairs:
        assert one("svg") != other("svg")
        assert one("svg") == one("svg")


def test_the_evaluators_charts_are_kept_too(drawn: list[str]) -> None:
    from mitra.reports.evaluator import indicator_years_chart, organisation_chart

    labels = {"target": "Target", "realised": "Realisasi", "final": "Target akhir", "fmt": lambda v: f"{v:.1f}"}

    def years(realised: str, final: str | None = "90", **more: Any) -> bytes:
        chart = indicator_years_chart(
            ["2016", "2017"],
            [Decimal(80), None],
            [Decimal(realised), Decimal(75)],
            None if final is None else Decimal(final),
            {**labels, **more},
        )
        return chart("svg")

    first = years("70")
    assert years("70") == first and len(drawn) == 1
    for other in (years("71"), years("70", final="95"), years("70", final=None), years("70", target="Sasaran")):
        assert other != first
    assert len(drawn) == 5
    tree = ("Biro", [("Bagian A", ["Sub A1"]), ("Bagian B", [])])
    chart = organisation_chart(tree)("svg")
    assert organisation_chart(("Biro", [("Bagian A", ["Sub A1"]), ("Bagian B", [])]))("svg") == chart
    assert len(drawn) == 6
    assert organisation_chart(("Biro", [("Bagian A", ["Sub A2"]), ("Bagian B", [])]))("svg") != chart
    assert len(drawn) == 7
