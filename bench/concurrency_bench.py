"""Concurrency: many signed-in users at once against gunicorn, configured as `make run` configures it (3 sync
workers, config.settings.local, DEBUG off), on SQLite or PostgreSQL.

    python bench/concurrency_bench.py --sqlite var/bench/scale-100.sqlite3 --label "SQLite N=100"
    bash scripts/with-postgres.sh .venv/bin/python bench/concurrency_bench.py --build 10 --label "PostgreSQL N=10"

Each simulated user is a thread with its own session (signed in once through the login form, one after the other;
a failed login stops the run at once, so django-axes never locks the demo accounts). Users sign in as the demo's
bureau staff (staf.bilateral, staf.regional, staf.oi, kabag.bilateral, the password of the demo) and loop without
pause over a mix of requests:

- read: a page of the registry, partners, performance or travel (lists, dashboards, a record's detail or profile);
- search: the search page with one of bench/search_bench.py's queries;
- save: open the edit form of a publication (newsletter edition) of the user's units, change its notes and submit
  the form with its CSRF token and version (each user has its own records, so no save meets a concurrent edit);
  the form's GET is recorded as "edit form", the POST as "save" (a 302 to the record is a success; a form shown
  again is an error). A publication, because its form is small: at N=100 the follow-up form renders every
  meeting as an option (103,062 options, 6.5 MB, 41 s) and the meeting form 7,842 options (8.7 s), so their GET
  would measure that rendering (and the follow-up's exceeds gunicorn's 30 s timeout), not the write path;
- download: a list export (CSV or XLSX of every row of the list, as the export buttons give them).

The web pages are used, not the REST API, so the API's throttle (MITRA_API_THROTTLE_RATE) is not involved.
Each step runs `--duration` seconds with a number of users (`--users`, default 1 5 10 20 40, with the mix), then
`--writers` steps in which every user only saves (default 1 2 5 10 20): where the save latency or the errors jump
is where the single writer queues. An error is a response other than 2xx/3xx, a failed connection or timeout, or a
save that did not go through; the server's log (its standard error) is searched for "database is locked" and
worker timeouts per step. The peak memory (VmHWM) of gunicorn's master and of each worker is sampled from /proc
every second. Results are merged into bench/results/concurrency.json under `--label`; bench/report.py renders them.

Saves append to the audit chain, so the server needs the audit key the database was built with: run it with the
same MITRA_AUDIT_KEY / MITRA_AUDIT_KEY_FILE as the build (a copied database needs the builder's keyring).
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import math
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SEARCH_WORDS, in_django, server_peaks

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
PASSWORD = "mitra-demo-2017"  # noqa: S105  (the demo's published password)
WRITERS = ["staf.bilateral", "staf.regional", "staf.oi", "kabag.bilateral"]
WORKERS = 3  # as `make run`: gunicorn's default (sync) worker class, three workers
MIX = {"read": 0.55, "search": 0.15, "save": 0.2, "download": 0.1}
QUERIES = SEARCH_WORDS
DOWNLOADS = [
    "/kerjasama/daftar/ekspor.xlsx",
    "/kerjasama/perjanjian/ekspor.csv",
    "/kerjasama/tindak-lanjut/ekspor.csv?year=2017",
    "/kerjasama/pertemuan/ekspor.xlsx?year=2017",
]


# --- statistics (tests/test_bench_concurrency.py) ------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile q (0–100) of values; 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summarise(samples: Iterable[tuple[str, float, bool]], seconds: float) -> dict[str, Any]:
    """Per kind and overall: requests, errors, error rate, p50 and p95 in ms, and requests per second over `seconds`.
    A sample is (kind, duration in seconds, ok)."""
    by_kind: dict[str, list[tuple[float, bool]]] = {}
    for kind, duration, ok in samples:
        by_kind.setdefault(kind, []).append((duration, ok))

    def stats(rows: list[tuple[float, bool]]) -> dict[str, Any]:
        durations = [d * 1000 for d, _ in rows]
        errors = sum(1 for _, ok in rows if not ok)
        return {
            "requests": len(rows),
            "errors": errors,
            "error_rate": round(errors / len(rows), 4) if rows else 0.0,
            "p50_ms": round(percentile(durations, 50), 1),
            "p95_ms": round(percentile(durations, 95), 1),
            "per_second": round(len(rows) / seconds, 2) if seconds else 0.0,
        }

    everything = [row for rows in by_kind.values() for row in rows]
    return {"all": stats(everything), **{kind: stats(rows) for kind, rows in sorted(by_kind.items())}}


def queue_point(steps: Sequence[dict[str, Any]], kind: str = "save", factor: float = 2.0) -> dict[str, Any] | None:
    """The first step (in order of users) where `kind`'s p95 exceeds `factor` × its p95 at the first step, or where
    any error appears; None when neither happens."""
    base = None
    for step in steps:
        figures = step["kinds"].get(kind)
        if not figures:
            continue
        if base is None:
            base = figures["p95_ms"]
            if figures["errors"] or step.get("database_locked", 0):
                return {"users": step["users"], "reason": "errors", "p95_ms": figures["p95_ms"]}
            continue
        if figures["errors"] or step.get("database_locked", 0):
            return {"users": step["users"], "reason": "errors", "p95_ms": figures["p95_ms"]}
        if base and figures["p95_ms"] > factor * base:
            return {
                "users": step["users"],
                "reason": f"p95 above {factor:g}× the first step's",
                "p95_ms": figures["p95_ms"],
                "first_p95_ms": base,
            }
    return None


def deal(editable: dict[str, list[int]], usernames: Sequence[str]) -> dict[int, list[int]]:
    """Each record to exactly one client (by index) whose user may edit it, the client with the fewest so far, so
    that no two clients save the same record (no version conflicts) and a head of unit and the unit's staff, who
    may edit the same records, both get some."""
    dealt: dict[int, list[int]] = {index: [] for index in range(len(usernames))}
    records = sorted({pk for pks in editable.values() for pk in pks})
    for pk in records:
        candidates = [i for i, name in enumerate(usernames) if pk in set(editable.get(name, ()))]
        if candidates:
            dealt[min(candidates, key=lambda i: (len(dealt[i]), i))].append(pk)
    return dealt


# --- HTTP ---------------------------------------------------------------------------------------------------


class FormParser(HTMLParser):
    """The fields of every POST form of a page, as a browser would submit them (without file inputs)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._multiple = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._fields = []
            self.forms.append((a.get("action", ""), self._fields))
        if self._fields is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._fields.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
            self._multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._fields is None:
            return
        if tag == "select" and self._select is not None:
            if not self._select_chosen and not self._multiple and self._select_first is not None:
                self._fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self._fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self._fields = None


