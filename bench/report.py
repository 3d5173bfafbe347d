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


def query_growth(by_scale: dict[int, dict], scales: list[int], name: str) -> str:
    """'flat' when a page makes as many queries at every scale, else the counts per scale ('grew: 24 → 26')."""
    counts = [by_scale[s]["pages"].get(name, {}).get("queries") for s in scales]
    if len(scales) < 2 or None in counts:
        return ""
    if len(set(counts)) == 1:
        return "flat"
    return f"{'grew' if counts[-1] > counts[0] else 'changed'}: " + " → ".join(str(c) for c in counts)


def pages_section(runs: list[dict], backend: str = "SQLite") -> list[str]:
    lines = [f"## Pages through a real server (gunicorn, 1 worker, {backend})", ""]
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
    lines += [header + " | queries across scales | aims |", "|" + " --- |" * (1 + 3 * len(scales) + 2)]
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
                ok = growth <= 1.5 and large["p95_ms"] < 100
                verdict = (
                    f"{'met' if ok else 'MISSED'}: ×{growth:.2f} vs N={scales[0]}, p95 {large['p95_ms']} ms "
                    f"(×{over_floor:.1f} floor)"
                )
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {query_growth(by_scale, scales, name)} | {verdict} |")
    lines += [
        "",
        "Aims (issue 17): every page's median at the largest scale within 1.5× its median at N=1, and its p95 "
        "there under 100 ms (issue 9 asked for 5× the floor instead of the p95; the ratio is still shown). "
        "Queries across scales: the page's query count at each scale (Django's test client, second request); "
        "'flat' when it is the same at every scale.",
        "",
    ]
    return lines


def search_section(data: dict) -> list[str]:
    lines = [
        "## Search (`mitra.search.selectors.search` with facets, in process)",
        "",
        "| backend, size | entries | build s | index rebuild s | p50 ms | p95 ms | cold p95 ms | aim p95 < 50 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
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
            f"| {key} | {run['entries']} | {built} | {rebuild} | {run['p50_ms']} | {run['p95_ms']} | "
            f"{run.get('cold_p95_ms', '–')} | {verdict} |"
        )
    lines += [
        "",
        "Cold p95: each query's first search after the index changed, when SQLite's backend reads its words and their"
        " document counts again (it keeps them per process while the index is unchanged); on PostgreSQL the same"
        " path as the warm one.",
        "",
        "Per query (p50 / p95 ms, hits):",
        "",
    ]
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
    keys = sorted((k for k in data if k.startswith("N=")), key=lambda k: (len(k), k))
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
    for key in sorted(k for k in data if k.startswith("demo build")):
        build = data[key]
        lines += [
            "",
            f"`mitra demo --scale {build['scale']}` ({key}, commit {build['commit']}): "
            f"{build['total_seconds']} s in all — demo loader {build['loader_seconds']} s, "
            f"synthetic data {build['generate_seconds']} s, "
            f"search index rebuild {build['search_rebuild_seconds']} s; aim under 120 s: "
            + ("met" if build["total_seconds"] < 120 else "MISSED")
            + ".",
        ]
    return [*lines, ""]


