"""One entry point for every report and format, with a cache keyed by the data version.

Every write in Mitra goes through a service and leaves an audit entry, so the newest audit entry of a record
type a report reads is a cheap, exact version of its data: a cached file is served until one of them changes.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Max

from mitra.core.models import AuditEntry

from .model import Report

FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
SOURCE_APPS = ("performance.", "cooperation.", "core.staffmember", "core.organisationunit", "reports.", "partners.")


def data_version() -> int:
    """The id of the newest audit entry of any record a report reads (0 before any)."""
    from django.db.models import Q

    q = Q()
    for prefix in SOURCE_APPS:
        q |= Q(record_type__startswith=prefix)
    return AuditEntry.objects.filter(q).aggregate(m=Max("id"))["m"] or 0


def render(report: Report, fmt: str) -> bytes:
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


def build(kind: str, year: int, language: str, quarter: int | None = None, unit: str | None = None) -> Report:
    if kind == "lakip":
        from .lakip import build_lakip

        return build_lakip(year, language)
    from .monitoring import build_monitoring

    return build_monitoring(year, quarter or 4, unit, language)


@dataclass
class Generated:
    content: bytes
    filename: str
    content_type: str
    seconds: float
    cached: bool


def filename(kind: str, year: int, fmt: str, quarter: int | None = None, unit: str | None = None) -> str:
    if kind == "lakip":
        return f"LAKIP-{year}-Biro-KSLN.{FORMATS[fmt][1]}"
    return f"Monitoring-{year}-TW{quarter}-{unit or 'biro'}.{FORMATS[fmt][1]}"


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "reports-cache"


def generate(
    kind: str,
    year: int,
    fmt: str,
    language: str = "id",
    quarter: int | None = None,
    unit: str | None = None,
    use_cache: bool = True,
) -> Generated:
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}")
    name = filename(kind, year, fmt, quarter, unit)
    key = hashlib.sha256(f"{kind}|{year}|{quarter}|{unit}|{language}|{fmt}|{data_version()}".encode()).hexdigest()
    path = cache_dir() / f"{key[:32]}.{fmt}"
    if use_cache and path.exists():
        return Generated(path.read_bytes(), name, FORMATS[fmt][0], 0.0, True)
    start = time.perf_counter()
    content = render(build(kind, year, language, quarter, unit), fmt)
    seconds = time.perf_counter() - start
    if use_cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(content)
        tmp.replace(path)  # atomic: a concurrent reader sees the old file or the whole new one
    return Generated(content, name, FORMATS[fmt][0], seconds, False)