class Client:
    def __init__(self, base: str, username: str):
        self.base = base
        self.username = username
        self.status = 0  # of the last request
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: list[tuple[str, str]] | None = None) -> tuple[int, str, bytes]:
        """(status, final URL, body); status 0 for a failed connection or a timeout."""
        encoded = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=encoded, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=120) as response:
                self.status = response.status
                return response.status, response.url, response.read()
        except urllib.error.HTTPError as error:
            self.status = error.code
            return error.code, path, error.read()
        except (OSError, http.client.HTTPException):  # refused, reset, timed out, or cut off (a worker killed)
            self.status = 0
            return 0, path, b""

    def csrf(self) -> str:
        return next(c.value or "" for c in self.jar if c.name == "csrftoken")

    def login(self) -> None:
        self.request("/akun/masuk/")
        fields = [("username", self.username), ("password", PASSWORD), ("csrfmiddlewaretoken", self.csrf())]
        status, url, _ = self.request("/akun/masuk/", fields)
        if status != 200 or "/akun/masuk/" in url:
            raise RuntimeError(f"login of {self.username} failed (HTTP {status}); stopping before axes locks it")


def save(client: Client, publication: int, n: int) -> list[tuple[str, float, bool]]:
    """Open a publication's edit form, change its notes, submit it: [(edit form), (save)]."""
    path = f"/kerjasama/publikasi/{publication}/ubah/"
    started = time.perf_counter()
    status, _, body = client.request(path)
    samples = [("edit form", time.perf_counter() - started, status == 200)]
    if status != 200:
        return samples
    parser = FormParser()
    parser.feed(body.decode("utf-8", "replace"))
    form = next((fields for _, fields in parser.forms if any(name == "notes" for name, _ in fields)), None)
    if form is None:
        return [*samples, ("save", 0.0, False)]
    fields = [(name, f"bench {client.username} {n}" if name == "notes" else value) for name, value in form]
    started = time.perf_counter()
    status, url, _ = client.request(path, fields)
    ok = 200 <= status < 400 and "/ubah/" not in url  # a form shown again did not save
    return [*samples, ("save", time.perf_counter() - started, ok)]


