"""A small, safe markup for narratives: no HTML passes through, so nothing needs sanitising afterwards.

    Paragraphs are separated by a blank line.
    - a bullet item          1. a numbered item          ### a sub-heading
    **bold**  *italic*  {{ budget.absorption_pct }} (a figure by name)  [^a footnote]

Text is kept as text and escaped by each renderer; a figure name that is not known is an error, reported with
its line before anything is generated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Fig, Inline, Note, Paragraph, Styled

FIGURE = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")
TOKEN = re.compile(r"(\{\{\s*[A-Za-z0-9_.\-]+\s*\}\}|\*\*.+?\*\*|\*[^*\s][^*]*?\*|\[\^[^\]]+\])")
BULLET = re.compile(r"^\s*[-*•]\s+")
NUMBERED = re.compile(r"^\s*\d+[.)]\s+")
# Sentences that end in a stray brace pair: "{{ " without a closing "}}", or a malformed name.
BROKEN = re.compile(r"\{\{(?![^{}]*\}\})|\{\{\s*\}\}|\{\{[^}]*[^A-Za-z0-9_.\-\s}][^}]*\}\}")


@dataclass(frozen=True)
class NarrativeError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.line}: {self.message}"


def figure_names(text: str) -> list[tuple[int, str]]:
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in FIGURE.finditer(text)]


def validate(text: str, known: set[str] | dict[str, Fig]) -> list[NarrativeError]:
    from django.utils.translation import gettext as _

    errors = []
    for line, name in figure_names(text):
        if name not in known:
            errors.append(NarrativeError(line, _("Unknown figure “%(name)s”.") % {"name": name}))
    for m in BROKEN.finditer(text):
        errors.append(
            NarrativeError(
                text.count("\n", 0, m.start()) + 1, _("A figure reference is not closed or not a valid name.")
            )
        )
    return errors


def _inline(text: str, figures: dict[str, Fig]) -> list[Inline]:
    runs: list[Inline] = []
    for part in TOKEN.split(text):
        if not part:
            continue
        figure = FIGURE.fullmatch(part)
        if figure:
            name = figure.group(1)
            runs.append(figures.get(name, f"[?{name}]"))
        elif part.startswith("**") and part.endswith("**") and len(part) > 4:
            inner = part[2:-2]
            runs.extend(_inline(inner, figures) if FIGURE.search(inner) else [Styled(inner, bold=True)])
        elif part.startswith("[^"):
            runs.append(Note(part[2:-1].strip()))
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            inner = part[1:-1]
            runs.extend(_inline(inner, figures) if FIGURE.search(inner) else [Styled(inner, italic=True)])
        else:
            runs.append(part)
    return runs


def parse(text: str, figures: dict[str, Fig]) -> list[Paragraph]:
    """The narrative as paragraphs; unknown figures show as [?name] (validate() reports them first)."""
    paragraphs: list[Paragraph] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            paragraphs.append(Paragraph(_inline(" ".join(current), figures)))
            current.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#"):
            flush()
            paragraphs.append(Paragraph(_inline(line.lstrip("#").strip(), figures), "subheading"))
        elif BULLET.match(raw):
            flush()
            paragraphs.append(Paragraph(_inline(BULLET.sub("", raw).strip(), figures), "bullet"))
        elif NUMBERED.match(raw):
            flush()
            paragraphs.append(Paragraph(_inline(NUMBERED.sub("", raw).strip(), figures), "number"))
        elif paragraphs and paragraphs[-1].style in ("bullet", "number") and not current and raw.startswith("  "):
            paragraphs[-1].runs.extend([" ", *_inline(line, figures)])  # continuation of a list item
        else:
            current.append(line)
    flush()
    return paragraphs
