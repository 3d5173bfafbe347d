"""Mitra's benchmarks: page latency through a real server at scale N=1 and N=100, query counts, and the other
timings that the other bench scripts record. Run with `make bench` (or `python bench/run.py [--scales 1 100]`).

For each scale it builds (or reuses) a SQLite database var/bench/scale-N.sqlite3 (with `--postgres URL`: the
PostgreSQL database mitra_bench_N on the server URL names, e.g. postgres://user:password@127.0.0.1:5432, or
mitra_bench_N_SUFFIX when the environment variable MITRA_BENCH_PG_SUFFIX is set) with `mitra demo --scale N`
(which also rebuilds the search index; the build's time, the search rebuild's share and the build's peak memory
are recorded), starts gunicorn for each scale on a free loopback port (the scales' servers side by side), logs in
as the leadership demo user, and requests each page `--repeat` times after a warm-up at each scale in turn before
the next page (so that a change of the machine's speed during the run weighs on every scale alike), recording the
median and p95 wall time (a page whose warm-up takes over a second gets `--slow-repeat` samples, so a slow page
cannot hold the run for an hour). Beside
them stands the floor: /ping/, which passes the same middleware and login and does nothing. Query counts come from
Django's test client in a child process against the same database. The server's peak memory (VmHWM of its
master and worker) is read from /proc.

Results go to bench/results/pages.json (pages-postgresql.json with `--postgres`); bench/report.py turns every
results file into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from common import in_django, server_peaks  # noqa: E402
from report import commit  # noqa: E402  (bench/report.py: the commit measured, and whether the tree had changes)

VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
BIN = ROOT / ".venv" / "bin"
USER, PASSWORD = "kepala.biro", "mitra-demo-2017"

# (name, path) — every main page; {forum}, {institution} … are filled from the database.
PAGES = [
    ("floor (/ping/)", "/ping/"),
    ("home", "/"),  # with the user's "my work" (tasks, approvals, deadlines) since issue 17
    ("registry dashboard", "/kerjasama/"),
    ("cooperations list", "/kerjasama/daftar/"),
    ("agreements list", "/kerjasama/perjanjian/"),
    ("position papers list", "/kerjasama/posisi/"),
    ("studies list", "/kerjasama/kajian/"),
    ("meetings list", "/kerjasama/pertemuan/"),
    ("meetings list, filtered by year", "/kerjasama/pertemuan/?year=2017"),
    ("follow-ups list", "/kerjasama/tindak-lanjut/"),
    ("outreach list", "/kerjasama/sosialisasi/"),
    ("publications list", "/kerjasama/publikasi/"),
    ("institutions list", "/mitra/instansi/"),
    ("forums list", "/mitra/forum/"),
    ("contacts list", "/mitra/kontak/"),
    ("countries list", "/mitra/negara/"),
    ("cooperation detail", "/kerjasama/daftar/{cooperation}/"),
    ("meeting detail", "/kerjasama/pertemuan/{meeting}/"),
    ("institution profile", "/mitra/instansi/{institution}/"),
    ("forum profile (ASEAN)", "/mitra/forum/{forum}/"),
    ("country profile (Indonesia)", "/mitra/negara/ID/"),
    ("key indicator 2017", "/kerjasama/indikator/cooperation.developments/2017/"),
    ("performance year", "/kinerja/2017/"),
    ("monitoring view", "/kinerja/2017/monitoring/?triwulan=4"),
    ("performance measurement", "/kinerja/2017/pengukuran/"),
    ("performance cascade (tree) 2017", "/kinerja/2017/kaskade/"),
    ("approvals inbox", "/kinerja/persetujuan/"),
    ("reports of 2017 (LAKIP revisions)", "/laporan/2017/"),
    ("LAKIP review of the next revision", "/laporan/2017/reviu/"),
    ("LAKIP issue page", "/laporan/2017/terbitkan/"),
    ("LKE worksheet 2017", "/evaluasi/2017/"),
    ("LKE component 2017", "/evaluasi/2017/{lke_component}/"),
    ("search", "/cari/?q=kerjasama"),
    ("search, two words", "/cari/?q=kerjasama+obat"),
    ("travel queue", "/perjalanan/"),
    ("travel request detail", "/perjalanan/{travel}/"),
    ("travel calendar (June 2017)", "/perjalanan/kalender/?bulan=2017-06"),
    ("travel on time 2017", "/perjalanan/tepat-waktu/2017/"),
    ("travel trips per sub-activity 2017", "/perjalanan/sub-kegiatan/2017/"),
    ("organisation", "/organisasi/"),
    ("staff list", "/organisasi/pegawai/"),
    ("audit trail", "/audit/"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Database:
    """The database a scale is measured on: a SQLite file under var/bench/, or mitra_bench_N on a PostgreSQL
    server (`--postgres`)."""

    def __init__(self, scale: int, postgres: str | None):
        self.postgres = postgres.rstrip("/") if postgres else None
        self.path = VAR / ("demo.sqlite3" if scale == 0 else f"scale-{scale}.sqlite3")
        # MITRA_BENCH_PG_SUFFIX names a private copy (mitra_bench_N_SUFFIX), so that engineers measuring a change
        # beside each other do not share, migrate or rebuild one database.
        suffix = os.environ.get("MITRA_BENCH_PG_SUFFIX", "")
        self.pg_name = f"mitra_bench_{scale}" + (f"_{suffix}" if suffix else "")
        self.url = f"{self.postgres}/{self.pg_name}" if self.postgres else f"sqlite:///{self.path}"

    def _server(self, query: Any, *params: object) -> list[tuple]:
        """Run a statement on the PostgreSQL server's maintenance database (outside any transaction)."""
        import psycopg

        with psycopg.connect(f"{self.postgres}/postgres", autocommit=True) as db:
            cursor = db.execute(query, params or None)
            return cursor.fetchall() if cursor.description else []

    def exists(self) -> bool:
        if self.postgres:
            return bool(self._server("SELECT 1 FROM pg_database WHERE datname = %s", self.pg_name))
        return self.path.exists()

    def create_empty(self) -> None:
        if self.postgres:
            from psycopg import sql

            self._server(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.pg_name)))
            self._server(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.pg_name)))
            return
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def size_mib(self) -> float:
        size = self._server("SELECT pg_database_size(%s)", self.pg_name)[0][0] if self.postgres else None
        return round((size if size is not None else self.path.stat().st_size) / 2**20, 1)

    def one(self, query: str) -> str | None:
        """The first column of the first row of `query`, as text; None when there is no row."""
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as db:
                row = db.execute(query).fetchone()  # type: ignore[call-overload]
        else:
            import sqlite3

            with sqlite3.connect(self.path) as db:
                row = db.execute(query).fetchone()
        return str(row[0]) if row else None


