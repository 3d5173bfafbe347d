"""How long the LAKIP takes in each format (and the quarterly monitoring report), written to
bench/results/reports.json. Run against a database with the demo loaded (or a scale-generated one):

    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python bench/report_bench.py [--year 2017] [--repeat 3]
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def main() -> None:
    import django

    django.setup()
    from mitra.performance.models import QuarterEntry, SubActivity
    from mitra.reports import generate

    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2017)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "reports.json"))
    args = parser.parse_args()
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
        t = time.perf_counter()
        generate.generate(kind, args.year, "pdf", "id", quarter)
        generate.generate(kind, args.year, "pdf", "id", quarter)
        results[f"{kind}.pdf_cached_second_call"] = {"seconds": round(time.perf_counter() - t, 3)}
    report = {
        "year": args.year,
        "repeat": args.repeat,
        "scale": {
            "sub_activities": SubActivity.objects.filter(year=args.year).count(),
            "quarter_entries": QuarterEntry.objects.filter(sub_activity__year=args.year).count(),
        },
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count(), "platform": platform.platform()},
        "results": results,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