# --- the server ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=database_url,
        DEBUG="0",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def targets(env: dict[str, str]) -> dict[str, Any]:
    """Record ids for the request mix, chosen in a child process against the same database: the publications each
    writer may edit, and a sample of records to read."""
    script = (
        "from mitra.core.models import User\n"
        "from mitra.cooperation.models import Cooperation, Meeting, Publication\n"
        "from mitra.partners.models import Institution\n"
        "from mitra.travel.models import TravelRequest\n"
        "out = {'editable': {}}\n"
        "for name in json.load(sys.stdin):\n"
        "    user = User.objects.get(username=name)\n"
        "    ids = []\n"
        "    for p in Publication.objects.order_by('pk'):\n"
        "        if user.has_perm('cooperation.edit_record', p):\n"
        "            ids.append(p.pk)\n"
        "    out['editable'][name] = ids\n"
        "def sample(model):\n"
        "    return list(model.objects.order_by('?').values_list('pk', flat=True)[:50])\n"
        "out['cooperation'] = sample(Cooperation)\n"
        "out['meeting'] = sample(Meeting)\n"
        "out['institution'] = sample(Institution)\n"
        "out['travel'] = sample(TravelRequest)\n"
        "print(json.dumps(out))\n"
    )
    result: dict[str, Any] = in_django(script, WRITERS, env)
    return result


def read_pages(ids: dict[str, Any]) -> list[str]:
    pages = [
        "/",
        "/kerjasama/",
        "/kerjasama/daftar/",
        "/kerjasama/perjanjian/",
        "/kerjasama/pertemuan/",
        "/kerjasama/pertemuan/?year=2017",
        "/kerjasama/tindak-lanjut/",
        "/mitra/instansi/",
        "/perjalanan/",
        "/kinerja/2017/",
        "/organisasi/",
    ]
    for kind, template in (
        ("cooperation", "/kerjasama/daftar/{}/"),
        ("meeting", "/kerjasama/pertemuan/{}/"),
        ("institution", "/mitra/instansi/{}/"),
        ("travel", "/perjalanan/{}/"),
    ):
        pages += [template.format(pk) for pk in ids[kind][:10]]
    return pages