def environment(database: Database) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=database.url,
        DEBUG="0",
        LOG_LEVEL="WARNING",
    )
    return env


def build(scale: int, rebuild: bool, postgres: str | None = None) -> tuple[Database, dict[str, float]]:
    """The database of `scale` (built unless it exists and `rebuild` is off) and how its build went."""
    VAR.mkdir(parents=True, exist_ok=True)
    database = Database(scale, postgres)
    if database.exists() and not rebuild:
        return database, {}
    database.create_empty()
    env = environment(database)
    started = time.monotonic()
    subprocess.run([BIN / "mitra", "migrate", "-v0"], env=env, check=True)
    command: list[str | Path] = [BIN / "mitra", "demo", *(["--scale", str(scale)] if scale else [])]
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    output, _ = child.communicate()
    # communicate() reaped the child, so its peak memory comes from RUSAGE_CHILDREN (the largest of any child so
    # far: the biggest build of this run).
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if child.returncode:
        sys.stdout.write(output)
        raise subprocess.CalledProcessError(child.returncode, command)
    info = {"build_seconds": round(time.monotonic() - started, 1), "build_peak_memory_mib": round(peak_kib / 1024, 1)}
    if match := re.search(r"Synthetic data at scale \d+ in ([\d.]+) s", output):
        info["generate_seconds"] = float(match.group(1))
    if match := re.search(r"Search index rebuilt: (\d+) entries in ([\d.]+) s", output):
        info["search_entries"] = int(match.group(1))
        info["search_rebuild_seconds"] = float(match.group(2))
    return database, info


def fill(path: str, database: Database) -> str | None:
    """Put ids of the busiest records into a path; None when the page does not exist in this build."""
    one = database.one
    values = {
        "cooperation": one(
            "SELECT cooperation_id FROM cooperation_meeting GROUP BY cooperation_id ORDER BY COUNT(*) DESC LIMIT 1"
        ),
        "meeting": one(
            "SELECT meeting_id FROM cooperation_followup GROUP BY meeting_id ORDER BY COUNT(*) DESC LIMIT 1"
        ),
        "institution": one(
            "SELECT institution_id FROM cooperation_cooperation_partners GROUP BY institution_id "
            "ORDER BY COUNT(*) DESC LIMIT 1"
        ),
        "forum": one("SELECT id FROM partners_forum WHERE acronym = 'ASEAN'"),
        "lke_component": one(
            "SELECT c.code FROM evaluation_component c JOIN evaluation_worksheet w ON w.id = c.worksheet_id "
            "WHERE w.year = 2017 ORDER BY c.id LIMIT 1"
        ),
        "travel": one(
            "SELECT request_id FROM travel_travelstep GROUP BY request_id ORDER BY COUNT(*) DESC, request_id LIMIT 1"
        ),
    }
    try:
        return path.format(**values)
    except KeyError:
        return None


