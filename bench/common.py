"""What the benchmark scripts share: a script run in a child Django process, and the search queries."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# The benchmark's search words: over-broad ("kerjasama" matches most of the index), selective, phrases, codes.
SEARCH_WORDS = [
    "kerjasama",
    "perjanjian",
    "MFDS",
    "PPWG",
    "halal labelling ACCSQ",
    "MoU Jepang",
    "codex 2017",
    "obat tradisional suplemen kesehatan",
]


def in_django(body: str, data: Any, env: dict[str, str]) -> Any:
    """Run `body` in a child Python with Django set up (settings and database from `env`), `data` as JSON on its
    standard input; the script prints its answer as JSON on its last line."""
    script = "import json, sys, django\ndjango.setup()\n" + body
    result = subprocess.run(
        [Path(sys.executable).parent / "python", "-c", script],
        input=json.dumps(data),
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def server_peaks(master: int) -> dict[int, int]:
    """Peak resident memory (VmHWM, KiB) of a server's master process and of each of its children, by pid."""
    peaks: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = (proc / "status").read_text()
        except OSError:
            continue
        if proc.name == str(master) or re.search(rf"^PPid:\s+{master}$", status, re.M):
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
            if match:
                peaks[int(proc.name)] = int(match.group(1))
    return peaks
