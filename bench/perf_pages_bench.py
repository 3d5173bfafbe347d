"""A focused timing of the pages the indicator sources feed, in process (Django test client, a signed-in
administrator), with their query counts; prints a table, writes nothing:

    .venv/bin/python bench/perf_pages_bench.py --database var/bench/scale-100.sqlite3 [--year 2017] [--repeat 7]

`--database` is a SQLite file or a database URL (postgres://user:password@host:port/mitra_bench_100).

The pages: the performance year and measurement pages, the key indicator's page, the on-time list, and
`mitra measurement --year YEAR` (the command, output discarded). Each is requested once to warm up (menu badges,
caches), then `--repeat` times; the median and the worst are printed. bench/run.py measures the same pages
through gunicorn, with the other pages, when it is run with `--scales 100` (long).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="a SQLite file, or a database URL")
    parser.add_argument("--year", type=int, default=2017)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    database = args.database
    os.environ["DATABASE_URL"] = database if "://" in database else f"sqlite:///{Path(database).resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client

    from mitra.core.models import User

    settings.DEBUG = True  # to count queries
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    assert user is not None, "no administrator in the database"
    from django.contrib.auth.signals import user_logged_in

    client = Client()
    receivers, user_logged_in.receivers = user_logged_in.receivers, []  # no audit entry (nor key) for this sign-in
    client.force_login(user)
    user_logged_in.receivers = receivers
    y = args.year
    pages = [
        ("performance year", f"/kinerja/{y}/"),
        ("performance measurement", f"/kinerja/{y}/pengukuran/"),
        ("key indicator", f"/kerjasama/indikator/cooperation.developments/{y}/"),
        ("travel on time", f"/perjalanan/tepat-waktu/{y}/"),
    ]

    def command() -> None:
        call_command("measurement", year=y, stdout=io.StringIO())

    def timed(run: object) -> tuple[list[float], int]:
        times, queries = [], 0
        for i in range(args.repeat + 1):
            reset_queries()
            start = time.perf_counter()
            run()  # type: ignore[operator]
            elapsed = time.perf_counter() - start
            if i:  # the first is the warm-up
                times.append(elapsed * 1000)
                queries = len(connection.queries)
        return times, queries

    print(f"{'page':28} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for name, url in pages:

        def get(url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        times, queries = timed(get)
        print(f"{name:28} {statistics.median(times):10.1f} {max(times):8.1f} {queries:8d}")
    times, queries = timed(command)
    print(f"{'mitra measurement':28} {statistics.median(times):10.1f} {max(times):8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