class Client:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, float, int]:
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, timeout=120) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            body, status = error.read(), error.code
        return status, time.perf_counter() - started, len(body)

    def login(self) -> None:
        self.get("/akun/masuk/")
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        data = urllib.parse.urlencode({"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            self.base + "/akun/masuk/", data=data, headers={"Referer": self.base + "/akun/masuk/"}
        )
        with self.opener.open(request, timeout=60) as response:
            if "/akun/masuk/" in response.url:
                raise RuntimeError("benchmark login failed")


def query_counts(database: Database, paths: dict[str, str]) -> dict[str, int]:
    """Queries per page, counted by Django's test client in a child process against the same database."""
    script = (
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "from mitra.core.models import User\n"
        f"c = Client(); c.force_login(User.objects.get(username={USER!r}))\n"
        "out = {}\n"
        "for name, path in json.load(sys.stdin).items():\n"
        "    c.get(path)\n"
        "    with CaptureQueriesContext(connection) as q:\n"
        "        c.get(path)\n"
        "    out[name] = len(q.captured_queries)\n"
        "print(json.dumps(out))\n"
    )
    env = environment(database)
    env["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    result: dict[str, int] = in_django(script, paths, env)
    return result


def peak_memory_kib(pid: int) -> int:
    """The largest VmHWM among the server's processes (master and workers)."""
    return max(server_peaks(pid).values(), default=0)


class Server:
    """gunicorn (one worker) on a free loopback port against one scale's database, with a signed-in client."""

    def __init__(self, database: Database):
        self.database = database
        port = free_port()
        self.process = subprocess.Popen(
            [
                *(BIN / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"),
                *("--workers", "1", "--timeout", "300"),
            ],
            env=environment(database),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.client = Client(f"http://127.0.0.1:{port}")
        for _ in range(100):
            try:
                self.client.get("/healthz")
                break
            except OSError:
                time.sleep(0.2)
        self.client.login()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def measure(
    scales: list[int],
    repeat: int,
    slow_repeat: int,
    rebuild: bool,
    only: list[str] | None = None,
    postgres: str | None = None,
) -> list[dict]:
    """Every page at every scale, the scales' servers running side by side: a page is measured at each scale in
    turn (its warm-up and samples at N=1, then at N=100) before the next page, so the two blocks that make its
    ratio are seconds apart. Before stop 27 every page was measured at N=1, then every page at N=100, minutes
    later, and a machine that slowed down or sped up in between moved every ratio."""
    built = {scale: build(scale, rebuild, postgres) for scale in scales}
    servers: dict[int, Server] = {}
    pages: dict[int, dict[str, dict]] = {scale: {} for scale in scales}
    paths: dict[int, dict[str, str]] = {scale: {} for scale in scales}
    memory: dict[int, int] = {}
    try:
        for scale in scales:
            servers[scale] = Server(built[scale][0])
        for name, template in PAGES:
            if only and name != "floor (/ping/)" and not any(word in name for word in only):
                continue
            for scale in scales:
                client = servers[scale].client
                path = fill(template, built[scale][0])
                if path is None:
                    continue
                status, _, _ = client.get(path)
                if status != 200:
                    pages[scale][name] = {"path": path, "status": status}
                    continue
                paths[scale][name] = path
                warm = max(client.get(path)[1] for _ in range(2))
                samples = repeat if warm < 1.0 else slow_repeat
                timings = sorted(client.get(path)[1] for _ in range(samples))
                pages[scale][name] = {
                    "path": path,
                    "median_ms": round(statistics.median(timings) * 1000, 1),
                    "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)] * 1000, 1),
                    "samples": len(timings),
                }
        memory = {scale: peak_memory_kib(server.process.pid) for scale, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
    results = []
    for scale in scales:
        database, info = built[scale]
        for name, count in query_counts(database, paths[scale]).items():
            pages[scale][name]["queries"] = count
        results.append(
            {
                "scale": scale,
                "commit": commit(),
                "build_seconds": info.get("build_seconds", 0.0),
                **{k: v for k, v in info.items() if k != "build_seconds"},
                "database": "PostgreSQL" if postgres else "SQLite",
                "database_mib": database.size_mib(),
                "server_peak_memory_mib": round(memory.get(scale, 0) / 1024, 1),
                "pages": pages[scale],
            }
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--slow-repeat", type=int, default=5, help="Samples of a page slower than a second.")
    parser.add_argument("--rebuild", action="store_true", help="Regenerate the databases even if they exist.")
    parser.add_argument(
        "--pages",
        nargs="+",
        metavar="WORD",
        help="Only the pages whose name contains one of these words (and the floor), for a before/after "
        "comparison; the results then go to --output, not to bench/results/pages.json.",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="Measure on PostgreSQL: the databases mitra_bench_N on this server (postgres://user:password@host:port); "
        "results go to bench/results/pages-postgresql.json.",
    )
    parser.add_argument("--output", type=Path, help="Where to write the results (default bench/results/pages.json).")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = measure(args.scales, args.repeat, args.slow_repeat, args.rebuild, args.pages, args.postgres)
    default = RESULTS / ("pages-postgresql.json" if args.postgres else "pages.json")
    output = args.output or (VAR / "pages-subset.json" if args.pages else default)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
