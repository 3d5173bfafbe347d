"""How long the LAKIP takes in each format (and the quarterly monitoring report), merged into
bench/results/reports.json under "N=<scale>" ("N=0" is the demo alone):

    .venv/bin/python bench/report_bench.py [--scale N] [--year 2017] [--repeat 3]
    .venv/bin/python bench/report_bench.py --database var/mitra.sqlite3     # any SQLite database with the demo

`--scale N` measures against var/bench/scale-N.sqlite3 (var/bench/demo.sqlite3 for N=0), the database bench/run.py
builds with `mitra demo --scale N`; it is built here when missing (or with `--rebuild`). Each format is generated
`--repeat` times without the report cache (the cache would answer in no time); the build of the report model (the
figures, before any rendering) is timed once on its own, and a cached PDF's second call (a cache read) too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUTPUT = ROOT / "bench" / "results" / "reports.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=0, help="synthetic scale N of the database (0: demo only)")
    parser.add_argument("--database", help="a SQLite database file to use instead of var/bench/scale-N.sqlite3")
    parser.add_argument("--rebuild", action="store_true", help="build var/bench/scale-N.sqlite3 again first")
    parser.add_argument("--year", type=int, default=2017)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args()
    if args.database:
        database = Path(args.database).resolve()
    else:
        sys.path.insert(0, str(ROOT / "bench"))
        from run import build  # bench/run.py: the same databases the page benchmark uses

        database = build(args.scale, rebuild=args.rebuild)[0].path
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from mitra.cooperation.models import Meeting
    from mitra.performance.models import QuarterEntry, SubActivity
    from mitra.reports import generate
    from mitra.travel.models import TravelRequest

    results: dict[str, dict[str, float | int]] = {}
    for kind, quarter in (("lakip", None), ("monitoring", 4)):
        start = time.perf_counter()
        generate.build(kind, args.year, "id", quarter)
        build_seconds = time.perf_counter() - start
        for fmt in ("html", "xlsx", "docx", "pdf"):
            times, size = [], 0
            for _ in range(args.repeat):
                t = time.perf_counter()
                size = len(generate.generate(kind, args.year, fmt, "id", quarter, use_cache=False).content)
                times.append(time.perf_counter() - t)
            results[f"{kind}.{fmt}"] = {
                "median_s": round(statistics.median(times), 3),
                "max_s": round(max(times), 3),
                "bytes": size,
            }
        results[f"{kind}.build_model"] = {"seconds": round(build_seconds, 3)}
        # The first call fills the report cache (MEDIA_ROOT/reports-cache) unless an earlier run left the file of
        # this data version there; only the second call, always a hit, is timed (until stop 28 both calls were, so
        # the figure was a whole PDF or a cache read depending on the earlier runs).
        generate.generate(kind, args.year, "pdf", "id", quarter)
        t = time.perf_counter()
        second = generate.generate(kind, args.year, "pdf", "id", quarter)
        results[f"{kind}.pdf_cached_second_call"] = {
            "seconds": round(time.perf_counter() - t, 3),
            "cached": second.cached,
        }
    from report import commit  # bench/report.py (bench/ is on the path: this script's directory)

    report = {
        "commit": commit(),
        "database": str(database.relative_to(ROOT)) if database.is_relative_to(ROOT) else str(database),
        "year": args.year,
        "repeat": args.repeat,
        "scale": {
            "sub_activities": SubActivity.objects.filter(year=args.year).count(),
            "quarter_entries": QuarterEntry.objects.filter(sub_activity__year=args.year).count(),
            "meetings_of_the_year": Meeting.objects.filter(start_date__year=args.year).count(),
            "travel_requests_of_the_year": TravelRequest.objects.filter(departure_date__year=args.year).count(),
        },
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count(), "platform": platform.platform()},
        "results": results,
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(out.read_text()) if out.exists() else {}
    if "results" in data:  # the old layout: one run, of the demo
        data = {}
    key = f"N={args.scale}" if not args.database else f"database {report['database']}"
    data[key] = report
    out.write_text(json.dumps(data, indent=2) + "\n")
    print(json.dumps({key: report}, indent=2))


if __name__ == "__main__":
    main()
