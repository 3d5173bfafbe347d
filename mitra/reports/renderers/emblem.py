"""The emblem printed on report covers: the file named by the MITRA_REPORT_EMBLEM setting, by default Mitra's
neutral placeholder (static/reports/emblem/emblem.svg, drawn for Mitra: no official logo is shipped).

An SVG or PNG/JPEG file serves the PDF and HTML; Word cannot take SVG, so the DOCX uses a PNG or JPEG file of
the same name beside an SVG one (emblem.svg → emblem.png), and prints no emblem when there is none."""

from __future__ import annotations

import base64
from pathlib import Path

from django.conf import settings

DEFAULT = Path(__file__).resolve().parent.parent / "static" / "reports" / "emblem" / "emblem.svg"
MIME = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def emblem_path() -> Path | None:
    configured = getattr(settings, "MITRA_REPORT_EMBLEM", "")
    path = Path(configured) if configured else DEFAULT
    return path if path.is_file() and path.suffix.lower() in MIME else None


def emblem_data_uri() -> str:
    path = emblem_path()
    if path is None:
        return ""
    data = base64.b64encode(path.read_bytes()).decode()
    return f"data:{MIME[path.suffix.lower()]};base64,{data}"


def emblem_raster() -> Path | None:
    """A PNG or JPEG of the emblem, for Word."""
    path = emblem_path()
    if path is None:
        return None
    if path.suffix.lower() != ".svg":
        return path
    for suffix in (".png", ".jpg", ".jpeg"):
        if path.with_suffix(suffix).is_file():
            return path.with_suffix(suffix)
    return None
