"""Small text helpers shared by the core: folding names for comparison, ranking spellings."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

ELLIPSIS = "…"

Marks = Mapping[int, int | str | None]
"""A translation table for quote marks (str.maketrans)."""

DOUBLE_QUOTES = '"“”„‟«»'
SINGLE_QUOTES = "‘’‚‛'`´"
KEEP_MARKS: Marks = MappingProxyType({})
"""fold() keeps every quote mark: the store's entity keys (a change would need a re-key)."""
APOSTROPHE_AS_ONE: Marks = MappingProxyType({ord("’"): "'"})
"""fold() reads ’ as ': names (O’Hara is O'Hara)."""
QUOTES_AS_ONE: Marks = MappingProxyType(dict.fromkeys(map(ord, DOUBLE_QUOTES + SINGLE_QUOTES), "'"))
"""fold() reads every quote mark as ': quoted text compared with a gold sentence."""
FOLDED_NAMES = 65_536
"""Folded names remembered (extraction folds the same few names many times)."""
_NON_WORD = re.compile(r"[^0-9a-z]+")


def clip(text: str, limit: int) -> str:
    """Shorten text to at most `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def fold(text: str, marks: Marks = KEEP_MARKS) -> str:
    """Return text case-folded, without accents and with single spaces, for matching.

    `marks` translates quote marks after accents go and before case folding: KEEP_MARKS
    (the store's entity keys), APOSTROPHE_AS_ONE (names) or QUOTES_AS_ONE (quoted text).
    """
    if text.isascii():  # nothing to decompose: five times faster, the same result
        return " ".join(text.translate(marks).casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.translate(marks).casefold().split())


@lru_cache(maxsize=FOLDED_NAMES)
def fold_name(name: str) -> str:
    """Return a name folded for matching, ’ read as ': the key names are compared by."""
    return fold(name, APOSTROPHE_AS_ONE)


def fold_words(text: str) -> str:
    """Return text folded to its letters and digits only, single spaces between words."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


def spelling_rank(name: str, *, fullest: bool = False) -> tuple[int, ...]:
    """Rank spellings of a name, best highest: natural case, accented letters, lowercase particles.

    `fullest` is for variants that may differ in completeness (an entity's name and the
    spellings facts give it): the longer one then wins, then the one with fewer capitals.
    Without it, spellings of one folded name that tie stay tied (the first seen is kept).
    """
    tokens = name.split()
    natural = int(name != name.upper() and name != name.lower())
    accents = sum(1 for ch in name if ord(ch) > 127 and ch.isalpha())
    particles = sum(1 for token in tokens[:-1] if token.islower())
    if not fullest:
        return natural, accents, particles
    return natural, accents, particles, len(name), -sum(map(str.isupper, name))


SENTENCE_END_MARKS = ".!?"
"""Punctuation that ends a sentence; a full stop only where is_abbreviation() says no."""
ABBREVIATIONS = frozenset(
    {"no", "nos", "nr", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "inc", "ltd", "co",
     "fla", "ga", "calif", "ind", "mich", "ariz", "approx", "est", "lt", "gen", "sgt", "mt"}
)  # fmt: skip
"""Words (case-folded) a full stop follows without ending the sentence: No. 31, Dr. Lee."""


def is_abbreviation(word: str) -> bool:
    """Tell whether a full stop after this word leaves the sentence open (abbreviation, initial)."""
    return word.casefold() in ABBREVIATIONS or (len(word) == 1 and word.isupper())


def sentence_stop_pattern() -> str:
    """Return a regex for a mark that ends a sentence: ! or ? or a full stop that does."""
    others = re.escape(SENTENCE_END_MARKS.replace(".", ""))
    return f"(?:[{others}]|{full_stop_pattern()})"


def full_stop_pattern() -> str:
    """Return a regex for a full stop that ends a sentence: not after an abbreviation or initial."""
    words = sorted(ABBREVIATIONS, key=lambda word: (-len(word), word))
    return r"\." + "".join(rf"(?<!\b(?i:{word})\.)" for word in words) + r"(?<!\b[A-Z]\.)"


CLAUSE_FULL_STOP = r"(?<!No)\.(?=\s|\Z)"
"""A full stop the gap checks of line-ups and results stop at: any but the one of 'No.'.

Stricter than full_stop_pattern() on purpose: 'with Dr. A. Kow' or 'Kow Jr.' in a gap stops a
crew, so a crew they cannot read whole gives no fact rather than a short or wrong one.
"""


HEADLINE_CHARS = 90
"""About how long a headline may be; longer titles are cut at a word."""
_HEADLINE_TRIM = " ,;:–—-"


def headline(title: str, limit: int = HEADLINE_CHARS) -> str:
    """Return an article's headline: its title without the final full stop, cut at a word."""
    text = " ".join(title.split())
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    if cut < limit // 2:
        cut = limit - 1
    return text[:cut].rstrip(_HEADLINE_TRIM) + ELLIPSIS


def plural(count: int, word: str, many: str | None = None) -> str:
    """Return `1 result`, `2 results` (or the given plural form)."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"
