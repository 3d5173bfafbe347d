"""Text analysis shared by indexing and querying: normalise, tokenise, stem (Sastrawi), split compounds.

The index never sees raw text: both backends store and match the output of `analyse()`, a space-separated list of
plain word tokens, so Indonesian morphology, compounds and exact codes behave the same on SQLite and PostgreSQL,
and nothing a user types can reach the database's query syntax (tokens are letters and digits only).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Letters and digits in any script; everything else (punctuation, FTS operators, emoji) separates tokens.
WORD_RE = re.compile(r"[^\W_]+")
# Codes such as agreement numbers: alphanumeric runs joined by . / - : containing at least one digit.
# (Starting only where no letter or digit precedes: a code's first run is always a whole word, and without the
# look-behind the engine would try again from every letter of every word, quadratic in the word's length.)
CODE_RE = re.compile(r"(?<![^\W_])[^\W_]+(?:[./\-:][^\W_]+)+")
# Words joined by those separators, or a lone word: every word is in exactly one chain, and a chain with a separator
# is a CODE_RE match.
CHAIN_RE = re.compile(r"[^\W_]+(?:[./\-:][^\W_]+)*")
ASCII_WORD_RE = re.compile(r"[a-z]+")

# Closed compounds written as one word or two ("kerjasama" / "kerja sama"), also inside affixes ("bekerjasama",
# "penandatanganan"): the index and the query both hold the parts, so every spelling finds every other.
COMPOUNDS: dict[str, tuple[str, ...]] = {
    "kerjasama": ("kerja", "sama"),
    "tandatangan": ("tanda", "tangan"),
    "tanggungjawab": ("tanggung", "jawab"),
    "matapelajaran": ("mata", "pelajaran"),
    "beritaacara": ("berita", "acara"),
    "lokakarya": ("loka", "karya"),
    "kepalabiro": ("kepala", "biro"),
    "lintassektor": ("lintas", "sektor"),
}
# Longest first, so a longer compound wins over one it contains.
_COMPOUND_ORDER = sorted(COMPOUNDS, key=len, reverse=True)

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 24
# Terms at least this long match as prefixes ("agreement" finds "agreements"); shorter ones and codes match exactly.
PREFIX_MIN_LENGTH = 4


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    stemmer = StemmerFactory().create_stemmer().delegatedStemmer
    # Sastrawi keeps its 30,000 root words in a list; a set makes a lookup O(1) (from ~20 ms to ~0.1 ms a word).
    stemmer.dictionary.words = frozenset(stemmer.dictionary.words)
    return stemmer


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Sastrawi root of a lower-case ASCII word; any other token unchanged. Never raises."""
    if len(word) < 4 or not ASCII_WORD_RE.fullmatch(word):
        return word
    try:
        return str(_stemmer().stem_word(word)) or word
    except Exception:  # pragma: no cover - Sastrawi builds regexes from its input; keep the word if it trips
        return word


def normalise(text: str) -> str:
    """NFKC, case-folded, combining marks (accents, harakat) removed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", stripped).casefold()


def code_token(code: str) -> str:
    """An agreement number or other code as one exact token: "HK.07.01/1/2017" → "hk070112017"."""
    return "".join(WORD_RE.findall(normalise(code)))


def _split_compound(word: str) -> tuple[str, ...] | None:
    for compound in _COMPOUND_ORDER:
        if compound in word:
            return COMPOUNDS[compound]
    return None


def word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one normalised word: its compound parts (stemmed), or its stem."""
    parts = _split_compound(word) if ASCII_WORD_RE.fullmatch(word) else None
    if parts:
        return tuple(stem(p) for p in parts)
    return (stem(word),)


@lru_cache(maxsize=200_000)
def _surface_terms(surface: str) -> tuple[str, ...]:
    word = normalise(surface)
    # An acronym in capitals or a token with digits is matched as written (PPWG, MFDS, TBT, 2017).
    if (surface.isupper() and len(surface) > 1) or any(ch.isdigit() for ch in word):
        return (word,)
    return word_terms(word)


def terms(text: str) -> Iterator[str]:
    """Every index term of `text`, in order."""
    for match in WORD_RE.finditer(text or ""):
        yield from _surface_terms(match.group())
    for match in CODE_RE.finditer(text or ""):
        if any(ch.isdigit() for ch in match.group()):
            yield code_token(match.group())


# Parts up to this long are remembered (names of partners, forums, countries recur in thousands of records).
_PART_CACHE_CHARS = 300
# How many parts and tokens the analyser remembers; past that it forgets them all and starts again.
_CACHE_ENTRIES = 200_000
# The analysed text of a short part, of a token (its chains' texts joined by spaces) and the codes of a token that
# holds a code with a digit (its code terms): plain dicts (a lookup is a fraction of an lru_cache call's cost).
_PART_TEXT: dict[str, str | None] = {}
_UNKNOWN: Any = object()
# The tokens' texts and codes, as one pair that is replaced whole, never cleared in place: a part is analysed from
# the pair it started with, so its codes cannot go missing when another thread (tasks run in threads of the web
# process: tasks.backends.ThreadBackend) starts a new pair meanwhile. A token is a run of the text between white
# space (str.split): no chain (CHAIN_RE) holds white space, so a part's chains are its tokens' chains in order, and
# splitting on white space is several times quicker than finding the chains (most tokens are one chain, the rest a
# chain with punctuation around it). A token without a chain ("—", "&") has the code None: its text is left out.
_CHAINS: tuple[dict[str, str], dict[str, str | None]] = ({}, {})


