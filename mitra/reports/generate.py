"""One entry point for every report and format, with a cache keyed by the data version.

Every write in Mitra goes through a service and leaves an audit entry, so the newest audit entry of a record
type a report reads is a cheap, exact version of its data: a cached file is served until one of them changes.

The cache is a folder of MEDIA_ROOT (reports-cache/), not Django's cache: its files are megabytes, and MEDIA_ROOT
is shared by every process and server already (attachments live there). There is no index to share: a file's
name is computed from its parameters and the data version (which the name starts with, so files of older data
can be pruned), and the file's modification time is its last use (a hit touches it). `prune_cache` runs daily.

`generate`, `build` and `render` take an optional `progress(stage, percent)` callback: the background report
jobs (jobs.py) store what it reports so the job page can show it; `mitra lakip` and the tests pass none.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from mitra.core.collector import cyclic_gc_paused
from mitra.core.models import AuditEntry
from mitra.performance import sources
from mitra.performance.models import IndicatorTarget, SourceKind

from .model import Report
from .progress import (  # noqa: F401  (the stages are part of this module's interface: jobs.py, tests)
    BUILDING,
    CHARTS,
    DONE,
    READING,
    RENDERING,
    STAGE_PERCENT,
    Progress,
    step,
)

FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
SOURCE_APPS = ("performance.", "cooperation.", "core.staffmember", "core.organisationunit", "reports.", "partners.")
# ... and every record type an indicator source declares it reads (performance.sources: travel requests and their
# steps for the on-time figure), so a write of any of them makes the reports again.

# The image format each file format draws its charts in (XLSX has none).
CHART_FORMAT = {"pdf": "svg-text", "html": "svg", "docx": "png"}  # svg-text: charts.SVG_TEXT


def data_version() -> int:
    """The id of the newest audit entry of any record a report reads (0 before any)."""
    from django.db.models import Q

    q = Q(record_type__in=sorted(sources.all_reads()))
    for prefix in SOURCE_APPS:
        q |= Q(record_type__startswith=prefix)
    return AuditEntry.objects.filter(q).aggregate(m=Max("id"))["m"] or 0


def data_date(year: int) -> str:
    """Today's date when one of the year's indicators comes from a source whose value depends on the date (the
    on-time figure: an open request counts as late once its deadline passed), else "": part of the cache key."""
    keys = sources.date_dependent_keys()
    if not keys:
        return ""
    uses = IndicatorTarget.objects.filter(
        year=year, indicator__source_kind=SourceKind.COMPUTED, indicator__source_key__in=sorted(keys)
    ).exists()
    return timezone.localdate().isoformat() if uses else ""


def draw_charts(report: Report, fmt: str, progress: Progress | None = None) -> None:
    """Draw every chart of the report once, up front, in the image format `fmt` needs; the renderer reuses them.

    Drawing is the one step between building and rendering that takes noticeable time, so it gets its stage."""
    image = CHART_FORMAT.get(fmt)
    if image is None:
        return
    charts = report.charts()
    span = STAGE_PERCENT[RENDERING] - STAGE_PERCENT[CHARTS]
    for i, chart in enumerate(charts):
        step(progress, CHARTS, STAGE_PERCENT[CHARTS] + span * i // len(charts))
        chart.draw = _drawn(chart.draw, image, chart.draw(image))


def _drawn(draw: Callable[[str], bytes], image: str, content: bytes) -> Callable[[str], bytes]:
    def again(fmt: str) -> bytes:
        return content if fmt == image else draw(fmt)

    return again


def render(report: Report, fmt: str, progress: Progress | None = None) -> bytes:
    """The report's file in `fmt`. Drawing and rendering run with the cycle collector paused (mitra.core.collector):
    WeasyPrint's boxes and matplotlib's figures live until the end, and the collector walking them again and again
    cost about a third of the PDF's CPU time at N=100 (issue 17)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}")
    with cyclic_gc_paused():
        return _render(report, fmt, progress)


def _render(report: Report, fmt: str, progress: Progress | None) -> bytes:
    draw_charts(report, fmt, progress)
    step(progress, RENDERING)
    if fmt == "pdf":
        from .renderers.pdf import render_pdf

        return render_pdf(report)
    if fmt == "docx":
        from .renderers.docx import render_docx

        return render_docx(report)
    if fmt == "xlsx":
        from .renderers.xlsx import render_xlsx

        return render_xlsx(report)
    if fmt == "html":
        from .renderers.html import render_document
        from .renderers.pdf import PRINT_CSS

        return render_document(report, PRINT_CSS).encode()
    raise ValueError(f"Unknown format {fmt!r}")


