"""scripts/run-steps.py, the runner of `make test`: stages, lanes side by side, each step's log in one piece, and a
failure anywhere fails the whole with its log shown."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MAKEFILE = """\
first:
\t@echo first-output
slow:
\t@echo slow-begins; sleep 1; echo slow-ends
quick:
\t@echo quick-begins; echo quick-ends
burn:
\t@python3 -c "sum(range(20_000_000))"; echo burnt
broken:
\t@echo broken-says-why; sleep 0.5; exit 3
long:
\t@echo long-begins; sleep 30; echo long-ends
after:
\t@echo after-output
"""


def run(tmp_path: Path, plan: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "Makefile").write_text(MAKEFILE)
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "scripts" / "run-steps.py"), "make", plan],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_lanes_run_side_by_side_and_each_log_is_printed_whole(tmp_path: Path) -> None:
    result = run(tmp_path, "first ; slow burn & quick after")
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    # Each step's output in one piece, under its own heading, then its time.
    for step, lines in [("slow", ["slow-begins", "slow-ends"]), ("quick", ["quick-begins", "quick-ends"])]:
        block = out[out.index(f"==> make {step}\n") :]
        assert block.splitlines()[1:3] == lines
        assert block.splitlines()[3].startswith(f"==> {step}: ok (")
    # The second lane did not wait for the first: `quick` and `after` ended before `slow`.
    assert out.index("==> after: ok") < out.index("==> slow: ok")
    # The first stage ended before the second began.
    assert out.index("==> first: ok") < out.index("==> make slow: started")
    summary = out[out.index("Summary") :]
    for step in ("first", "slow", "burn", "quick", "after"):
        assert f"  {step} " in summary
    assert "burn           lane 1  ok" in summary and "quick          lane 2  ok" in summary
    assert "make test: all checks passed in" in out
    assert (tmp_path / "var" / "make-test" / "burn.log").read_text().strip() == "burnt"


def test_a_failure_stops_the_other_lane_shows_its_log_and_fails(tmp_path: Path) -> None:
    result = run(tmp_path, "first ; broken after & long after ; after")
    out = result.stdout
    assert result.returncode == 1
    assert "broken-says-why" in out and "==> broken: FAILED (exit 2;" in out
    # The long step was stopped (not waited for: well under its 30 s), nothing after it started.
    assert "==> long: stopped (another step failed" in out and "long-ends" not in out
    assert "after-output" not in out and "==> make after: started" not in out
    summary = out[out.index("Summary") :]
    assert summary.count("not run") == 3
    assert "make test: FAILED at broken after" in out