def _chain_text(chain: str) -> str:
    r"""The text of one chain: a chain of letters and digits only (`isalnum`, the characters of `[^\W_]`) is one
    word; one with separators (CHAIN_RE) is its words, one at a time."""
    if chain.isalnum():
        return " ".join(_surface_terms(chain))
    return " ".join([t for surface in WORD_RE.findall(chain) for t in _surface_terms(surface)])


def _learn_tokens(tokens: list[str], token_text: dict[str, str], token_code: dict[str, str | None]) -> None:
    """Remember the text of each of these tokens not known yet: its chains' texts, and its codes (the chains with a
    separator and a digit)."""
    for token in tokens:
        if token in token_text:
            continue
        chains = [token] if token.isalnum() else CHAIN_RE.findall(token)
        codes = [code_token(c) for c in chains if not c.isalnum() and any(ch.isdigit() for ch in c)]
        # The code first: a token whose text is known has its code known too, for a thread reading the same pair.
        if codes or not chains:
            token_code[token] = " ".join(codes) if chains else None
        token_text[token] = " ".join([_chain_text(c) for c in chains])


def _part_text(part: str) -> str | None:
    """`" ".join(terms(part))` in one pass over the text, from its tokens' remembered texts: its words' terms in
    order, then its codes' (every chain has at least one term, so joining the chains' texts gives the same string as
    joining every term); None for a part without terms (a term may be empty: a lone "\uff9e" normalises to nothing)."""
    global _CHAINS
    if len(part) <= _PART_CACHE_CHARS:
        known = _PART_TEXT.get(part, _UNKNOWN)
        if known is not _UNKNOWN:
            return known
    token_text, token_code = _CHAINS
    tokens = part.split()
    try:
        texts = list(map(token_text.__getitem__, tokens))  # (quicker than a comprehension)
    except KeyError:
        if len(token_text) > _CACHE_ENTRIES:  # forget them all and start again
            token_text, token_code = _CHAINS = ({}, {})
        _learn_tokens(tokens, token_text, token_code)
        texts = list(map(token_text.__getitem__, tokens))
    if not token_code.keys().isdisjoint(tokens):
        # A token without a chain, or with codes: rare.
        codes = [token_code[token] for token in tokens if token in token_code]
        if None in codes:
            texts = [text for token, text in zip(tokens, texts, strict=True) if token_code.get(token, "") is not None]
        texts += [code for code in codes if code is not None]
    text = " ".join(texts) if texts else None
    if len(part) <= _PART_CACHE_CHARS:
        if len(_PART_TEXT) > _CACHE_ENTRIES:
            _PART_TEXT.clear()
        _PART_TEXT[part] = text
    return text


def analyse(parts: Iterable[str | None]) -> str:
    """The text the index stores for these parts: every term of each part (`terms`), in order."""
    # A remembered part's text is looked up here, without a call of _part_text (most parts are remembered: the
    # names of partners, forums and countries); only short parts are remembered, so a long one is never found.
    # A longer part is not looked up at all (that hashed every file's whole text for nothing).
    known = _PART_TEXT.get
    texts = []
    for part in parts:
        if part:
            text = known(part, _UNKNOWN) if len(part) <= _PART_CACHE_CHARS else _UNKNOWN
            if text is _UNKNOWN:
                text = _part_text(part)
            if text is not None:
                texts.append(text)
    return " ".join(texts)


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool


@dataclass(frozen=True)
class ParsedQuery:
    """A query reduced to terms that must all match (AND). Empty when nothing searchable was typed."""

    raw: str
    terms: tuple[Term, ...]
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(t.text for t in self.terms)


def parse_query(raw: str | None) -> ParsedQuery:
    """Turn what a person typed into terms. Operators, quotes and punctuation are not syntax here; they separate
    words. Codes (agreement numbers) become one exact term."""
    raw = (raw or "").strip()
    truncated = len(raw) > MAX_QUERY_CHARS
    text = raw[:MAX_QUERY_CHARS]
    found: list[Term] = []
    seen: set[str] = set()

    def add(term: str, prefix: bool) -> None:
        if term and term not in seen:
            seen.add(term)
            found.append(Term(term, prefix))

    codes = [m.group() for m in CODE_RE.finditer(text) if any(ch.isdigit() for ch in m.group())]
    for code in codes:
        add(code_token(code), False)
        text = text.replace(code, " ")
    for match in WORD_RE.finditer(text):
        surface = match.group()
        exact = (surface.isupper() and len(surface) > 1) or any(ch.isdigit() for ch in surface)
        for term in _surface_terms(surface):
            add(term, not exact and len(term) >= PREFIX_MIN_LENGTH and ASCII_WORD_RE.fullmatch(term) is not None)
    if len(found) > MAX_QUERY_TERMS:
        found, truncated = found[:MAX_QUERY_TERMS], True
    return ParsedQuery(raw=raw, terms=tuple(found), truncated=truncated)


def matches(term_text: str, query: ParsedQuery) -> bool:
    return any(term_text == t.text or (t.prefix and term_text.startswith(t.text)) for t in query.terms)
