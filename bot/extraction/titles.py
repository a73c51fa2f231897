"""Titles as championships of a season, and which lines are headlines rather than prose."""

from __future__ import annotations

import re
from datetime import date

from bot.extraction.aliases import Aliases
from bot.extraction.events import is_championship
from bot.extraction.result_words import result_words

HEADLINE_MAX_CHARS = 160
"""The longest paragraph read as a headline when it has no sentence-final mark."""
BULLETS = "-–—•*·"
PREVIOUS_CUE_BEFORE_CHARS = 60
PREVIOUS_CUE_AFTER_CHARS = 30
ADJACENT_YEAR_CHARS = 30
_SENTENCE_MARK = re.compile(r"[.!?…:;\"”’)\]]\s*\Z")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_ADJACENT_YEAR = re.compile(
    r"\b(?:19|20)\d\d(?:['’]s)?(?:\s+(?!(?:season|for|of|in|at|on|with|and|the)\b)[\w'’\-]+){0,4}"
    r"\s*\Z",
    re.IGNORECASE,
)
_SCOPE = re.compile(
    r"\b(drivers?|teams?|manufacturers?|constructors?)['’]?\s+(?:titles?|championships?|crowns?)\b",
    re.IGNORECASE,
)
_SCOPE_WORDS = {
    "driver": "drivers'", "drivers": "drivers'", "team": "teams'", "teams": "teams'",
    "manufacturer": "manufacturers'", "manufacturers": "manufacturers'",
    "constructor": "constructors'", "constructors": "constructors'",
}  # fmt: skip


def is_headline(paragraph: str) -> bool:
    """Tell a headline (short, no sentence-final mark) from a sentence of prose."""
    text = paragraph.strip()
    if not text or text[0] in BULLETS:
        return False
    return len(text) <= HEADLINE_MAX_CHARS and not _SENTENCE_MARK.search(text)


def previous_season(
    text: str, start: int, end: int, published: date | None, *, label: bool = False
) -> int | None:
    """Return the season before the article when a cue says so ('reigning champion').

    A title used as a label ('Champion Pipo Derani') is the reigning one too. A year written
    right before the title phrase ('the 2023 title') wins over the cue.
    """
    if published is None:
        return None
    low = max(0, start - PREVIOUS_CUE_BEFORE_CHARS)
    high = min(len(text), end + PREVIOUS_CUE_AFTER_CHARS)
    if not label and not result_words().previous_season.search(text, low, high):
        return None
    if _ADJACENT_YEAR.search(text, max(0, start - ADJACENT_YEAR_CHARS), start) or _YEAR.search(
        text, start, end
    ):
        return None
    return published.year - 1


def main_series(sentences: list[str], aliases: Aliases) -> str | None:
    """Return the championship the article names most often (the first named on a tie)."""
    counts: dict[str, int] = {}
    for text in sentences:
        for found in aliases.find_events(text):
            if is_championship(found.canonical):
                counts[found.canonical] = counts.get(found.canonical, 0) + 1
    return max(counts, key=lambda name: counts[name]) if counts else None


def title_scope(text: str) -> str | None:
    """Return whose title a sentence names: drivers', teams', manufacturers'."""
    match = _SCOPE.search(text)
    return _SCOPE_WORDS[match.group(1).casefold()] if match else None


def title_event(
    season: int | None, series: str | None, race_class: str | None, scope: str | None
) -> str:
    """Return a title's name as a championship of a season: '2023 IMSA ... GTP drivers' title'."""
    words = [str(season) if season else None, series, race_class, scope, "title"]
    return " ".join(w for w in words if w)
