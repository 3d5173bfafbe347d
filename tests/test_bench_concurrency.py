"""The statistics and form handling of bench/concurrency_bench.py (the benchmark itself runs with `make bench`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

_PATH = Path(__file__).resolve().parents[1] / "bench" / "concurrency_bench.py"
_SPEC = importlib.util.spec_from_file_location("concurrency_bench", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
bench: Any = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench)


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 95, 0.0),
        ([7.0], 50, 7.0),
        ([7.0], 95, 7.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.0),
        ([4.0, 3.0, 2.0, 1.0], 50, 2.0),  # unordered input
        ([float(i) for i in range(1, 101)], 95, 95.0),
        ([float(i) for i in range(1, 21)], 95, 19.0),
        ([float(i) for i in range(1, 21)], 100, 20.0),
        ([float(i) for i in range(1, 11)], 0, 1.0),
        ([float(i) for i in range(1, 11)], 95, 10.0),  # rank 9.5 rounds up
        ([1.0, 2.0, 3.0], 50, 2.0),
    ],
)
def test_percentile_is_nearest_rank(values: list[float], q: float, expected: float) -> None:
    assert bench.percentile(values, q) == expected


def test_summarise_counts_errors_and_rates_per_kind() -> None:
    samples = [("read", 0.010, True)] * 18 + [("read", 0.200, False), ("read", 0.100, True)]
    samples += [("save", 0.050, True), ("save", 0.070, False)]
    result = bench.summarise(samples, seconds=11.0)
    assert result["read"] == {
        "requests": 20,
        "errors": 1,
        "error_rate": 0.05,
        "p50_ms": 10.0,
        "p95_ms": 100.0,
        "per_second": 1.82,
    }
    assert result["save"]["p50_ms"] == 50.0 and result["save"]["p95_ms"] == 70.0
    assert result["save"]["error_rate"] == 0.5
    assert result["all"]["requests"] == 22 and result["all"]["errors"] == 2 and result["all"]["per_second"] == 2.0


def _step(users: int, p95: float, errors: int = 0, locked: int = 0) -> dict[str, Any]:
    return {"users": users, "database_locked": locked, "kinds": {"save": {"p95_ms": p95, "errors": errors}}}


def test_queue_point_is_the_first_step_whose_p95_doubles_or_that_fails() -> None:
    assert bench.queue_point([_step(1, 60), _step(2, 100), _step(5, 120)]) is None
    assert bench.queue_point([_step(1, 60), _step(2, 100), _step(5, 121), _step(10, 900)]) == {
        "users": 5,
        "reason": "p95 above 2× the first step's",
        "p95_ms": 121,
        "first_p95_ms": 60,
    }
    assert bench.queue_point([_step(1, 60), _step(2, 70, errors=1)])["users"] == 2
    assert bench.queue_point([_step(1, 60), _step(2, 70, locked=3)])["reason"] == "errors"
    assert bench.queue_point([_step(1, 60, errors=1)])["users"] == 1
    assert bench.queue_point([]) is None


def test_form_parser_submits_what_a_browser_would() -> None:
    parser = bench.FormParser()
    parser.feed(
        """
        <form method="get" action="/cari/"><input name="q" value="x"></form>
        <form method="post" action="">
          <input type="hidden" name="csrfmiddlewaretoken" value="tok">
          <input name="version" type="hidden" value="3">
          <textarea name="notes">
old &amp; notes</textarea>
          <select name="status"><option value="open">Open</option><option value="done" selected>Done</option></select>
          <select name="unit"><option value="">—</option><option value="4">B</option></select>
          <select name="sectors" multiple><option value="1" selected>a</option><option value="2">b</option>
            <option value="3" selected>c</option></select>
          <select name="tags" multiple><option value="1">a</option></select>
          <input type="checkbox" name="abroad" checked><input type="checkbox" name="active">
          <input type="file" name="evidence"><input type="submit" name="go" value="Save">
        </form>
        """
    )
    assert len(parser.forms) == 1  # the GET form is not collected
    assert parser.forms[0][1] == [
        ("csrfmiddlewaretoken", "tok"),
        ("version", "3"),
        ("notes", "old & notes"),
        ("status", "done"),
        ("unit", ""),
        ("sectors", "1"),
        ("sectors", "3"),
        ("abroad", "on"),
    ]


def test_deal_gives_every_record_to_one_client_who_may_edit_it() -> None:
    editable = {"head": [1, 2, 3, 4], "staff": [1, 2, 3, 4], "other": [7, 8], "nobody": []}
    dealt = bench.deal(editable, ["staff", "head", "other", "staff", "nobody"])
    assert dealt == {0: [1, 4], 1: [2], 2: [7, 8], 3: [3], 4: []}
    everything = [pk for pks in dealt.values() for pk in pks]
    assert sorted(everything) == [1, 2, 3, 4, 7, 8]  # each once