class Memory(threading.Thread):
    """Samples VmHWM (peak resident memory) of the server's master and workers every second; keeps each pid's
    largest value (a worker restarted after a timeout gets a new pid and its own entry)."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master = master
        self.peaks: dict[int, int] = {}
        self.stopped = threading.Event()

    def sample(self) -> None:
        for pid, kib in server_peaks(self.master).items():
            self.peaks[pid] = max(self.peaks.get(pid, 0), kib)

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            self.sample()

    def report(self) -> dict[str, Any]:
        self.sample()
        workers = {pid: kib for pid, kib in self.peaks.items() if pid != self.master}
        return {
            "master_mib": round(self.peaks.get(self.master, 0) / 1024, 1),
            "workers_mib": [round(kib / 1024, 1) for _, kib in sorted(workers.items())],
            "max_worker_mib": round(max(workers.values(), default=0) / 1024, 1),
        }


# --- a step --------------------------------------------------------------------------------------------------


def run_step(
    clients: list[Client],
    editable: dict[int, list[int]],
    pages: list[str],
    mix: dict[str, float],
    seconds: float,
    seed: int,
) -> tuple[list[tuple[str, float, bool]], float, dict[str, int]]:
    """Every client loops over the mix for `seconds`: the samples, the measured wall time, and the failures by kind
    and status (0: no response; 200 for a save: the form came back)."""
    samples: list[tuple[str, float, bool]] = []
    failures: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    kinds, weights = list(mix), list(mix.values())

    def user(index: int, client: Client) -> None:
        rng = random.Random(seed * 1000 + index)
        mine: list[tuple[str, float, bool]] = []
        failed: Counter[str] = Counter()
        n = 0
        while time.monotonic() < deadline:
            n += 1
            kind = rng.choices(kinds, weights)[0]
            if kind == "save" and editable.get(index):
                got = save(client, rng.choice(editable[index]), n)
                mine += got
                failed.update(f"{k} HTTP {client.status}" for k, _, ok in got[-1:] if not ok)
                continue
            if kind == "search":
                path = "/cari/?" + urllib.parse.urlencode({"q": rng.choice(QUERIES)})
            elif kind == "download":
                path = rng.choice(DOWNLOADS)
            else:
                kind, path = "read", rng.choice(pages)
            started = time.perf_counter()
            status, _, _ = client.request(path)
            mine.append((kind, time.perf_counter() - started, 200 <= status < 400))
            if not 200 <= status < 400:
                failed[f"{kind} HTTP {status}"] += 1
        with lock:
            samples.extend(mine)
            failures.update(failed)

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.monotonic() - started, dict(failures)


def log_counts(text: str) -> dict[str, int]:
    return {
        "database_locked": text.count("database is locked"),
        "worker_timeouts": text.count("WORKER TIMEOUT"),
        "server_errors_logged": len(re.findall(r"^.*ERROR django\.request", text, re.M)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", type=Path, help="a SQLite database to use (it is written to: use a copy)")
    parser.add_argument("--build", type=int, help="migrate and load `mitra demo --scale N` into DATABASE_URL first")
    parser.add_argument("--label", required=True, help='the results key, e.g. "SQLite N=100"')
    parser.add_argument("--users", type=int, nargs="*", default=[1, 5, 10, 20, 40])
    parser.add_argument("--writers", type=int, nargs="*", default=[1, 2, 5, 10, 20])
    parser.add_argument("--duration", type=float, default=45.0, help="seconds per step")
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args()

    if args.sqlite:
        database_url = f"sqlite:///{args.sqlite.resolve()}"
    elif os.environ.get("DATABASE_URL"):
        database_url = os.environ["DATABASE_URL"]
    else:
        parser.error("give --sqlite PATH or set DATABASE_URL")
    env = environment(database_url)
    build: dict[str, Any] = {}
    if args.build is not None:
        started = time.monotonic()
        subprocess.run([BIN / "mitra", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        command: list[str | Path] = [BIN / "mitra", "demo", *(["--scale", str(args.build)] if args.build else [])]
        subprocess.run(command, env=env, check=True, cwd=ROOT)  # its progress goes to our output
        build = {"build_seconds": round(time.monotonic() - started, 1), "scale": args.build}
        print(f"built scale {args.build} in {build['build_seconds']} s", flush=True)
    ids = targets(env)
    pages = read_pages(ids)

    RESULTS.mkdir(parents=True, exist_ok=True)
    log_path = ROOT / "var" / "bench" / f"concurrency-{re.sub(r'[^A-Za-z0-9]+', '-', args.label)}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                BIN / "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    memory = Memory(server.pid)
    memory.start()
    base = f"http://127.0.0.1:{port}"
    steps: list[dict[str, Any]] = []
    writer_steps: list[dict[str, Any]] = []
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        most = max([*args.users, *args.writers])
        clients = [Client(base, WRITERS[i % len(WRITERS)]) for i in range(most)]
        for client in clients:
            client.login()
        print(f"{len(clients)} users signed in", flush=True)
        editable = deal(ids["editable"], [c.username for c in clients])
        # Warm-up: every worker imports and renders once.
        run_step(clients[: args.workers * 2], editable, pages, MIX, 10, seed=0)

        for plan, mix, out in (("users", MIX, steps), ("writers", {"save": 1.0}, writer_steps)):
            for n, users in enumerate(args.users if plan == "users" else args.writers, start=1):
                offset = log_path.stat().st_size
                samples, seconds, failures = run_step(clients[:users], editable, pages, mix, args.duration, seed=n)
                with log_path.open() as log:
                    log.seek(offset)
                    counts = log_counts(log.read())
                kinds = summarise(samples, seconds)
                step = {
                    "users": users,
                    "seconds": round(seconds, 1),
                    "load_average": round(os.getloadavg()[0], 1),  # of the whole machine, over the last minute
                    "kinds": kinds,
                    "failures": failures,
                    **counts,
                }
                out.append(step)
                total = kinds["all"]
                save_p95 = kinds.get("save", {}).get("p95_ms", "–")
                print(
                    f"{plan} {users}: {total['per_second']} req/s, p95 {total['p95_ms']} ms, "
                    f"save p95 {save_p95} ms, errors {total['errors']}, locked {counts['database_locked']}",
                    flush=True,
                )
    finally:
        peaks = memory.report()
        memory.stopped.set()
        server.terminate()
        server.wait(timeout=60)

    sys.path.insert(0, str(ROOT / "bench"))
    from report import commit

    result = {
        "commit": commit(),
        "backend": "postgresql" if database_url.startswith("postgres") else "sqlite",
        "server": f"gunicorn, {args.workers} sync workers, config.settings.local, DEBUG off (as `make run`)",
        "mix": MIX,
        "duration_s": args.duration,
        **build,
        "steps": steps,
        "writer_steps": writer_steps,
        "save_queue_point": queue_point(writer_steps),
        "mixed_save_queue_point": queue_point(steps),
        "memory": peaks,
    }
    path = RESULTS / "concurrency.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[args.label] = result
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result["memory"]), f"written to {path.relative_to(ROOT)} under {args.label!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
