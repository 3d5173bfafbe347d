"""Throughput of the Excel imports (rows per second), through mitra.exchange.imports.run as the upload page calls
it: every row goes through the partners/registry services (permission, validation, audit entry, search index).

    .venv/bin/python bench/import_bench.py [--rows 1000] [--scales 0 100]

For each scale it copies var/bench/scale-N.sqlite3 (var/bench/demo.sqlite3 for N=0; built by bench/run.py's build
when missing) to a scratch file, so the measured database is never changed, and imports a generated workbook of
`--rows` partner institutions, of `--rows` meetings and of `--rows` agreements: once as the preview (rolled back)
and once committed.
Results are merged into bench/results/imports.json under "N=<scale>".
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
OUTPUT = ROOT / "bench" / "results" / "imports.json"
COUNTRIES = ["KR", "JP", "TH", "MY", "SG", "AU", "US", "CH", "IT", "CN"]


def workbook(kind: str, rows: int) -> bytes:
    from openpyxl import Workbook

    from mitra.cooperation.models import Cooperation
    from mitra.exchange.imports import LIST_KINDS

    if kind == "agreements":  # a cooperation whose title names it alone (the import looks it up by title)
        titles = Cooperation.objects.values_list("title", flat=True).order_by("pk")[:50]
        cooperation = next(t for t in titles if Cooperation.objects.filter(title__iexact=t).count() == 1)

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([c.header for c in LIST_KINDS[kind].columns])
    for i in range(rows):
        if kind == "partners":
            sheet.append(
                [
                    *(f"Imported Agency {i:05d}", f"Badan Impor {i:05d}", f"IMP{i:05d}", "regulator"),
                    *(COUNTRIES[i % 10], "https://example.invalid", "Imported for the benchmark"),
                ]
            )
        elif kind == "agreements":
            day = dt.date(2017, 1, 2) + dt.timedelta(days=i % 360)
            sheet.append(
                [
                    *(cooperation, "mou", f"IMP/{i:05d}", f"Perjanjian impor {i:05d}", "", "Jakarta", day),
                    *(None, None, 60, "ksln-bm", "Imported for the benchmark"),
                ]
            )
        else:
            day = dt.date(2017, 1, 2) + dt.timedelta(days=i % 360)
            sheet.append(
                [
                    *(f"Pertemuan impor {i:05d}", "PPWG", "", day, day + dt.timedelta(days=2), "Bangkok"),
                    *(COUNTRIES[i % 10], "in_person", "ya", "ksln-reg", "Imported for the benchmark"),
                ]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def measure(rows: int) -> dict[str, dict[str, float | int]]:
    import django

    django.setup()
    from mitra.core.models import User
    from mitra.exchange import imports

    admin = User.objects.get(username="admin")
    out: dict[str, dict[str, float | int]] = {}
    for kind in ("partners", "meetings", "agreements"):
        imports.run(kind, workbook(kind, 10), actor=admin, commit=False)  # warm-up: imports, stemmer, caches
        content = workbook(kind, rows)
        for commit in (False, True):
            started, cpu = time.perf_counter(), time.process_time()
            result = imports.run(kind, content, actor=admin, commit=commit)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            if not result.ok:
                raise SystemExit(f"{kind}: the import refused rows: {result.all_errors[:3]}")
            out[f"{kind}.{'commit' if commit else 'preview'}"] = {
                "rows": len(result.rows),
                "seconds": round(seconds, 2),
                "rows_per_second": round(len(result.rows) / seconds, 1),
                # this process's CPU time: less dependent on what else the machine runs than the seconds
                "cpu_seconds": round(cpu, 2),
                "rows_per_cpu_second": round(len(result.rows) / cpu, 1),
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--scales", type=int, nargs="+", default=[0, 100])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one scale, in its own process (Django is set up once per process)
        os.environ["DATABASE_URL"] = f"sqlite:///{args.child}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        print(json.dumps(measure(args.rows)))
        return
    from report import commit
    from run import build

    data = json.loads(OUTPUT.read_text()) if OUTPUT.exists() else {}
    for scale in args.scales:
        source = build(scale, rebuild=False)[0].path
        scratch = source.with_name(f"import-{scale}.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
        with sqlite3.connect(source) as src, sqlite3.connect(scratch) as dst:
            src.backup(dst)
        try:
            result = subprocess.run(
                [sys.executable, __file__, "--rows", str(args.rows), "--child", str(scratch)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
        except subprocess.CalledProcessError as error:
            sys.stderr.write(error.stdout + error.stderr)
            raise
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{scratch}{suffix}").unlink(missing_ok=True)
        data[f"N={scale}"] = {"commit": commit(), **json.loads(result.stdout.strip().splitlines()[-1])}
        print(json.dumps({f"N={scale}": data[f"N={scale}"]}, indent=2))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(data, indent=2) + "\n")


if __name__ == "__main__":
    main()
