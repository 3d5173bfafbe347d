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
    """The commit measured, and whether the working tree had changes (outside bench/) on top of it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(  # outside bench/, which the benchmarks themselves write
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} with uncommitted changes" if changed else head


def pages_section(runs: list[dict]) -> list[str]:
    lines = ["## Pages through a real server (gunicorn, 1 worker, SQLite)", ""]
    by_scale = {run["scale"]: run for run in runs}
    scales = sorted(by_scale)
    for run in runs:
        built = f"built in {run['build_seconds']} s (0 = reused)"
        if "generate_seconds" in run:
            built += f": synthetic data {run['generate_seconds']} s"
        if "search_rebuild_seconds" in run:
            built += f", search index rebuild {run['search_rebuild_seconds']} s ({run['search_entries']} entries)"
        if "build_peak_memory_mib" in run:
            built += f"; build peak memory {run['build_peak_memory_mib']} MiB"
        measured = f" (commit {run['commit']})" if "commit" in run else ""
        lines.append(
            f"- scale {run['scale']}{measured}: database {run['database_mib']} MiB, {built}; server peak memory "
            f"{run['server_peak_memory_mib']} MiB"
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


def search_section(data: dict) -> list[str]:
    lines = [
        "## Search (`mitra.search.selectors.search` with facets, in process)",
        "",
        "| backend, size | entries | build s | index rebuild s | p50 ms | p95 ms | aim p95 < 50 ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, run in sorted(data.items()):
        verdict = "met" if run["p95_ms"] < 50 else "MISSED"
        if "commit" in run:
            key += f" (commit {run['commit']})"
        rebuild = run["rebuild_s"] if run["rebuild_s"] is not None else "–"
        if run.get("rebuild_entries_per_s"):
            rebuild = f"{rebuild} ({run['rebuild_entries_per_s']}/s)"
        built = run["built_s"] if run["built_s"] is not None else "–"
        lines.append(
            f"| {key} | {run['entries']} | {built} | {rebuild} | {run['p50_ms']} | {run['p95_ms']} | {verdict} |"
        )
    lines += ["", "Per query (p50 / p95 ms, hits):", ""]
    keys = sorted(data)
    queries = list(next(iter(data.values()))["queries"]) if data else []
    lines += ["| query | " + " | ".join(keys) + " |", "|" + " --- |" * (1 + len(keys))]
    for query in queries:
        cells = []
        for key in keys:
            q = data[key]["queries"].get(query)
            about = "about " if q and q.get("estimated") else ""
            cells.append(f"{q['p50_ms']} / {q['p95_ms']} ({about}{q['hits']})" if q else "–")
        lines.append(f"| `{query}` | " + " | ".join(cells) + " |")
    return [*lines, ""]


def reports_section(data: dict) -> list[str]:
    if "results" in data:  # one run in the old layout
        data = {"N=0": data}
    keys = sorted(data, key=lambda k: (len(k), k))
    lines = ["## Reports (median seconds of `mitra.reports.generate.generate`, without the cache)", ""]
    for key in keys:
        scale = data[key].get("scale", {})
        measured = f" (commit {data[key]['commit']})" if "commit" in data[key] else ""
        lines.append(f"- {key}{measured}: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in scale.items()))
    lines += ["", "| report.format | " + " | ".join(keys) + " | aim (LAKIP < 5 s) |", "|" + " --- |" * (2 + len(keys))]
    names = list(data[keys[0]]["results"])
    for name in names:
        cells, worst = [], 0.0
        for key in keys:
            r = data[key]["results"].get(name, {})
            value = r.get("median_s", r.get("seconds"))
            worst = max(worst, value or 0.0)
            cells.append("–" if value is None else f"{value}")
        verdict = ""
        if name.startswith("lakip.") and "median_s" in data[keys[0]]["results"].get(name, {}):
            verdict = "met" if worst < 5 else "MISSED"
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {verdict} |")
    return [*lines, ""]


def imports_section(data: dict) -> list[str]:
    keys = sorted(data, key=lambda k: (len(k), k))
    lines = [
        "## Excel imports (rows per second through the services: validation, audit, search index)",
        "",
        "| import | " + " | ".join(f"{k} rows/s" for k in keys) + " |",
        "|" + " --- |" * (1 + len(keys)),
    ]
    for name in [n for n in data[keys[0]] if n != "commit"]:
        cells = [
            f"{data[k][name]['rows_per_second']} ({data[k][name]['rows']} rows, {data[k][name]['seconds']} s)"
            if name in data[k]
            else "–"
            for k in keys
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    commits = sorted({str(data[k]["commit"]) for k in keys if "commit" in data[k]})
    if commits:
        lines += ["", "Measured at commit " + ", ".join(commits) + "."]
    return [*lines, ""]


def generic_section(name: str, data: object) -> list[str]:
    lines = [f"## {name}", "", "```json", json.dumps(data, indent=2, ensure_ascii=False)[:6000], "```", ""]
    return lines


def main() -> None:
    lines = [
        "# Benchmark results",
        "",
        f"- machine: {machine()}",
        f"- commit when this file was written: {commit()} (each section names the commit it measured, when recorded)",
        f"- date: {dt.date.today().isoformat()}",
        "- command: `make bench` (bench/run.py and the other bench/*.py scripts, then bench/report.py)",
        "",
    ]
    reading = ROOT / "bench" / "READING.md"
    if reading.exists():
        lines += [reading.read_text().strip(), ""]
    order = {"pages": 0, "search": 1, "reports": 2, "imports": 3}
    for path in sorted(RESULTS.glob("*.json"), key=lambda p: (order.get(p.stem, 9), p.stem)):
        data = json.loads(path.read_text())
        if path.stem == "pages":
            lines += pages_section(data)
        elif path.stem == "search":
            lines += search_section(data)
        elif path.stem == "reports":
            lines += reports_section(data)
        elif path.stem == "imports":
            lines += imports_section(data)
        else:
            lines += generic_section(path.stem, data)
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines) + "\n")
    combined = {p.stem: json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))}
    (ROOT / "bench" / "results.json").write_text(json.dumps(combined, indent=2, ensure_ascii=False) + "\n")
    print("wrote bench/RESULTS.md and bench/results.json")


if __name__ == "__main__":
    main()
