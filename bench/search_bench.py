"""Search latency (p50/p95 of `mitra.search.selectors.search`, with facets, as the results page calls it).

    python bench/search_bench.py [--scale N] [--repeat 30]
    bash scripts/with-postgres.sh .venv/bin/python bench/search_bench.py        # the same on PostgreSQL

Builds a fresh database (SQLite: var/bench/search-N.sqlite3; PostgreSQL: the database DATABASE_URL names, which
must be empty), migrates, loads the demo (and `--scale N` synthetic data, then `mitra search rebuild`, since the
generator bulk-inserts without signals), attaches no extra files, then runs each query `--repeat` times after a
warm-up, and `--repeat` / 3 times "cold": with the words of the query that SQLite's backend keeps per process
forgotten (mitra.search.backends._VOCABULARIES), as for the first search after the index changed. Results are
merged into bench/results/search.json under "<vendor> N=<scale>"; run bench/report.py to refresh bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from common import SEARCH_WORDS  # noqa: E402

QUERIES = [*SEARCH_WORDS, 'zzz "*NEAR(-)^:']  # and one that is all syntax


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=0, help="synthetic scale N on top of the demo (0: demo only)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--database",
        help="measure an existing database built with `mitra demo --scale N` instead of building one: a SQLite "
        "file, or a PostgreSQL URL such as bench/run.py --postgres builds (postgres://…/mitra_bench_100); it is only "
        "read unless --rebuild; --scale then names its scale in the results",
    )
    parser.add_argument("--rebuild", action="store_true", help="with --database: time `mitra search rebuild` on it")
    parser.add_argument("--label", default="", help="appended to the results key, e.g. 'before'")
    args = parser.parse_args()
    if args.database and args.database.startswith("postgres"):
        os.environ["DATABASE_URL"] = args.database
    elif args.database:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.database).resolve()}"
    elif not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        db = ROOT / "var" / "bench" / f"search-{args.scale}.sqlite3"
        db.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from mitra.core.models import User
    from mitra.demo.loader import load_all
    from mitra.search import backends, services
    from mitra.search.models import SearchEntry
    from mitra.search.selectors import search

    started = time.monotonic()
    rebuild_s = rebuild_cpu_s = None
    if not args.database:
        call_command("migrate", verbosity=0)
        load_all()
    if args.scale and (not args.database or args.rebuild):
        from mitra.demo.scale import generate

        if not args.database:
            generate(args.scale)
        t, cpu = time.monotonic(), time.process_time()
        services.rebuild()
        rebuild_s = round(time.monotonic() - t, 2)
        # This process's CPU time (SQLite works in it): steadier than the wall clock on a loaded machine.
        rebuild_cpu_s = round(time.process_time() - cpu, 2)
    built_s = None if args.database else round(time.monotonic() - started, 1)
    user = User.objects.select_related("unit").get(username="kepala.biro")
    per_query = {}
    every, cold = [], []
    for query in QUERIES:
        search(query, user=user)  # warm-up
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            result = search(query, user=user)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        every += times
        cold_times = []
        for _ in range(max(args.repeat // 3, 1)):  # a query's first search after the index changed (SQLite)
            backends._VOCABULARIES.clear()
            t = time.perf_counter()
            search(query, user=user)
            cold_times.append((time.perf_counter() - t) * 1000)
        cold_times.sort()
        cold += cold_times
        per_query[query] = {
            "hits": result.total,
            "estimated": getattr(result, "estimated", False),
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "cold_p95_ms": round(cold_times[int(0.95 * (len(cold_times) - 1))], 2),
        }
    every.sort()
    cold.sort()
    key = f"{connection.vendor} N={args.scale or 'demo'}" + (f" {args.label}" if args.label else "")
    sys.path.insert(0, str(ROOT / "bench"))
    from report import commit

    summary = {
        "commit": commit(),
        "database": "existing copy" if args.database else "built by this run",
        "entries": SearchEntry.objects.count(),
        "built_s": built_s,
        "rebuild_s": rebuild_s,
        "rebuild_cpu_s": rebuild_cpu_s,
        "rebuild_entries_per_s": round(SearchEntry.objects.count() / rebuild_s) if rebuild_s else None,
        "repeat": args.repeat,
        "p50_ms": round(statistics.median(every), 2),
        "p95_ms": round(every[int(0.95 * (len(every) - 1))], 2),
        "cold_p95_ms": round(cold[int(0.95 * (len(cold) - 1))], 2),
        "queries": per_query,
    }
    out = ROOT / "bench" / "results" / "search.json"
    data = json.loads(out.read_text()) if out.exists() else {}
    data[key] = summary
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({key: {k: v for k, v in summary.items() if k != "queries"}}, indent=2))


if __name__ == "__main__":
    main()