def build(
    kind: str,
    year: int,
    language: str,
    quarter: int | None = None,
    unit: str | None = None,
    progress: Progress | None = None,
) -> Report:
    if kind == "lakip":
        from .lakip import build_lakip

        return build_lakip(year, language, progress=progress)
    from .monitoring import build_monitoring

    return build_monitoring(year, quarter or 4, unit, language, progress=progress)


@dataclass
class Generated:
    content: bytes
    filename: str
    content_type: str
    seconds: float
    cached: bool
    path: Path | None = None  # the cached file (None when made with use_cache=False)


def filename(kind: str, year: int, fmt: str, quarter: int | None = None, unit: str | None = None) -> str:
    if kind == "lakip":
        return f"LAKIP-{year}-Biro-KSLN.{FORMATS[fmt][1]}"
    return f"Monitoring-{year}-TW{quarter}-{unit or 'biro'}.{FORMATS[fmt][1]}"


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "reports-cache"


def cache_path(
    kind: str,
    year: int,
    fmt: str,
    language: str = "id",
    quarter: int | None = None,
    unit: str | None = None,
    version: int | None = None,
) -> Path:
    """Where the file of these parameters at data `version` (default: the current one) is cached."""
    version = data_version() if version is None else version
    day = data_date(year)
    key = hashlib.sha256(f"{kind}|{year}|{quarter}|{unit}|{language}|{fmt}|{version}|{day}".encode()).hexdigest()
    return cache_dir() / f"v{version}-{key[:32]}.{fmt}"


def touch(path: Path) -> None:
    """Mark the cached file used now (its modification time), so pruning keeps what is read."""
    with contextlib.suppress(OSError):  # pruned meanwhile, or read-only: the file was read all the same
        os.utime(path)


# A file of older data is kept this long after its last use: a finished job's download may still point at it.
OLD_VERSION_GRACE_SECONDS = 24 * 60 * 60


def prune_cache(now: float | None = None) -> int:
    """Delete the cached files of an older data version unused for a day, files of the current data not read for
    MITRA_REPORT_CACHE_DAYS, and leftover temporary files older than a day. Returns how many were deleted."""
    folder = cache_dir()
    if not folder.is_dir():
        return 0
    now = time.time() if now is None else now
    current = f"v{data_version()}-"
    unread = settings.MITRA_REPORT_CACHE_DAYS * 24 * 60 * 60
    deleted = 0
    for path in folder.iterdir():
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:
            continue
        if path.suffix == ".tmp" or not path.name.startswith(current):
            expired = age > OLD_VERSION_GRACE_SECONDS
        else:
            expired = age > unread
        if expired and path.is_file():
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


def cached(
    kind: str,
    year: int,
    fmt: str,
    language: str = "id",
    quarter: int | None = None,
    unit: str | None = None,
    version: int | None = None,
) -> Generated | None:
    """The cached file for the current data (or `version`), or None when it has to be generated."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}")
    path = cache_path(kind, year, fmt, language, quarter, unit, version)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return None
    touch(path)
    return Generated(content, filename(kind, year, fmt, quarter, unit), FORMATS[fmt][0], 0.0, True, path)


def generate(
    kind: str,
    year: int,
    fmt: str,
    language: str = "id",
    quarter: int | None = None,
    unit: str | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> Generated:
    return generate_formats(kind, year, (fmt,), language, quarter, unit, use_cache, progress)[fmt]


def generate_formats(
    kind: str,
    year: int,
    fmts: Iterable[str],
    language: str = "id",
    quarter: int | None = None,
    unit: str | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> dict[str, Generated]:
    """The report's file in each of `fmts`, the cached one where there is one; the files not cached are rendered
    from one build of the report's model (made only if one is needed), not one build per format. A file's `seconds`
    is the time spent making it, the build counted in the first one made."""
    fmts = list(fmts)
    for fmt in fmts:
        if fmt not in FORMATS:
            raise ValueError(f"Unknown format {fmt!r}")
    files: dict[str, Generated] = {}
    report: Report | None = None
    for fmt in fmts:
        name = filename(kind, year, fmt, quarter, unit)
        path = cache_path(kind, year, fmt, language, quarter, unit)
        if use_cache and path.exists():
            touch(path)
            files[fmt] = Generated(path.read_bytes(), name, FORMATS[fmt][0], 0.0, True, path)
            continue
        start = time.perf_counter()
        if report is None:
            report = build(kind, year, language, quarter, unit, progress)
        content = render(report, fmt, progress)
        seconds = time.perf_counter() - start
        if use_cache:
            path.parent.mkdir(parents=True, exist_ok=True)
            # A name of its own per writer: two jobs making the same file must not write into one temporary file.
            tmp = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_bytes(content)
            tmp.replace(path)  # atomic: a concurrent reader sees the old file or the whole new one
        files[fmt] = Generated(content, name, FORMATS[fmt][0], seconds, False, path if use_cache else None)
    step(progress, DONE)
    return files
