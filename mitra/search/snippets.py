"""Highlighted snippets from the original text (the index holds stems, which are not fit to show)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text import CODE_RE, WORD_RE, ParsedQuery, _surface_terms, code_token, matches

# Documents can be long; a snippet looks for hits in the beginning only, so a page of results stays fast.
SCAN_CHARS = 60_000
SNIPPET_CHARS = 260


def _hits(text: str, query: ParsedQuery) -> list[tuple[int, int, str]]:
    """(start, end, matched term) of every word or code in `text` that a query term matches."""
    found: list[tuple[int, int, str]] = []
    for match in WORD_RE.finditer(text):
        for term in _surface_terms(match.group()):
            if matches(term, query):
                found.append((match.start(), match.end(), term))
                break
    for match in CODE_RE.finditer(text):
        token = code_token(match.group())
        if any(ch.isdigit() for ch in token) and matches(token, query):
            found.append((match.start(), match.end(), token))
    found.sort()
    # Drop word hits inside a code hit (the code is marked whole).
    merged: list[tuple[int, int, str]] = []
    for hit in found:
        if merged and hit[0] < merged[-1][1]:
            if hit[1] > merged[-1][1]:
                merged[-1] = (merged[-1][0], hit[1], merged[-1][2])
            continue
        merged.append(hit)
    return merged


def _render(text: str, hits: list[tuple[int, int, str]], start: int, end: int) -> SafeString:
    out: list[str] = ["… " if start > 0 else ""]
    cursor = start
    for hit_start, hit_end, _term in hits:
        if hit_end <= start or hit_start >= end:
            continue
        out.append(escape(text[cursor:hit_start]))
        out.append(f"<mark>{escape(text[hit_start:hit_end])}</mark>")
        cursor = hit_end
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append(" …")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def highlight(text: str, query: ParsedQuery) -> SafeString:
    """All of `text` (a title), with every hit marked."""
    text = text or ""
    return _render(text, _hits(text, query), 0, len(text))


def snippet(text: str, query: ParsedQuery, width: int = SNIPPET_CHARS) -> SafeString:
    """The passage of `text` with the most distinct query terms, hits marked; the beginning when none match."""
    text = " ".join((text or "")[:SCAN_CHARS].split())
    hits = _hits(text, query)
    if not hits:
        end = min(len(text), width)
        return _render(text, [], 0, end if end == len(text) else _word_end(text, end))
    best_start, best_score = hits[0][0], -1
    wanted = len(query.terms)
    for i, (hit_start, _e, _t) in enumerate(hits):
        terms_in_window = {t for s, _e2, t in hits[i:] if s < hit_start + width}
        if len(terms_in_window) > best_score:
            best_start, best_score = hit_start, len(terms_in_window)
            if best_score >= wanted:
                break
    start = max(0, best_start - width // 4)
    start = _word_start(text, start)
    end = _word_end(text, min(len(text), start + width))
    return _render(text, hits, start, end)


def _word_start(text: str, pos: int) -> int:
    if pos <= 0:
        return 0
    space = text.rfind(" ", 0, pos)
    return space + 1 if space >= 0 else 0


def _word_end(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    space = text.find(" ", pos)
    return space if space >= 0 else len(text)
