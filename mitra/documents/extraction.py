"""Text out of attached files, bounded: a huge or broken file yields a partial text or an error, never a crash.

`extract` runs the parsers in a separate process of the same Python (extraction_child.py) with a wall-clock
timeout and an address-space limit (RLIMIT_AS), so a file that makes a parser loop or swell (a PDF with hundreds
of thousands of text operators, a DOCX whose XML unpacks to hundreds of megabytes) costs that process, never the
web worker: it is killed, and the document is stored with the status "text not extracted" and the reason.
Inside the process the parsers are bounded too: pages, characters, cells, unpacked size and seconds.
`extract_here` is the parse itself, over a binary file object and explicit limits (no Django needed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
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
    "TIMEOUT_SECONDS": 20.0,  # wall time of the extraction process, after which it is killed
    "MAX_MEMORY_MB": 1024,  # address space of the extraction process (RLIMIT_AS)
}

# Statuses, as ExtractionStatus values (the child process does not load Django's models).
DONE, FAILED, SKIPPED, LIMIT = "done", "failed", "skipped", "limit"


def limit(name: str) -> Any:
    return getattr(settings, f"MITRA_EXTRACT_{name}", LIMITS[name])


def current_limits() -> dict[str, Any]:
    return {name: limit(name) for name in LIMITS}


@dataclass
class Extraction:
    status: str  # an ExtractionStatus value
    text: str = ""
    error: str = ""
    truncated: bool = False


class _Collector:
    """Gathers pieces of text up to the character and time limits."""

    def __init__(self, limits: dict[str, Any]) -> None:
        self.limits = limits
        self.parts: list[str] = []
        self.length = 0
        self.max_chars = int(limits["MAX_CHARS"])
        self.deadline = time.monotonic() + float(limits["MAX_SECONDS"])
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
    max_pages = int(out.limits["MAX_PAGES"])
    for number, page in enumerate(reader.pages):
        if number >= max_pages:
            out.truncated = True
            return
        if not out.add(page.extract_text() or ""):
            return


def _check_unzipped_size(file: IO[bytes], out: _Collector) -> None:
    with zipfile.ZipFile(file) as archive:
        declared = sum(info.file_size for info in archive.infolist())
    if declared > int(out.limits["MAX_UNZIPPED_BYTES"]):
        raise ValueError(f"the unpacked document is too large ({declared // (1024 * 1024)} MiB)")
    file.seek(0)


def _docx(file: IO[bytes], out: _Collector) -> None:
    import docx

    _check_unzipped_size(file, out)
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

    _check_unzipped_size(file, out)
    workbook = load_workbook(file, read_only=True, data_only=True)
    max_cells = int(out.limits["MAX_CELLS"])
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


def extract_here(file: IO[bytes], mime: str, limits: dict[str, Any]) -> Extraction:
    """Extract the text of `file` (already validated as `mime`) in this process. Never raises for a bad file."""
    extractor = EXTRACTORS.get(mime)
    if extractor is None:
        return Extraction(SKIPPED)
    out = _Collector(limits)
    try:
        file.seek(0)
        extractor(file, out)
    except MemoryError:
        return Extraction(LIMIT, error="out of memory while reading the file")
    except Exception as exc:  # a broken file may fail anywhere inside the parsers
        message = f"{type(exc).__name__}: {exc}"[:1000]
        return Extraction(FAILED, text=out.text(), error=message, truncated=out.truncated)
    return Extraction(DONE, text=out.text(), truncated=out.truncated)


def _project_root() -> str:
    return str(Path(__file__).resolve().parents[2])


def _in_child(file: IO[bytes], mime: str, limits: dict[str, Any]) -> Extraction:
    timeout = float(limits["TIMEOUT_SECONDS"])
    memory_mb = int(limits["MAX_MEMORY_MB"])
    # The parsers' own clock stops them a little before the process is killed, so a slow file keeps a beginning.
    child_limits = {**limits, "MAX_SECONDS": min(float(limits["MAX_SECONDS"]), timeout * 0.75)}
    file.seek(0)
    payload = json.dumps({"mime": mime, "limits": child_limits}).encode() + b"\n" + file.read()
    file.seek(0)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (_project_root(), os.environ.get("PYTHONPATH")) if p)}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mitra.documents.extraction_child"],
            input=payload,
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Extraction(LIMIT, error=f"text not extracted: reading the file took longer than {timeout:g} s")
    except OSError as exc:
        return Extraction(FAILED, error=f"the extraction process could not start: {exc}"[:1000])
    if done.returncode == 0:
        try:
            return Extraction(**json.loads(done.stdout))
        except (ValueError, TypeError):
            pass
    stderr = done.stderr.decode("utf-8", "replace")
    if "MemoryError" in stderr or done.returncode in (-9, 137):
        return Extraction(LIMIT, error=f"text not extracted: reading the file needed more than {memory_mb} MiB")
    return Extraction(
        LIMIT, error=f"text not extracted: the extraction process ended abnormally ({done.returncode})"[:1000]
    )


def extract(file: IO[bytes], mime: str) -> Extraction:
    """Extract the text of `file` (already validated as `mime`) in a bounded child process. Never raises.

    settings.MITRA_EXTRACT_IN_PROCESS = True parses in this process instead (only for debugging)."""
    if mime not in EXTRACTORS:
        return Extraction(SKIPPED)
    limits = current_limits()
    if getattr(settings, "MITRA_EXTRACT_IN_PROCESS", False):
        return extract_here(file, mime, limits)
    return _in_child(file, mime, limits)


def child_main() -> None:
    """The child process: limits itself, reads {mime, limits} and the file from stdin, writes the result."""
    import io
    import resource

    data = sys.stdin.buffer.read()
    header, _newline, content = data.partition(b"\n")
    request = json.loads(header)
    limits = request["limits"]
    memory = int(limits["MAX_MEMORY_MB"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = int(float(limits["TIMEOUT_SECONDS"])) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    result = extract_here(io.BytesIO(content), request["mime"], limits)
    del content, data
    sys.stdout.write(json.dumps(asdict(result)))
    sys.stdout.flush()
