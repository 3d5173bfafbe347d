"""Write bench/RESULTS.md from bench/results/*.json: the machine, the commit, the date and every figure, with the
aims of issue 9 checked for the page timings. The reading of the figures (causes, what was done) is kept in
bench/READING.md, written by people, and included as it is."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}){memory}, Python "
        f"{platform.python_version()}"
    )


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def pages_section(runs: list[dict]) -> list[str]:
    lines = ["## Pages through a real server (gunicorn, 1 worker, SQLite)", ""]
    by_scale = {run["scale"]: run for run in runs}
    scales = sorted(by_scale)
    for run in runs:
        lines.append(
            f"- scale {run['scale']}: database {run['database_mib']} MiB, built in "
            f"{run['build_seconds']} s (0 = reused), server peak memory {run['server_peak_memory_mib']} MiB"
        )
    lines.append("")
    header = "| page | " + " | ".join(f"N={s} median ms | N={s} p95 ms | N={s} queries" for s in scales)
    lines += [header + " | aims |", "|" + " --- |" * (1 + 3 * len(scales) + 1)]
    names = list(by_scale[scales[0]]["pages"])
    floor = {s: by_scale[s]["pages"].get("floor (/ping/)", {}).get("median_ms") for s in scales}
    for name in names:
        cells = []
        for s in scales:
            page = by_scale[s]["pages"].get(name, {})
            if "median_ms" not in page:
                cells += [f"HTTP {page.get('status', '–')}", "", ""]
                continue
            cells += [str(page["median_ms"]), str(page["p95_ms"]), str(page.get("queries", "–"))]
        verdict = ""
        if len(scales) >= 2 and name != "floor (/ping/)":
            small, large = by_scale[scales[0]]["pages"].get(name, {}), by_scale[scales[-1]]["pages"].get(name, {})
            if "median_ms" in small and "median_ms" in large:
                growth = large["median_ms"] / small["median_ms"] if small["median_ms"] else 0
                over_floor = large["median_ms"] / floor[scales[-1]] if floor[scales[-1]] else 0
                ok = growth <= 1.5 and over_floor <= 5
                verdict = f"{'met' if ok else 'MISSED'}: ×{growth:.2f} vs N={scales[0]}, ×{over_floor:.1f} floor"
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {verdict} |")
    lines += [
        "",
        "Aims (issue 9): each page's median at the largest scale within 1.5× its median at N=1 and within "
        "5× the floor at that scale.",
        "",
    ]
    return lines


def generic_section(name: str, data: object) -> list[str]:
    lines = [f"## {name}", "", "```json", json.dumps(data, indent=2, ensure_ascii=False)[:6000], "```", ""]
    return lines


def main() -> None:
    lines = [
        "# Benchmark results",
        "",
        f"- machine: {machine()}",
        f"- commit: {commit()}",
        f"- date: {dt.date.today().isoformat()}",
        "- command: `make bench` (bench/run.py and the other bench/*.py scripts, then bench/report.py)",
        "",
    ]
    reading = ROOT / "bench" / "READING.md"
    if reading.exists():
        lines += [reading.read_text().strip(), ""]
    for path in sorted(RESULTS.glob("*.json")):
        data = json.loads(path.read_text())
        if path.stem == "pages":
            lines += pages_section(data)
        else:
            lines += generic_section(path.stem, data)
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines) + "\n")
    combined = {p.stem: json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))}
    (ROOT / "bench" / "results.json").write_text(json.dumps(combined, indent=2, ensure_ascii=False) + "\n")
    print("wrote bench/RESULTS.md and bench/results.json")


if __name__ == "__main__":
    main()
