#!/usr/bin/env python3
"""Run `make` steps in stages and lanes, report each step's wall time, CPU time and load (used by `make test`).

Usage: run-steps.py MAKE "PLAN"

PLAN is a list of make targets: `;` separates stages (a stage starts when the one before it has passed), `&`
separates lanes of a stage (lanes run at the same time), and the steps of a lane run in order, e.g.
`system-deps setup ; lint test-sqlite & typecheck test-postgres test-e2e`.

Each step's output (stdout and stderr) goes to var/make-test/STEP.log and is printed in one piece when the step
ends, followed by its time, so the logs of steps running side by side do not interleave. CPU is the user + system
time of the step's processes (os.wait4 on its `make`, which waits for its own children; a server a step detaches,
such as PostgreSQL's, is not counted). When a step fails, its log is printed, the steps still running are stopped
(SIGTERM to their process group, then SIGKILL), no further step starts, and the exit status is 1. Only the Python
standard library is used: this runs before `make setup` has built the virtual environment.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

LOG_DIR = Path("var/make-test")


@dataclass
class Result:
    key: tuple[int, int, int]
    step: str
    status: str  # "ok", "FAILED", "stopped"
    wall: float
    cpu: float
    load: str
    rc: int = 0


@dataclass
class Runner:
    make: list[str]
    lock: threading.Lock = field(default_factory=threading.Lock)
    running: dict[tuple[int, int, int], subprocess.Popen[bytes]] = field(default_factory=dict)
    results: list[Result] = field(default_factory=list)
    failed: threading.Event = field(default_factory=threading.Event)

    def run_step(self, key: tuple[int, int, int], step: str) -> bool:
        log_path = LOG_DIR / f"{step}.log"
        with self.lock:
            if self.failed.is_set():
                return False
            print(f"==> make {step}: started ({time.strftime('%H:%M:%S')}; log {log_path})", flush=True)
            log = log_path.open("wb")
            start = time.monotonic()
            # A session of its own: stopping the step reaches every process it started (e.g. the PostgreSQL
            # cluster of scripts/with-postgres.sh, which cleans up on SIGTERM), and Ctrl-C is handled here.
            proc = subprocess.Popen(  # noqa: S603 (make and its targets, from the Makefile)
                [*self.make, "--no-print-directory", step],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.running[key] = proc
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - start
        log.close()
        cpu = usage.ru_utime + usage.ru_stime
        load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
        with self.lock:
            del self.running[key]
            stopped = self.failed.is_set() and proc.returncode != 0
            ok = proc.returncode == 0
            state = "ok" if ok else ("stopped" if stopped else "FAILED")
            self.results.append(Result(key, step, state, wall, cpu, load, proc.returncode))
            sys.stdout.write(f"\n==> make {step}\n")
            sys.stdout.flush()
            with log_path.open("rb") as f:
                sys.stdout.buffer.write(f.read())
            detail = f"{wall:.0f}s, CPU {cpu:.0f}s, load {load}"
            if ok:
                print(f"==> {step}: ok ({detail})", flush=True)
            elif stopped:
                print(f"==> {step}: stopped (another step failed, or make test was interrupted; {detail})", flush=True)
            else:
                print(f"==> {step}: FAILED (exit {proc.returncode}; {detail})", flush=True)
                self.failed.set()
                self.stop_all()
        return ok

    def run_lane(self, stage: int, lane: int, steps: list[str]) -> None:
        try:
            for i, step in enumerate(steps):
                if not self.run_step((stage, lane, i), step):
                    return
        except BaseException:
            with self.lock:
                self.failed.set()
                self.stop_all()
            raise

    def stop_all(self) -> None:
        """Stop every running step (called with the lock held or from a signal handler)."""
        procs = list(self.running.values())
        for proc in procs:
            _signal_group(proc, signal.SIGTERM)

        def kill_later() -> None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and any(p.returncode is None for p in procs):
                time.sleep(0.5)
            for p in procs:
                if p.returncode is None:
                    _signal_group(p, signal.SIGKILL)

        threading.Thread(target=kill_later, daemon=True).start()


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def parse(plan: str) -> list[list[list[str]]]:
    stages = []
    for stage in plan.split(";"):
        lanes = [lane.split() for lane in stage.split("&")]
        lanes = [lane for lane in lanes if lane]
        if lanes:
            stages.append(lanes)
    return stages


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    make = sys.argv[1].split()
    stages = parse(sys.argv[2])
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    runner = Runner(make)

    def interrupted(signum: int, _frame: object) -> None:
        runner.failed.set()
        runner.stop_all()
        print(f"\nmake test: interrupted (signal {signum}); stopping the running steps", file=sys.stderr, flush=True)

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)

    total_start = time.monotonic()
    for s, lanes in enumerate(stages):
        if len(lanes) == 1:
            runner.run_lane(s, 0, lanes[0])
        else:
            print(f"\n==> at the same time: {' & '.join(' '.join(lane) for lane in lanes)}", flush=True)
            threads = [threading.Thread(target=runner.run_lane, args=(s, i, lane)) for i, lane in enumerate(lanes)]
            for t in threads:
                t.start()
            for t in threads:
                while t.is_alive():
                    t.join(0.5)  # a short timeout, so the signal handlers run promptly
        if runner.failed.is_set():
            break

    total = time.monotonic() - total_start
    total_cpu = sum(r.cpu for r in runner.results)
    print(
        "\nSummary (wall time of each step; lanes of a stage ran at the same time;"
        "\nCPU = user + system seconds of its processes; load = 1-minute load average at its end):"
    )
    results = {r.key: r for r in runner.results}
    for s, lanes in enumerate(stages):
        for i, lane in enumerate(lanes):
            for j, step in enumerate(lane):
                r = results.get((s, i, j))
                where = f"lane {i + 1}" if len(lanes) > 1 else ""
                if r is None:
                    print(f"  {step:<14} {where:<7} not run")
                else:
                    print(f"  {step:<14} {where:<7} {r.status:<7} {r.wall:5.0f}s   CPU {r.cpu:5.0f}s   load {r.load}")
    if runner.failed.is_set():
        failed = [r.step for r in runner.results if r.status == "FAILED"]
        where = f"at {', '.join(failed)} " if failed else ""
        print(f"make test: FAILED {where}after {total:.0f}s (CPU {total_cpu:.0f}s)")
        return 1
    print(f"make test: all checks passed in {total:.0f}s, CPU {total_cpu:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
