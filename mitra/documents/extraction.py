"""Text out of attached files, bounded: a huge or broken file yields a partial text or an error, never a crash.

Pure functions over a binary file object; the services store the result on the document. The bounds keep one
upload from holding a worker for long or filling memory: pages, characters, cells, unpacked size and seconds.
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"

# Defaults; each can be overridden in settings (MITRA_EXTRACT_MAX_PAGES …).
LIMITS = {
    "MAX_PAGES": 500,  # PDF pages read
    "MAX_CHARS": 2_000_000,  # characters of text kept
    "MAX_CELLS": 1_000_000,  # XLSX cells visited
    "MAX_UNZIPPED_BYTES": 200 * 1024 * 1024,  # declared unpacked size of a DOCX/XLSX (zip bombs)
    "MAX_SECONDS": 30.0,  # wall time, checked between pages / paragraphs / rows
}


def limit(name: str) -> Any:
    return getattr(settings, f"MITRA_EXTRACT_{name}", LIMITS[name])


@dataclass
class Extraction:
    status: str  # an ExtractionStatus value
    text: str = ""
    error: str = ""
    truncated: bool = False


class _Collector:
    """Gathers pieces of text up to the character and time limits."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.max_chars = int(limit("MAX_CHARS"))
        self.deadline = time.monotonic() + float(limit("MAX_SECONDS"))
        self.truncated = False

    def add(self, text: str) -> bool:
        """Keep `text`; False when a limit is reached and the caller should stop."""
        if not text:
            return not self.full()
        separator = 1 if self.parts else 0  # the newline that text() puts before this piece
        room = max(self.max_chars - self.length - separator, 0)
        if len(text) > room:
            text = text[:room]
            self.truncated = True
        self.parts.append(text)
        self.length += len(text) + separator
        return not self.full()

    def full(self) -> bool:
        if self.length >= self.max_chars or time.monotonic() > self.deadline:
            self.truncated = True
            return True
        return False

    def text(self) -> str:
        # NUL characters are not storable in PostgreSQL text columns.
        return "\n".join(self.parts).replace("\x00", "")


def _pdf(file: IO[bytes], out: _Collector) -> None:
    from pypdf import PdfReader

    reader = PdfReader(file)
    # Many PDFs are "encrypted" with an empty user password only to restrict printing; try that.
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("the PDF is password-protected")
    max_pages = int(limit("MAX_PAGES"))
    for number, page in enumerate(reader.pages):
        if number >= max_pages:
            out.truncated = True
            return
        if not out.add(page.extract_text() or ""):
            return


def _check_unzipped_size(file: IO[bytes]) -> None:
    with zipfile.ZipFile(file) as archive:
        declared = sum(info.file_size for info in archive.infolist())
    if declared > int(limit("MAX_UNZIPPED_BYTES")):
        raise ValueError(f"the unpacked document is too large ({declared // (1024 * 1024)} MiB)")
    file.seek(0)


def _docx(file: IO[bytes], out: _Collector) -> None:
    import docx

    _check_unzipped_size(file)
    document = docx.Document(file)
    for paragraph in document.paragraphs:
        if not out.add(paragraph.text):
            return
    for table in document.tables:
        for row in table.rows:
            # Merged cells repeat the same cell object; keep each once.
            seen: list[Any] = []
            cells = []
            for cell in row.cells:
                if any(cell._tc is s for s in seen):
                    continue
                seen.append(cell._tc)
                cells.append(cell.text)
            if not out.add("\t".join(cells)):
                return


def _xlsx(file: IO[bytes], out: _Collector) -> None:
    from openpyxl import load_workbook

    _check_unzipped_size(file)
    workbook = load_workbook(file, read_only=True, data_only=True)
    max_cells = int(limit("MAX_CELLS"))
    cells = 0
    try:
        for sheet in workbook.worksheets:
            if not out.add(str(sheet.title)):
                return
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                if cells > max_cells:
                    out.truncated = True
                    return
                values = [str(v) for v in row if v is not None and str(v) != ""]
                if values and not out.add("\t".join(values)):
                    return
    finally:
        workbook.close()


EXTRACTORS = {PDF: _pdf, DOCX: _docx, XLSX: _xlsx}


def extract(file: IO[bytes], mime: str) -> Extraction:
    """Extract the text of `file` (already validated as `mime`). Never raises for a bad file."""
    from .models import ExtractionStatus

    extractor = EXTRACTORS.get(mime)
    if extractor is None:
        return Extraction(ExtractionStatus.SKIPPED)
    out = _Collector()
    try:
        file.seek(0)
        extractor(file, out)
    except MemoryError:
        return Extraction(ExtractionStatus.FAILED, error="out of memory while reading the file")
    except Exception as exc:  # a broken file may fail anywhere inside the parsers
        message = f"{type(exc).__name__}: {exc}"[:1000]
        return Extraction(ExtractionStatus.FAILED, text=out.text(), error=message, truncated=out.truncated)
    return Extraction(ExtractionStatus.DONE, text=out.text(), truncated=out.truncated)