def concurrency_section(data: dict) -> list[str]:
    """bench/concurrency_bench.py: one block per backend and size."""
    lines = ["## Concurrency (simultaneous signed-in users against gunicorn; bench/concurrency_bench.py)", ""]
    kinds = ["read", "search", "edit form", "save", "download"]
    for label, run in data.items():
        mix = ", ".join(f"{k} {round(v * 100)} %" for k, v in run["mix"].items())
        built = f"; database loaded in {run['build_seconds']} s" if "build_seconds" in run else ""
        lines += [
            f"### {label}",
            "",
            f"- {run['server']}; commit {run['commit']}; {run['duration_s']} s per step, users looping without "
            f"pause over the mix {mix}{built}",
        ]
        if run["steps"]:
            lines += [
                "",
                "| users | requests/s | p50 ms | p95 ms | error rate | "
                + " | ".join(f"{k} p50 / p95 ms" for k in kinds)
                + " | database locked | worker timeouts |",
                "|" + " --- |" * (7 + len(kinds)),
            ]
        for step in run["steps"]:
            everything = step["kinds"]["all"]
            cells = [
                f"{step['kinds'][k]['p50_ms']} / {step['kinds'][k]['p95_ms']}" if k in step["kinds"] else "–"
                for k in kinds
            ]
            lines.append(
                f"| {step['users']} | {everything['per_second']} | {everything['p50_ms']} | {everything['p95_ms']} | "
                f"{everything['error_rate'] * 100:.1f} % | " + " | ".join(cells) + f" | {step['database_locked']} | "
                f"{step['worker_timeouts']} |"
            )
        failures = {f"{s['users']} users": s["failures"] for s in run["steps"] if s.get("failures")}
        if failures:
            lines += ["", "Failures by kind and status: " + "; ".join(f"{k}: {v}" for k, v in failures.items())]
        lines += [
            "",
            "Writers only (every user saves a publication through its edit form, again and again):",
            "",
            "| writers | saves/s | save p50 ms | save p95 ms | edit form p95 ms | save errors | database locked |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for step in run["writer_steps"]:
            save = step["kinds"].get("save", {})
            form = step["kinds"].get("edit form", {})
            lines.append(
                f"| {step['users']} | {save.get('per_second', '–')} | {save.get('p50_ms', '–')} | "
                f"{save.get('p95_ms', '–')} | {form.get('p95_ms', '–')} | {save.get('errors', '–')} | "
                f"{step['database_locked']} |"
            )
        point = run.get("save_queue_point")
        lines += [
            "",
            "Saves start to queue (first step whose save p95 is above twice the one-writer p95, or with errors): "
            + (f"at {point['users']} writers ({point['reason']}: {point['p95_ms']} ms)" if point else "not reached"),
        ]
        memory = run["memory"]
        # The aim is in MB (10^6 bytes); VmHWM is read in MiB (2^20 bytes).
        peak_mb = round(memory["max_worker_mib"] * 2**20 / 10**6, 1)
        verdict = "met" if peak_mb < 250 else "MISSED"
        lines += [
            "",
            f"Peak memory (VmHWM) per worker: {', '.join(f'{m} MiB' for m in memory['workers_mib'])} (master "
            f"{memory['master_mib']} MiB); aim under 250 MB per worker: {verdict} ({memory['max_worker_mib']} MiB "
            f"= {peak_mb} MB).",
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
        f"- commit when this file was written: {commit()} (each section names the commit it measured, when recorded)",
        f"- date: {dt.date.today().isoformat()}",
        "- command: `make bench` (bench/run.py and the other bench/*.py scripts, then bench/report.py)",
        "",
    ]
    reading = ROOT / "bench" / "READING.md"
    if reading.exists():
        lines += [reading.read_text().strip(), ""]
    order = {"pages": 0, "pages-postgresql": 0.5, "search": 1, "reports": 2, "imports": 3, "concurrency": 4}
    for path in sorted(RESULTS.glob("*.json"), key=lambda p: (order.get(p.stem, 9), p.stem)):
        data = json.loads(path.read_text())
        if path.stem == "pages":
            lines += pages_section(data)
        elif path.stem == "pages-postgresql":
            lines += pages_section(data, "PostgreSQL")
        elif path.stem == "search":
            lines += search_section(data)
        elif path.stem == "reports":
            lines += reports_section(data)
        elif path.stem == "imports":
            lines += imports_section(data)
        elif path.stem == "concurrency":
            lines += concurrency_section(data)
        else:
            lines += generic_section(path.stem, data)
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines) + "\n")
    combined = {p.stem: json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))}
    (ROOT / "bench" / "results.json").write_text(json.dumps(combined, indent=2, ensure_ascii=False) + "\n")
    print("wrote bench/RESULTS.md and bench/results.json")


if __name__ == "__main__":
    main()
